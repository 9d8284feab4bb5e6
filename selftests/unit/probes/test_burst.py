import json
import logging
import re
import socket
import threading
import time

import pytest

from conformance.errors import ProbeLimitError
from conformance.probes.burst import (
    BurstCaps,
    BurstPlan,
    check_limits,
    run_burst,
)
from conformance.probes.client import ClientSettings

from .servers import (
    answer_plain_text,
    hold_silently,
    http_server,
    make_certificates,
    raw_listener,
    refused_port,
    send_json,
)

FAST = {"connect_timeout_s": 0.5, "read_timeout_s": 0.5}
CAPS = BurstCaps(concurrency=200, requests=5000, max_duration_s=120)


class ConcurrencyMeter:
    """A route that sleeps, answers 200 and records how many handlers overlapped."""

    def __init__(self, delay_s: float, status: int = 200) -> None:
        self.delay_s = delay_s
        self.status = status
        self.lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.handled = 0

    def __call__(self, handler) -> None:
        with self.lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        time.sleep(self.delay_s)
        with self.lock:
            self.current -= 1
            self.handled += 1
        send_json(handler, self.status, b'{"status": "ok"}')


def plan(**overrides) -> BurstPlan:
    values = {
        "path": "/api/v1/health/ping",
        "concurrency": 10,
        "requests": 100,
        "max_duration_s": 10.0,
        "max_error_rate": 0.05,
        "min_sample": 20,
    }
    values.update(overrides)
    return BurstPlan(**values)


def test_burst_reaches_planned_concurrency():
    meter = ConcurrencyMeter(delay_s=0.02)

    with http_server({"/api/v1/health/ping": meter}) as url:
        result = run_burst(ClientSettings(url, **FAST), plan(), CAPS)

    assert result.requests_sent == 100
    assert result.requests_completed == 100
    assert result.requests_cancelled == 0
    assert result.achieved_concurrency == 10
    assert meter.peak == 10
    assert meter.handled == 100
    assert result.status_counts == {200: 100}
    assert result.client_errors == {}
    assert result.server_errors == 0
    assert result.stopped_early is None
    assert result.histogram.count == 100
    assert result.latency_ms()["min"] >= 20.0
    assert result.started_at < result.ended_at


def test_burst_result_serialises_to_json():
    with http_server({"/api/v1/health/ping": ConcurrencyMeter(0.0)}) as url:
        result = run_burst(ClientSettings(url, **FAST), plan(requests=30), CAPS)

    data = json.loads(json.dumps(result.to_dict()))

    assert data["status_counts"] == {"200": 30}
    assert set(data["latency_ms"]) == {"min", "p50", "p90", "p95", "p99", "max", "mean"}
    assert data["requests_sent"] == 30
    assert data["stopped_early"] is None
    assert data["url"].endswith("/api/v1/health/ping")


def test_burst_stops_early_on_server_errors():
    meter = ConcurrencyMeter(delay_s=0.005, status=503)

    with http_server({"/api/v1/health/ping": meter}) as url:
        result = run_burst(
            ClientSettings(url, **FAST), plan(concurrency=5, requests=2000), CAPS
        )

    assert result.stopped_early == "error_rate"
    # Requests already in flight when the threshold is passed still finish.
    assert 20 <= result.requests_sent <= 20 + 5
    assert result.server_errors == result.requests_completed
    assert result.client_errors == {}
    assert result.error_rate == 1.0


def test_burst_tolerates_errors_below_threshold():
    calls = []
    lock = threading.Lock()

    def every_tenth_fails(handler):
        with lock:
            calls.append(1)
            failing = len(calls) % 10 == 0
        send_json(handler, 500 if failing else 200, b"{}")

    with http_server({"/api/v1/health/ping": every_tenth_fails}) as url:
        result = run_burst(
            ClientSettings(url, **FAST),
            plan(concurrency=4, requests=100, max_error_rate=0.5),
            CAPS,
        )

    assert result.stopped_early is None
    assert result.status_counts == {200: 90, 500: 10}
    assert result.server_errors == 10
    assert result.error_rate == pytest.approx(0.1)


def test_burst_refused_port_counts_connect_errors():
    url = f"http://127.0.0.1:{refused_port()}"

    result = run_burst(ClientSettings(url, **FAST), plan(concurrency=4), CAPS)

    assert result.stopped_early == "error_rate"
    assert set(result.client_errors) == {"connect_refused"}
    assert result.client_errors_by_category == {
        "connect": sum(result.client_errors.values())
    }
    assert result.requests_completed == 0
    assert result.histogram.count == 0
    assert result.latency_ms()["p95"] is None


def test_burst_silent_port_counts_read_timeouts():
    with raw_listener(hold_silently) as port:
        started = time.monotonic()
        result = run_burst(
            ClientSettings(
                f"http://127.0.0.1:{port}", connect_timeout_s=0.3, read_timeout_s=0.3
            ),
            plan(concurrency=5, requests=50, min_sample=5),
            CAPS,
        )

    assert time.monotonic() - started < 2.0
    assert result.stopped_early == "error_rate"
    assert set(result.client_errors) == {"read_timeout"}
    # A worker whose request ended before the fifth error may have sent one more.
    assert 5 <= result.client_errors["read_timeout"] <= 5 + 4
    assert result.client_errors_by_category == {
        "read": result.client_errors["read_timeout"]
    }
    assert result.requests_completed == 0


def test_burst_failed_tls_handshake_counts_tls_errors(tmp_path):
    ca_file = str(make_certificates(tmp_path).ca_file)

    with raw_listener(answer_plain_text) as port:
        result = run_burst(
            ClientSettings(f"https://127.0.0.1:{port}", ca_file, **FAST),
            plan(concurrency=2, requests=40, min_sample=2),
            CAPS,
        )

    assert set(result.client_errors_by_category) == {"tls"}
    assert 2 <= result.client_errors_by_category["tls"] <= 3
    assert result.stopped_early == "error_rate"
    assert "tls" in result.error_samples


def test_burst_hard_deadline_cancels_requests_in_flight():
    meter = ConcurrencyMeter(delay_s=3.0)

    with http_server({"/api/v1/health/ping": meter}) as url:
        started = time.monotonic()
        result = run_burst(
            ClientSettings(url, connect_timeout_s=1.0, read_timeout_s=10.0),
            plan(concurrency=3, requests=30, max_duration_s=0.4),
            CAPS,
        )
        elapsed = time.monotonic() - started

    assert elapsed < 1.5
    assert result.stopped_early == "deadline"
    assert result.requests_sent == 3
    assert result.requests_cancelled == 3
    assert result.requests_completed == 0
    assert result.duration_s == pytest.approx(0.4, abs=0.3)


def test_burst_concurrency_never_above_requests():
    with http_server({"/api/v1/health/ping": ConcurrencyMeter(0.01)}) as url:
        result = run_burst(
            ClientSettings(url, **FAST), plan(concurrency=50, requests=3), CAPS
        )

    assert result.requests_sent == 3
    assert result.achieved_concurrency == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"concurrency": 201},
            "burst concurrency 201 (expectations.yaml:240) exceeds its cap 200",
            id="concurrency-over-cap",
        ),
        pytest.param(
            {"requests": 5001},
            "burst requests 5001 (expectations.yaml:240) exceeds its cap 5000",
            id="requests-over-cap",
        ),
        pytest.param(
            {"max_duration_s": 121.0},
            "burst max_duration_s 121.0 (expectations.yaml:240) exceeds its cap 120",
            id="duration-over-cap",
        ),
        pytest.param({"concurrency": 0}, "burst concurrency 0", id="zero-concurrency"),
        pytest.param(
            {"max_error_rate": 5.0}, "max_error_rate 5.0", id="rate-as-percent"
        ),
        pytest.param({"min_sample": 0}, "min_sample 0", id="zero-min-sample"),
    ],
)
def test_burst_limits_rejected(overrides, message):
    with pytest.raises(ProbeLimitError, match=re.escape(message)):
        check_limits(plan(**overrides), CAPS, source="expectations.yaml:240")


def test_burst_caps_above_ceiling_rejected():
    caps = BurstCaps(concurrency=5000, requests=5000, max_duration_s=60)

    with pytest.raises(ProbeLimitError, match="cap concurrency 5000 exceeds"):
        check_limits(plan(), caps)


def test_burst_over_caps_sends_nothing():
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.3)
    port = listener.getsockname()[1]

    with pytest.raises(ProbeLimitError):
        run_burst(
            ClientSettings(f"http://127.0.0.1:{port}", **FAST),
            plan(concurrency=500),
            CAPS,
        )

    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_burst_logs_summary_and_requests(caplog):
    caplog.set_level(logging.DEBUG, logger="conformance.probes.burst")

    with http_server({"/api/v1/health/ping": ConcurrencyMeter(0.0)}) as url:
        run_burst(ClientSettings(url, **FAST), plan(concurrency=2, requests=5), CAPS)

    records = [r for r in caplog.records if r.name == "conformance.probes.burst"]
    host = url.removeprefix("http://")
    per_request = [r for r in records if r.levelno == logging.DEBUG]
    [summary] = [r for r in records if r.levelno == logging.INFO]
    assert len(per_request) == 5
    for record in per_request:
        assert record.getMessage().startswith(
            f"GET {host} /api/v1/health/ping status=200 ms="
        )
    assert summary.getMessage().startswith(
        f"burst GET {host} /api/v1/health/ping sent=5 completed=5 client_errors=0 "
        "server_errors=0 concurrency=2 p95_ms="
    )
    assert summary.getMessage().endswith("stopped_early=no")
