"""Environment jobs: the API enqueues them on jobs.env.create for Celery."""

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .auth import require_session
from .worker import celery_app

router = APIRouter(prefix="/api/v1/environments", tags=["environments"])


class NewEnvironment(BaseModel):
    name: str = Field(min_length=1, max_length=100)


@router.post("")
def create_environment(
    body: NewEnvironment, user: str = Depends(require_session)
) -> JSONResponse:
    result = celery_app.send_task("env.create", args=[body.name])
    return JSONResponse(
        {
            "job_id": result.id,
            "environment": body.name,
            "state": "queued",
            "user": user,
        },
        status_code=202,
    )
