"""The Celery application: the API enqueues jobs, workers w1 and w2 run them.

Every job goes to the queue jobs.env.create by default, so each worker node
consumes it. Jobs publish their progress as status events to the topic
exchange mbpanel.events, which the SSE stream relays to browsers.
"""

import time

from celery import Celery
from kombu import Exchange, Queue

from .settings import EVENTS_EXCHANGE, JOBS_QUEUE, load

settings = load()

celery_app = Celery("mbpanel", broker=settings.broker_url, backend=settings.redis_url)
celery_app.conf.update(
    task_default_queue=JOBS_QUEUE,
    task_queues=[Queue(JOBS_QUEUE, Exchange(JOBS_QUEUE), routing_key=JOBS_QUEUE)],
    broker_connection_timeout=2,
    broker_connection_retry_on_startup=True,
    result_expires=3600,
    worker_hijack_root_logger=False,
    task_acks_late=True,
)

events_exchange = Exchange(EVENTS_EXCHANGE, type="topic", durable=True)


def publish_status(kind: str, payload: dict) -> None:
    """Publish one status event with routing key status.<kind>."""
    with celery_app.producer_or_acquire() as producer:
        producer.publish(
            {"type": kind, **payload, "at": time.time()},
            exchange=events_exchange,
            routing_key=f"status.{kind}",
            declare=[events_exchange],
            serializer="json",
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2},
        )


@celery_app.task(name="env.create", bind=True)
def create_environment(self, name: str, steps: int = 3, step_s: float = 0.5) -> dict:
    """Create an environment, reporting each step as a status event."""
    job = {"job_id": self.request.id, "environment": name}
    publish_status("env.create", {**job, "state": "started"})
    for step in range(1, steps + 1):
        time.sleep(step_s)
        publish_status("env.create", {**job, "state": "progress", "step": step})
    publish_status("env.create", {**job, "state": "done"})
    return {"environment": name, "state": "done"}
