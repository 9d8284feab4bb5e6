"""Checks of the SSE stream: it needs the session cookie, then delivers events."""

from __future__ import annotations

from typing import Any

from conformance.probes.sse import SseResult, SseTarget, probe_sse
from conformance.verdict import Case, NotObserved, Observation


def stream(suite: Any) -> SseResult:
    """Run the SSE probe once per worker and keep the result."""
    if "sse" not in suite.cache:
        group = suite.checks.sse
        credentials = suite.environment.credentials
        suite.cache["sse"] = probe_sse(
            suite.client_settings(),
            SseTarget(group.login_path, group.stream_path, group.cookie_name),
            username=credentials.require("app_user"),
            password=credentials.secret("app_password").reveal(),
            first_event_within_s=group.first_event_within_s,
        )
    return suite.cache["sse"]


def observe(suite: Any, case: Case) -> Observation:
    result = stream(suite)
    where = f"GET {result.stream_url}"
    if case.check_id == "sse:auth-required":
        status = result.unauthenticated_status
        if status is None:
            raise NotObserved(
                f"no response without a cookie: {result.unauthenticated_error_kind}",
                where=where,
            )
        return Observation(
            ok=status in (401, 403),
            expected="401 or 403 without the session cookie",
            observed=f"{status}",
            where=f"{where} without a session cookie",
        )
    within = suite.checks.sse.first_event_within_s
    if not result.cookie_received:
        raise NotObserved(
            f"login returned {result.login_status} and no session cookie"
            + (f" ({result.error_kind}: {result.error})" if result.error else ""),
            where=f"POST {suite.checks.sse.login_path}",
        )
    observed = {
        "status": result.authenticated_status,
        "content_type": result.content_type,
        "first_event": result.first_event,
        "after_ms": result.first_event_after_ms,
    }
    if result.error:
        observed["error"] = f"{result.error_kind}: {result.error}"
    return Observation(
        ok=result.authenticated_status == 200
        and (result.content_type or "").startswith("text/event-stream")
        and result.first_event is not None,
        expected=f"200 text/event-stream with an event or heartbeat within {within} s",
        observed=observed,
        where=f"{where} with the session cookie",
    )
