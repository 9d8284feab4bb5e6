"""Favourite environments of the logged-in user, stored in PostgreSQL.

The canonical routes live under /api/v1/environments. The retired route
/api/v1/favourites exists only in `legacy_router`, which the API includes
only when the [features] switch legacy_favourites_route is on.
"""

import psycopg
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from .auth import require_session
from .settings import load

SCHEMA = """
CREATE TABLE IF NOT EXISTS favorites (
    username text NOT NULL,
    environment_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (username, environment_id)
)
"""

router = APIRouter(prefix="/api/v1/environments", tags=["favorites"])
legacy_router = APIRouter(prefix="/api/v1", tags=["legacy"])

_schema_ready = False


class Toggle(BaseModel):
    environment_id: str = Field(min_length=1, max_length=200)


def _connect() -> psycopg.Connection:
    global _schema_ready
    settings = load()
    connection = psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        dbname=settings.pg_database,
        user=settings.pg_user,
        password=settings.pg_password,
        connect_timeout=3,
    )
    if not _schema_ready:
        # Three daemon processes may start at once; the advisory lock keeps
        # their CREATE TABLE statements from racing on the catalog.
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('mbpanel'))")
            connection.execute(SCHEMA)
        _schema_ready = True
    return connection


def list_favorites(user: str) -> list[str]:
    with _connect() as connection:
        rows = connection.execute(
            "SELECT environment_id FROM favorites WHERE username = %s ORDER BY 1",
            (user,),
        ).fetchall()
    return [row[0] for row in rows]


def toggle_favorite(user: str, environment_id: str) -> bool:
    """Add or remove one favourite; return whether it is now a favourite."""
    with _connect() as connection:
        deleted = connection.execute(
            "DELETE FROM favorites WHERE username = %s AND environment_id = %s",
            (user, environment_id),
        ).rowcount
        if deleted:
            return False
        connection.execute(
            "INSERT INTO favorites (username, environment_id) VALUES (%s, %s)",
            (user, environment_id),
        )
    return True


@router.get("/favorites")
def get_favorites(user: str = Depends(require_session)) -> dict:
    return {"user": user, "favorites": list_favorites(user)}


@router.post("/favorites/toggle")
def post_toggle(body: Toggle, user: str = Depends(require_session)) -> dict:
    favorite = toggle_favorite(user, body.environment_id)
    return {"environment_id": body.environment_id, "favorite": favorite}


@legacy_router.get("/favourites")
def get_legacy_favourites(user: str = Depends(require_session)) -> dict:
    return {"user": user, "favourites": list_favorites(user)}


@legacy_router.post("/favourites")
def post_legacy_favourites(body: Toggle, user: str = Depends(require_session)) -> dict:
    favorite = toggle_favorite(user, body.environment_id)
    return {"environment_id": body.environment_id, "favourite": favorite}
