"""Bounded burst probe: N concurrent requests, M in total, a hard deadline.

The probe runs on asyncio with one httpx.AsyncClient rather than on a thread pool,
for three reasons. The wall-clock deadline cancels requests still in flight,
whereas a thread blocked in a socket read cannot be interrupted and would stretch
the deadline by up to one read timeout. The number of requests in flight is
counted exactly without locks, because every coroutine runs on one thread. And
200 waiting coroutines cost far less memory than 200 thread stacks.

Limits are checked before anything is sent: a plan over its caps raises
ProbeLimitError and opens no connection.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from conformance.errors import ProbeLimitError
from conformance.probes.client import (
    ERROR_CATEGORY,
    ClientSettings,
    build_async_client,
    classify_error,
    describe_error,
)
from conformance.probes.histogram import LatencyHistogram
from conformance.probes.http import log_request

logger = logging.getLogger("conformance.probes.burst")

# The caps come from the expectations file. These ceilings keep an edited file
# from turning a pressure probe into a load test.
CEILING_CONCURRENCY = 1000
CEILING_REQUESTS = 100_000
CEILING_DURATION_S = 600.0

STOPPED_ERROR_RATE = "error_rate"
STOPPED_DEADLINE = "deadline"


@dataclass(frozen=True)
class BurstCaps:
    """Hard limits no burst plan may exceed."""

    concurrency: int
    requests: int
    max_duration_s: float


@dataclass(frozen=True)
class BurstPlan:
    """The requests one burst sends.

    `max_error_rate` is a fraction (0.05 is 5 %). The error rate counts client-side
    errors and 5xx responses, and is checked once `min_sample` requests have ended
    and the burst has run for `min_duration_s`.
    """

    path: str
    concurrency: int
    requests: int
    max_duration_s: float
    max_error_rate: float = 0.05
    min_sample: int = 20
    min_duration_s: float = 0.0
    method: str = "GET"
    keepalive: bool = True


@dataclass
class BurstResult:
    """Figures of one burst. Latencies cover every request that got a status."""

    url: str
    plan: BurstPlan
    started_at: dt.datetime
    ended_at: dt.datetime
    duration_s: float
    achieved_concurrency: int
    requests_sent: int
    requests_completed: int
    requests_cancelled: int
    status_counts: dict[int, int]
    client_errors: dict[str, int]
    histogram: LatencyHistogram
    stopped_early: str | None = None
    error_samples: dict[str, str] = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status."""
        return sum(n for status, n in self.status_counts.items() if status >= 500)

    @property
    def client_errors_by_category(self) -> dict[str, int]:
        """Client-side errors grouped by the phase that failed (connect, tls, ...)."""
        grouped: Counter[str] = Counter()
        for kind, count in self.client_errors.items():
            grouped[ERROR_CATEGORY.get(kind, kind)] += count
        return dict(sorted(grouped.items()))

    @property
    def requests_ended(self) -> int:
        """Requests that got a status or a client-side error."""
        return self.requests_completed + sum(self.client_errors.values())

    @property
    def error_rate(self) -> float:
        ended = self.requests_ended
        if ended == 0:
            return 0.0
        return (self.server_errors + sum(self.client_errors.values())) / ended

    @property
    def requests_per_s(self) -> float:
        return self.requests_ended / self.duration_s if self.duration_s > 0 else 0.0

    def latency_ms(self) -> dict[str, float | None]:
        return self.histogram.summary_ms()

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "concurrency_planned": self.plan.concurrency,
            "requests_planned": self.plan.requests,
            "max_duration_s": self.plan.max_duration_s,
            "achieved_concurrency": self.achieved_concurrency,
            "requests_sent": self.requests_sent,
            "requests_completed": self.requests_completed,
            "requests_cancelled": self.requests_cancelled,
            "duration_s": round(self.duration_s, 3),
            "requests_per_s": round(self.requests_per_s, 1),
            "latency_ms": self.latency_ms(),
            "latency_error_bound": self.histogram.relative_error,
            "latency_histogram": [
                {"from_ms": low / 1000, "to_ms": (high + 1) / 1000, "count": count}
                for low, high, count in self.histogram.octaves()
            ],
            "status_counts": {str(k): v for k, v in sorted(self.status_counts.items())},
            "server_errors": self.server_errors,
            "client_errors": dict(sorted(self.client_errors.items())),
            "client_errors_by_category": self.client_errors_by_category,
            "error_samples": self.error_samples,
            "error_rate": round(self.error_rate, 4),
            "stopped_early": self.stopped_early,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
        }


def check_limits(plan: BurstPlan, caps: BurstCaps, *, source: str = "") -> None:
    """Raise ProbeLimitError if `plan` or `caps` is out of bounds.

    `source` names where the plan was read (file:line) for the message.
    """
    where = f" ({source})" if source else ""
    _check_caps(caps, where)
    for name, value, cap in (
        ("concurrency", plan.concurrency, caps.concurrency),
        ("requests", plan.requests, caps.requests),
        ("max_duration_s", plan.max_duration_s, caps.max_duration_s),
    ):
        if not value > 0:
            raise ProbeLimitError(
                f"burst {name} {value!r}{where} is invalid: use a number above 0"
            )
        if value > cap:
            raise ProbeLimitError(
                f"burst {name} {value!r}{where} exceeds its cap {cap!r}: lower "
                f"capacity.burst.{name} or raise capacity.burst.caps.{name}"
            )
    if not 0.0 <= plan.max_error_rate <= 1.0:
        raise ProbeLimitError(
            f"burst max_error_rate {plan.max_error_rate!r}{where} is out of range: "
            "give a fraction from 0 to 1, such as 0.05 for 5 %"
        )
    if plan.min_sample < 1:
        raise ProbeLimitError(
            f"burst min_sample {plan.min_sample!r}{where} is invalid: use 1 or more"
        )
    if not 0 <= plan.min_duration_s <= plan.max_duration_s:
        raise ProbeLimitError(
            f"burst min_duration_s {plan.min_duration_s!r}{where} is invalid: use "
            f"0 to max_duration_s ({plan.max_duration_s!r})"
        )


def _check_caps(caps: BurstCaps, where: str) -> None:
    for name, value, ceiling in (
        ("concurrency", caps.concurrency, CEILING_CONCURRENCY),
        ("requests", caps.requests, CEILING_REQUESTS),
        ("max_duration_s", caps.max_duration_s, CEILING_DURATION_S),
    ):
        if value > ceiling:
            raise ProbeLimitError(
                f"burst cap {name} {value!r}{where} exceeds the probe's ceiling "
                f"{ceiling!r}: lower capacity.burst.caps.{name}"
            )


def run_burst(
    settings: ClientSettings, plan: BurstPlan, caps: BurstCaps, *, source: str = ""
) -> BurstResult:
    """Check the limits, then run the burst to completion or to its deadline."""
    check_limits(plan, caps, source=source)
    return asyncio.run(_Burst(settings, plan).run())


class _Burst:
    def __init__(self, settings: ClientSettings, plan: BurstPlan) -> None:
        self.settings = settings
        self.plan = plan
        self.histogram = LatencyHistogram()
        self.status_counts: Counter[int] = Counter()
        self.client_errors: Counter[str] = Counter()
        self.error_samples: dict[str, str] = {}
        self.sent = 0
        self.completed = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.stopped_early: str | None = None
        self.started = time.perf_counter()

    async def run(self) -> BurstResult:
        workers = min(self.plan.concurrency, self.plan.requests)
        limits = httpx.Limits(
            max_connections=workers,
            max_keepalive_connections=workers if self.plan.keepalive else 0,
        )
        started_at = dt.datetime.now(dt.UTC)
        started = self.started = time.perf_counter()
        async with build_async_client(self.settings, limits=limits) as client:
            try:
                async with asyncio.timeout(self.plan.max_duration_s):
                    await asyncio.gather(
                        *(self._worker(client) for _ in range(workers))
                    )
            except TimeoutError:
                self.stopped_early = STOPPED_DEADLINE
        duration = time.perf_counter() - started
        result = self._result(client, started_at, duration)
        self._log_summary(result)
        return result

    async def _worker(self, client: httpx.AsyncClient) -> None:
        while self.stopped_early is None and self.sent < self.plan.requests:
            self.sent += 1
            await self._send(client)

    async def _send(self, client: httpx.AsyncClient) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        started = time.perf_counter_ns()
        try:
            response = await client.request(self.plan.method, self.plan.path)
            await response.aread()
        except httpx.HTTPError as exc:
            elapsed_us = (time.perf_counter_ns() - started) // 1000
            self._record_error(exc)
            log_request(
                client,
                self.plan.method,
                self.plan.path,
                status=None,
                elapsed_ms=elapsed_us / 1000,
                kind=classify_error(exc),
                level=logging.DEBUG,
                log=logger,
            )
        else:
            elapsed_us = (time.perf_counter_ns() - started) // 1000
            self.histogram.record(elapsed_us)
            self.status_counts[response.status_code] += 1
            self.completed += 1
            log_request(
                client,
                self.plan.method,
                self.plan.path,
                status=response.status_code,
                elapsed_ms=elapsed_us / 1000,
                level=logging.DEBUG,
                log=logger,
            )
        finally:
            self.in_flight -= 1
        self._check_error_rate()

    def _record_error(self, exc: httpx.HTTPError) -> None:
        kind = classify_error(exc)
        self.client_errors[kind] += 1
        # One message per kind is enough to explain the count in a report.
        self.error_samples.setdefault(kind, describe_error(exc))

    def _check_error_rate(self) -> None:
        ended = self.completed + sum(self.client_errors.values())
        if ended < self.plan.min_sample or self.stopped_early is not None:
            return
        if time.perf_counter() - self.started < self.plan.min_duration_s:
            return
        server_errors = sum(n for s, n in self.status_counts.items() if s >= 500)
        errors = server_errors + sum(self.client_errors.values())
        if errors / ended > self.plan.max_error_rate:
            self.stopped_early = STOPPED_ERROR_RATE

    def _result(
        self, client: httpx.AsyncClient, started_at: dt.datetime, duration: float
    ) -> BurstResult:
        ended = self.completed + sum(self.client_errors.values())
        return BurstResult(
            url=str(client.base_url.join(self.plan.path)),
            plan=self.plan,
            started_at=started_at,
            ended_at=started_at + dt.timedelta(seconds=duration),
            duration_s=duration,
            achieved_concurrency=self.max_in_flight,
            requests_sent=self.sent,
            requests_completed=self.completed,
            requests_cancelled=self.sent - ended,
            status_counts=dict(self.status_counts),
            client_errors=dict(self.client_errors),
            histogram=self.histogram,
            stopped_early=self.stopped_early,
            error_samples=self.error_samples,
        )

    def _log_summary(self, result: BurstResult) -> None:
        latency = result.latency_ms()
        logger.info(
            "burst %s %s %s sent=%d completed=%d client_errors=%d server_errors=%d "
            "concurrency=%d p95_ms=%s duration_s=%.2f stopped_early=%s",
            self.plan.method,
            urlsplit(result.url).netloc,
            self.plan.path,
            result.requests_sent,
            result.requests_completed,
            sum(result.client_errors.values()),
            result.server_errors,
            result.achieved_concurrency,
            latency["p95"],
            result.duration_s,
            result.stopped_early or "no",
        )
