"""Server-sent events probe: the stream rejects anonymous clients and, after a
login, opens as text/event-stream and delivers an event or heartbeat in time.

The session cookie is a secret: it is sent in a Cookie header and never stored in
the result, logged or put in a message. The result only records whether a
cookie came back and with which attributes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

import httpx

from conformance.probes.client import (
    ClientSettings,
    build_client,
    classify_error,
    describe_error,
)
from conformance.probes.http import log_request

logger = logging.getLogger("conformance.probes.sse")

LOGIN_FAILED = "login_failed"
NO_COOKIE = "no_session_cookie"
NO_EVENT = "no_event"
STREAM_CLOSED = "stream_closed"

# Field names a line of an event stream may start with (WHATWG HTML, "Server-sent
# events", interpreting an event stream). A line starting with ":" is a comment,
# which servers send as a heartbeat.
SSE_FIELDS = ("event", "data", "id", "retry")


@dataclass
class SseResult:
    """Findings of the SSE probe, phase by phase. Contains no cookie value."""

    stream_url: str
    login_status: int | None = None
    cookie_received: bool = False
    cookie_attributes: list[str] = field(default_factory=list)
    unauthenticated_status: int | None = None
    unauthenticated_error_kind: str | None = None
    authenticated_status: int | None = None
    content_type: str | None = None
    first_event: str | None = None
    first_event_after_ms: float | None = None
    error_kind: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SseTarget:
    """Paths and names of the login and stream endpoints."""

    login_path: str
    stream_path: str
    cookie_name: str
    username_field: str = "username"
    password_field: str = "password"  # noqa: S105 - the JSON key, not a secret


def probe_sse(
    settings: ClientSettings,
    target: SseTarget,
    *,
    username: str,
    password: str,
    first_event_within_s: float,
) -> SseResult:
    """Log in, open the stream without and with the session cookie, then close."""
    with build_client(settings) as client:
        result = SseResult(stream_url=str(client.base_url.join(target.stream_path)))
        _open_without_cookie(client, target, result)
        cookie = _login(client, target, username, password, result)
        if cookie is not None:
            _open_with_cookie(client, target, cookie, first_event_within_s, result)
    return result


def _login(
    client: httpx.Client,
    target: SseTarget,
    username: str,
    password: str,
    result: SseResult,
) -> str | None:
    credentials = {target.username_field: username, target.password_field: password}
    started = time.perf_counter()
    try:
        response = client.post(target.login_path, json=credentials)
    except httpx.HTTPError as exc:
        _log(client, "POST", target.login_path, started, None, classify_error(exc))
        result.error_kind = LOGIN_FAILED
        result.error = (
            f"login request failed ({classify_error(exc)}): {describe_error(exc)}"
        )
        return None
    _log(client, "POST", target.login_path, started, response.status_code)
    # The probe sends the cookie itself, so the client's jar must stay empty for
    # the anonymous request and no other request carries it by accident.
    client.cookies.clear()
    result.login_status = response.status_code
    if not response.is_success:
        result.error_kind = LOGIN_FAILED
        result.error = (
            f"login at {target.login_path} answered {response.status_code}: check "
            "the application user and password variables of the environment"
        )
        return None
    return _session_cookie(response, target.cookie_name, result)


def _session_cookie(
    response: httpx.Response, name: str, result: SseResult
) -> str | None:
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        if name in jar:
            morsel = jar[name]
            result.cookie_received = True
            result.cookie_attributes = sorted(
                key for key in ("secure", "httponly", "samesite", "path") if morsel[key]
            )
            return morsel.value
    result.error_kind = NO_COOKIE
    result.error = (
        f"login answered {response.status_code} without a {name!r} cookie: check "
        "sse.cookie_name against the cookie the application sets"
    )
    return None


def _open_without_cookie(
    client: httpx.Client, target: SseTarget, result: SseResult
) -> None:
    started = time.perf_counter()
    try:
        with client.stream("GET", target.stream_path) as response:
            result.unauthenticated_status = response.status_code
    except httpx.HTTPError as exc:
        result.unauthenticated_error_kind = classify_error(exc)
        _log(client, "GET", target.stream_path, started, None, classify_error(exc))
        return
    _log(client, "GET", target.stream_path, started, result.unauthenticated_status)


def _open_with_cookie(
    client: httpx.Client,
    target: SseTarget,
    cookie: str,
    within_s: float,
    result: SseResult,
) -> None:
    headers = {
        "Cookie": f"{target.cookie_name}={cookie}",
        "Accept": "text/event-stream",
    }
    timeout = httpx.Timeout(
        connect=client.timeout.connect, read=within_s, write=within_s, pool=within_s
    )
    started = time.perf_counter()
    try:
        with client.stream(
            "GET", target.stream_path, headers=headers, timeout=timeout
        ) as response:
            _log(client, "GET", target.stream_path, started, response.status_code)
            result.authenticated_status = response.status_code
            result.content_type = response.headers.get("content-type")
            if response.status_code == 200:
                _read_first_event(response, started, within_s, result)
    except httpx.ReadTimeout:
        _no_event(result, within_s)
    except httpx.HTTPError as exc:
        if result.authenticated_status is None:
            _log(client, "GET", target.stream_path, started, None, classify_error(exc))
        result.error_kind = classify_error(exc)
        result.error = describe_error(exc)


def _read_first_event(
    response: httpx.Response, started: float, within_s: float, result: SseResult
) -> None:
    deadline = started + within_s
    buffer = b""
    # Each read is bounded by the read timeout; the deadline check after each
    # chunk keeps a server that trickles bytes from holding the probe open.
    for chunk in response.iter_raw():
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            kind = classify_line(line.rstrip(b"\r").decode("utf-8", "replace"))
            if kind is not None:
                result.first_event = kind
                result.first_event_after_ms = round(
                    (time.perf_counter() - started) * 1000, 1
                )
                return
        if time.perf_counter() > deadline:
            _no_event(result, within_s)
            return
    result.error_kind = STREAM_CLOSED
    result.error = "the server closed the stream before any event or heartbeat"


def classify_line(line: str) -> str | None:
    """Return "comment" or the field name of an event-stream line.

    Blank lines and unknown fields, which a client ignores, return None.
    """
    if line.startswith(":"):
        return "comment"
    name = line.split(":", 1)[0]
    return name if name in SSE_FIELDS else None


def _no_event(result: SseResult, within_s: float) -> None:
    result.error_kind = NO_EVENT
    result.error = f"no event or heartbeat within {within_s:g} s"


def _log(
    client: httpx.Client,
    method: str,
    path: str,
    started: float,
    status: int | None,
    kind: str | None = None,
) -> None:
    elapsed_ms = (time.perf_counter() - started) * 1000
    log_request(
        client,
        method,
        path,
        status=status,
        elapsed_ms=elapsed_ms,
        kind=kind,
        log=logger,
    )
