"""Sample an HTTP endpoint several times and keep every figure a check needs."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from conformance.probes.client import (
    ClientSettings,
    build_client,
    classify_error,
    describe_error,
)
from conformance.probes.histogram import exact_percentile

logger = logging.getLogger("conformance.probes.http")


@dataclass(frozen=True)
class Sample:
    """One request: its status and latency, or the client-side error that ended it."""

    status: int | None
    content_type: str | None
    elapsed_ms: float
    error_kind: str | None = None
    error: str | None = None


@dataclass
class EndpointSamples:
    """Every sample of one endpoint and the parsed JSON body of the last answer."""

    url: str
    path: str
    samples: list[Sample] = field(default_factory=list)
    last_json: Any = None
    last_json_error: str | None = None

    @property
    def statuses(self) -> list[int | None]:
        return [sample.status for sample in self.samples]

    @property
    def content_types(self) -> list[str | None]:
        return [sample.content_type for sample in self.samples]

    @property
    def latencies_ms(self) -> list[float]:
        """Latencies of the requests that got a status; failed requests are left out."""
        return [s.elapsed_ms for s in self.samples if s.status is not None]

    @property
    def errors(self) -> dict[str, list[str]]:
        """Client-side error messages grouped by error kind."""
        grouped: dict[str, list[str]] = {}
        for sample in self.samples:
            if sample.error_kind is not None:
                grouped.setdefault(sample.error_kind, []).append(sample.error or "")
        return grouped

    def latency_percentile_ms(self, p: float) -> float | None:
        """Return the exact nearest-rank percentile of the answered requests."""
        latencies = self.latencies_ms
        return exact_percentile(latencies, p) if latencies else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "statuses": self.statuses,
            "content_types": self.content_types,
            "latencies_ms": self.latencies_ms,
            "p95_ms": self.latency_percentile_ms(95),
            "errors": self.errors,
            "last_json": self.last_json,
            "last_json_error": self.last_json_error,
        }


def sample_endpoint(
    settings: ClientSettings,
    path: str,
    *,
    samples: int,
    method: str = "GET",
    client: httpx.Client | None = None,
) -> EndpointSamples:
    """Send `samples` sequential requests to `path` and record each one.

    Pass `client` to reuse its connections across endpoints; otherwise one client is
    opened and closed here. Client-side errors are recorded, never raised.
    """
    if samples < 1:
        raise ValueError(f"samples {samples!r} is invalid: take at least 1 sample")
    if client is None:
        with build_client(settings) as own_client:
            return _sample(own_client, path, samples, method)
    return _sample(client, path, samples, method)


def _sample(
    client: httpx.Client, path: str, samples: int, method: str
) -> EndpointSamples:
    result = EndpointSamples(url=str(client.base_url.join(path)), path=path)
    response: httpx.Response | None = None
    for _ in range(samples):
        sample, answer = send_once(client, method, path)
        result.samples.append(sample)
        if answer is not None:
            response = answer
    if response is not None:
        result.last_json, result.last_json_error = _parse_json(response)
    return result


def send_once(
    client: httpx.Client, method: str, path: str, **options: Any
) -> tuple[Sample, httpx.Response | None]:
    """Send one request, log it, and return its sample and response (None on error)."""
    started = time.perf_counter()
    try:
        response = client.request(method, path, **options)
    except httpx.HTTPError as exc:
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        kind = classify_error(exc)
        log_request(client, method, path, status=None, elapsed_ms=elapsed_ms, kind=kind)
        sample = Sample(None, None, round(elapsed_ms, 3), kind, describe_error(exc))
        return sample, None

    elapsed_ms = (time.perf_counter() - started) * 1000.0
    log_request(
        client, method, path, status=response.status_code, elapsed_ms=elapsed_ms
    )
    content_type = response.headers.get("content-type")
    return Sample(response.status_code, content_type, round(elapsed_ms, 3)), response


def log_request(
    client: httpx.Client | httpx.AsyncClient,
    method: str,
    path: str,
    *,
    status: int | None,
    elapsed_ms: float,
    kind: str | None = None,
    level: int = logging.INFO,
    log: logging.Logger = logger,
) -> None:
    """Log one probe request as `METHOD host path status=N ms=N`, never headers.

    A request that got no status logs `error=KIND` in place of `status=N`.
    """
    host = urlsplit(str(client.base_url)).netloc
    outcome = f"status={status}" if kind is None else f"error={kind}"
    log.log(
        level,
        "%s %s %s %s ms=%.1f",
        method,
        host,
        path,
        outcome,
        elapsed_ms,
    )


def _parse_json(response: httpx.Response) -> tuple[Any, str | None]:
    try:
        return response.json(), None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        content_type = response.headers.get("content-type", "no content type")
        return None, f"body is not JSON ({content_type}): {exc}"
