"""The burst's error-rate stop waits for its minimum duration."""

import pytest

from conformance.errors import ProbeLimitError
from conformance.probes.burst import BurstCaps, BurstPlan, check_limits, run_burst
from conformance.probes.client import ClientSettings

from .servers import http_server
from .test_burst import FAST, ConcurrencyMeter

CAPS = BurstCaps(concurrency=50, requests=5000, max_duration_s=60)


def test_min_duration_above_max_rejected():
    plan = BurstPlan(
        "/", concurrency=2, requests=10, max_duration_s=1, min_duration_s=2
    )

    with pytest.raises(ProbeLimitError, match="min_duration_s 2"):
        check_limits(plan, CAPS)


def test_negative_min_duration_rejected():
    plan = BurstPlan(
        "/", concurrency=2, requests=10, max_duration_s=1, min_duration_s=-1
    )

    with pytest.raises(ProbeLimitError, match="min_duration_s -1"):
        check_limits(plan, CAPS)


def test_error_stop_waits_for_min_duration():
    meter = ConcurrencyMeter(delay_s=0.005, status=503)
    plan = BurstPlan(
        "/api/v1/health/ping",
        concurrency=5,
        requests=2000,
        max_duration_s=10,
        min_duration_s=0.5,
    )

    with http_server({"/api/v1/health/ping": meter}) as url:
        result = run_burst(ClientSettings(url, **FAST), plan, CAPS)

    assert result.stopped_early == "error_rate"
    assert result.duration_s >= 0.5
    assert result.requests_sent < 2000
