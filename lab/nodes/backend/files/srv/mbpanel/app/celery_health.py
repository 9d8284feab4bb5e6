"""Celery health as the API reports it: a fast summary and a slow inspection.

The summary reads the consumer count of jobs.env.create from a passive queue
declare on RabbitMQ and pings the workers with a short broadcast. The deep
inspection requests every worker's stats, queues and running tasks, and each
of those broadcasts waits its full timeout.
"""

import contextlib

from amqp.exceptions import NotFound

from .settings import JOBS_QUEUE
from .worker import celery_app

PING_TIMEOUT_S = 0.5
INSPECT_TIMEOUT_S = 1.0


def queue_state() -> dict:
    """Return the message and consumer counts of the jobs queue."""
    with celery_app.connection_for_read() as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=2
        )
        channel = connection.channel()
        try:
            _, messages, consumers = channel.queue_declare(
                queue=JOBS_QUEUE, passive=True
            )
        except NotFound:
            return {"queue_exists": False, "messages": 0, "consumers": 0}
        finally:
            # A failed passive declare has closed the channel already.
            with contextlib.suppress(Exception):
                channel.close()
    return {"queue_exists": True, "messages": messages, "consumers": consumers}


def online_workers(timeout_s: float = PING_TIMEOUT_S) -> list[str]:
    replies = celery_app.control.ping(timeout=timeout_s) or []
    return sorted(name for reply in replies for name in reply)


def summary() -> tuple[int, dict]:
    """Return the HTTP status and body of /api/v1/health/celery."""
    body = {"mode": "summary", "queue": JOBS_QUEUE}
    try:
        body.update(queue_state())
        workers = online_workers()
    except Exception as error:  # the broker itself is unreachable
        body.update(
            status="error",
            online_workers=0,
            workers=[],
            consumers=0,
            error=f"broker unreachable: {type(error).__name__}: {error}",
        )
        return 503, body
    body.update(online_workers=len(workers), workers=workers)
    healthy = len(workers) > 0 and body["consumers"] > 0
    body["status"] = "ok" if healthy else "degraded"
    return (200 if healthy else 503), body


def deep() -> tuple[int, dict]:
    """Return the HTTP status and body of /api/v1/health/celery/deep."""
    inspector = celery_app.control.inspect(timeout=INSPECT_TIMEOUT_S)
    try:
        workers = online_workers(INSPECT_TIMEOUT_S)
        stats = inspector.stats() or {}
        active_queues = inspector.active_queues() or {}
        active = inspector.active() or {}
        registered = inspector.registered() or {}
        queue = queue_state()
    except Exception as error:
        return 503, {
            "mode": "deep",
            "status": "error",
            "error": f"broker unreachable: {type(error).__name__}: {error}",
        }
    nodes = {}
    for name in sorted(set(workers) | set(stats)):
        node_stats = stats.get(name, {})
        nodes[name] = {
            "pid": node_stats.get("pid"),
            "concurrency": node_stats.get("pool", {}).get("max-concurrency"),
            "uptime_s": node_stats.get("uptime"),
            "queues": sorted(q["name"] for q in active_queues.get(name, [])),
            "active_tasks": len(active.get(name, [])),
            "registered_tasks": sorted(registered.get(name, [])),
        }
    healthy = bool(nodes) and queue["consumers"] > 0
    body = {
        "mode": "deep",
        "status": "ok" if healthy else "degraded",
        "online_workers": len(workers),
        "workers": nodes,
        "queue": JOBS_QUEUE,
        **queue,
    }
    return (200 if healthy else 503), body
