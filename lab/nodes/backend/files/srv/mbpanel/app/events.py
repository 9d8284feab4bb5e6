"""Server-sent events: status events from RabbitMQ, relayed to the browser.

Each open stream binds its own exclusive, auto-deleted queue to the topic
exchange mbpanel.events (routing key status.#) and relays every message as an
`event: status`. A `heartbeat` event follows every few seconds, carrying
whether the relay is connected, so a client sees a live stream even when no
job runs or when RabbitMQ is down.
"""

import contextlib
import json
import logging
import time

import anyio
from fastapi import APIRouter, Cookie, HTTPException
from fastapi.responses import StreamingResponse
from kombu import Connection, Queue

from .auth import session_user
from .settings import load
from .worker import events_exchange

log = logging.getLogger("mbpanel.events")

router = APIRouter(prefix="/api/v1/events", tags=["events"])


def _frame(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, sort_keys=True)}\n\n".encode()


class Relay:
    """One consumer of status events; every method blocks, so call it in a thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection: Connection | None = None
        self.consumer = None
        self.pending: list[dict] = []

    def connect(self) -> None:
        self.connection = Connection(self.url, connect_timeout=2)
        self.connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=2
        )
        queue = Queue(
            exchange=events_exchange,
            routing_key="status.#",
            exclusive=True,
            auto_delete=True,
        )
        self.consumer = self.connection.Consumer(
            [queue], callbacks=[self._on_message], accept=["json"]
        )
        self.consumer.consume()

    def _on_message(self, body, message) -> None:
        self.pending.append(body)
        message.ack()

    def drain(self, timeout_s: float) -> list[dict]:
        """Wait up to timeout_s for messages; return those received."""
        with contextlib.suppress(TimeoutError):
            self.connection.drain_events(timeout=timeout_s)
        received, self.pending = self.pending, []
        return received

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception as error:
                log.warning("closing the event relay failed: %s", error)
        self.connection = None


async def stream(user: str):
    settings = load()
    relay = Relay(settings.broker_url)
    connected = False
    yield b"retry: 3000\n\n"
    try:
        while True:
            if not connected:
                try:
                    await anyio.to_thread.run_sync(relay.connect)
                    connected = True
                except Exception as error:
                    log.warning("event relay cannot reach RabbitMQ: %s", error)
                    await anyio.to_thread.run_sync(relay.close)
            yield _frame(
                "heartbeat",
                {
                    "user": user,
                    "relay": "connected" if connected else "down",
                    "at": time.time(),
                },
            )
            if not connected:
                await anyio.sleep(settings.heartbeat_s)
                continue
            deadline = time.monotonic() + settings.heartbeat_s
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    messages = await anyio.to_thread.run_sync(relay.drain, remaining)
                except Exception as error:
                    log.warning("event relay lost RabbitMQ: %s", error)
                    connected = False
                    await anyio.to_thread.run_sync(relay.close)
                    break
                for message in messages:
                    yield _frame("status", message)
    finally:
        # Runs when the client goes away and the adapter cancels the request.
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(relay.close)


@router.get("/stream")
def open_stream(session: str | None = Cookie(default=None)) -> StreamingResponse:
    user = session_user(session)
    if user is None:
        if load().sse_require_auth:
            raise HTTPException(status_code=401, detail="authentication required")
        user = "anonymous"
    return StreamingResponse(
        stream(user),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
