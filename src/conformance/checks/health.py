"""Checks of what the backend serves: endpoint contracts, latency, routes and SSE."""

from __future__ import annotations

import json
from typing import Any

from conformance.probes.http import EndpointSamples, sample_endpoint
from conformance.verdict import Case, NotObserved, Observation

JSON_TYPE = "application/json"


def contract(suite: Any, case: Case) -> Observation:
    path = case.params["path"]
    result = sample_endpoint(suite.client_settings(), path, samples=1)
    sample = require_answer(result)
    body = result.last_json
    problems = []
    if sample.status != case.params["status"]:
        problems.append(f"status {sample.status}")
    if not (sample.content_type or "").startswith(JSON_TYPE):
        problems.append(f"content type {sample.content_type}")
    matchers = case.params.get("fields", {})
    problems += field_problems(matchers, body)
    expected = {"status": case.params["status"], "content_type": JSON_TYPE}
    expected.update({name: m.describe() for name, m in matchers.items()})
    return Observation(
        ok=not problems,
        expected=expected,
        observed={"problems": problems, "body": shorten(body)}
        if problems
        else {"status": sample.status, "body": shorten(body)},
        where=f"GET {result.url}",
        details={"snapshot": {"status": sample.status}},
    )


def latency(suite: Any, case: Case) -> Observation:
    path = case.params["path"]
    count = case.params["samples"]
    settings = suite.client_settings()

    # One sample first: an endpoint that times out would otherwise cost
    # `samples` full read timeouts before the check could fail.
    result = sample_endpoint(settings, path, samples=1)
    first = result.samples[0]
    if first.status is None:
        raise NotObserved(
            f"{first.error_kind}: {first.error}", where=f"GET {result.url}"
        )
    if count > 1:
        rest = sample_endpoint(settings, path, samples=count - 1)
        result.samples.extend(rest.samples)

    p95 = result.latency_percentile_ms(95)
    budget = case.params["p95_ms"]
    errors = {kind: len(found) for kind, found in result.errors.items()}
    ok = not errors and p95 is not None and p95 <= budget
    observed: dict[str, Any] = {"p95_ms": round(p95, 1) if p95 is not None else None}
    if errors:
        observed["client_errors"] = errors
        observed["first_error"] = next(
            f"{s.error_kind}: {s.error}" for s in result.samples if s.error_kind
        )
    observed["samples_ms"] = [round(ms, 1) for ms in result.latencies_ms]

    return Observation(
        ok=ok,
        expected=f"p95 <= {budget} ms over {count} samples, no client errors",
        observed=observed,
        where=f"GET {result.url} x{count}",
        details={"snapshot": {"within_budget": ok}},
    )


def route(suite: Any, case: Case) -> Observation:
    path = case.params["path"]
    method = case.params.get("method", "GET")
    result = sample_endpoint(suite.client_settings(), path, samples=1, method=method)
    sample = require_answer(result)
    if case.params["rule"] == "retired":
        expected, ok = "404 (route retired)", sample.status == 404
    else:
        expected = "401 or 403 without a session (route exists and needs auth)"
        ok = sample.status in (401, 403)
    return Observation(
        ok=ok,
        expected=expected,
        observed=f"{sample.status}",
        where=f"{method} {result.url} without a session cookie",
    )


def field_problems(matchers: dict[str, Any], body: Any) -> list[str]:
    """Return one line per expected JSON field the body does not satisfy."""
    if not matchers:
        return []
    if not isinstance(body, dict):
        return [f"body is not a JSON object: {shorten(body)}"]
    problems = []
    for name, matcher in matchers.items():
        if name not in body:
            problems.append(f"{name}: missing, expected {matcher.describe()}")
        elif not matcher.matches(body[name]):
            problems.append(
                f"{name}: expected {matcher.describe()}, got {shorten(body[name])}"
            )
    return problems


def require_answer(result: EndpointSamples):
    """Return the last sample, or raise NotObserved with the client-side error."""
    last = result.samples[-1]
    if last.status is None:
        raise NotObserved(f"{last.error_kind}: {last.error}", where=f"GET {result.url}")
    return last


def shorten(body: Any, limit: int = 400) -> Any:
    text = json.dumps(body, sort_keys=True, default=str)
    return body if len(text) <= limit else text[:limit] + "..."
