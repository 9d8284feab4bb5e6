"""The FastAPI application of the MBPanel API."""

import logging

from fastapi import FastAPI

from . import auth, environments, events, favorites, health
from .settings import load

logging.basicConfig(
    level=logging.INFO, format="mbpanel %(name)s %(levelname)s %(message)s"
)


def create_app() -> FastAPI:
    settings = load()
    app = FastAPI(title="MBPanel API", docs_url=None, redoc_url=None)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(events.router)
    app.include_router(favorites.router)
    app.include_router(environments.router)
    if settings.legacy_favourites_route:
        logging.getLogger("mbpanel").warning(
            "the retired route /api/v1/favourites is enabled"
        )
        app.include_router(favorites.legacy_router)
    return app


app = create_app()
