"""Health endpoints: fast probes for automation, slow ones for diagnostics.

ping and live never touch a dependency. ready checks PostgreSQL, Redis and
RabbitMQ. celery is a fast summary, celery/deep a slow worker inspection, and
/api/v1/health the full composite of all of them.
"""

import asyncio
import os
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from . import celery_health
from .checks import check_dependencies
from .settings import load, ping_delay_s

router = APIRouter(prefix="/api/v1/health", tags=["health"])

STARTED = time.time()


# ping and live are coroutines, so they run on the event loop without the
# hop to a worker thread that FastAPI makes for plain functions.
@router.get("/ping")
async def ping() -> dict:
    delay_s = ping_delay_s()
    if delay_s > 0:
        await asyncio.sleep(delay_s)
    return {"status": "ok"}


@router.get("/live")
async def live() -> dict:
    return {
        "status": "alive",
        "pid": os.getpid(),
        "uptime_s": round(time.time() - STARTED, 1),
    }


def _readiness() -> tuple[int, dict]:
    dependencies = check_dependencies(load())
    failed = sorted(
        name for name, result in dependencies.items() if result["status"] != "ok"
    )
    body = {
        "status": "not_ready" if failed else "ready",
        "dependencies": dependencies,
        "failed": failed,
    }
    return (503 if failed else 200), body


@router.get("/ready")
def ready() -> JSONResponse:
    status, body = _readiness()
    return JSONResponse(body, status_code=status)


@router.get("/celery")
def celery_summary() -> JSONResponse:
    status, body = celery_health.summary()
    return JSONResponse(body, status_code=status)


@router.get("/celery/deep")
def celery_deep() -> JSONResponse:
    status, body = celery_health.deep()
    return JSONResponse(body, status_code=status)


@router.get("")
def full() -> JSONResponse:
    started = time.monotonic()
    _, readiness = _readiness()
    _, celery_body = celery_health.deep()
    checks = dict(readiness["dependencies"])
    checks["celery_workers"] = {
        "status": celery_body.get("status"),
        "online_workers": celery_body.get("online_workers", 0),
        "workers": sorted(celery_body.get("workers", {})),
    }
    checks["queue"] = {
        "status": "ok" if celery_body.get("consumers", 0) > 0 else "error",
        "name": celery_body.get("queue"),
        "consumers": celery_body.get("consumers", 0),
        "messages": celery_body.get("messages", 0),
    }
    failed = sorted(name for name, check in checks.items() if check["status"] != "ok")
    body = {
        "status": "degraded" if failed else "ok",
        "checks": checks,
        "failed": failed,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JSONResponse(body, status_code=503 if failed else 200)
