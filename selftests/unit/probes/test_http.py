import logging
import threading
import time

import pytest

from conformance.errors import ConformanceError
from conformance.probes.client import ClientSettings, build_client
from conformance.probes.http import sample_endpoint

from .servers import (
    answer_plain_text,
    hold_silently,
    http_server,
    make_certificates,
    raw_listener,
    refused_port,
    send_body,
    send_json,
)

FAST = {"connect_timeout_s": 0.5, "read_timeout_s": 0.5}
PING_BODY = b'{"status": "ok", "service": "mbpanel-api"}'


def ping(handler):
    send_json(handler, 200, PING_BODY)


def hang(handler):
    time.sleep(3)
    send_json(handler, 200, b"{}")


def test_sample_endpoint_records_every_sample():
    with http_server({"/api/v1/health/ping": ping}) as url:
        result = sample_endpoint(
            ClientSettings(url, **FAST), "/api/v1/health/ping", samples=5
        )

    assert result.statuses == [200] * 5
    assert result.content_types == ["application/json"] * 5
    assert result.last_json == {"status": "ok", "service": "mbpanel-api"}
    assert result.last_json_error is None
    assert len(result.latencies_ms) == 5
    assert all(latency > 0 for latency in result.latencies_ms)
    assert result.latency_percentile_ms(95) == max(result.latencies_ms)
    assert result.errors == {}


def test_sample_endpoint_reports_non_json_body():
    def html(handler):
        send_body(handler, 200, b"<html>ok</html>", "text/html")

    with http_server({"/": html}) as url:
        result = sample_endpoint(ClientSettings(url, **FAST), "/", samples=1)

    assert result.last_json is None
    assert result.last_json_error.startswith("body is not JSON (text/html)")


def test_sample_endpoint_logs_one_line_per_request(caplog):
    caplog.set_level(logging.INFO, logger="conformance.probes.http")

    with http_server({"/api/v1/health/live": ping}) as url:
        sample_endpoint(ClientSettings(url, **FAST), "/api/v1/health/live", samples=3)

    lines = [r for r in caplog.records if r.name == "conformance.probes.http"]
    host = url.removeprefix("http://")
    assert len(lines) == 3
    for record in lines:
        assert record.levelno == logging.INFO
        assert record.getMessage().startswith(
            f"GET {host} /api/v1/health/live status=200 ms="
        )


def test_sample_endpoint_refused_port():
    url = f"http://127.0.0.1:{refused_port()}"

    result = sample_endpoint(ClientSettings(url, **FAST), "/", samples=2)

    assert result.statuses == [None, None]
    assert list(result.errors) == ["connect_refused"]
    assert result.latencies_ms == []
    assert result.latency_percentile_ms(95) is None


def test_sample_endpoint_silent_port_times_out_on_read():
    with raw_listener(hold_silently) as port:
        started = time.monotonic()
        result = sample_endpoint(
            ClientSettings(f"http://127.0.0.1:{port}", **FAST), "/", samples=1
        )

    assert time.monotonic() - started < 2.0
    assert list(result.errors) == ["read_timeout"]


def test_sample_endpoint_hanging_endpoint_times_out_on_read():
    with http_server({"/api/v1/health/ping": hang}) as url:
        started = time.monotonic()
        result = sample_endpoint(
            ClientSettings(url, **FAST), "/api/v1/health/ping", samples=1
        )

    assert time.monotonic() - started < 2.0
    assert list(result.errors) == ["read_timeout"]


def test_sample_endpoint_failed_tls_handshake(tmp_path):
    ca_file = make_certificates(tmp_path).ca_file
    with raw_listener(answer_plain_text) as port:
        result = sample_endpoint(
            ClientSettings(f"https://127.0.0.1:{port}", str(ca_file), **FAST),
            "/",
            samples=1,
        )

    assert list(result.errors) == ["tls"]


def test_sample_endpoint_silent_tls_port_times_out_on_connect(tmp_path):
    ca_file = make_certificates(tmp_path).ca_file
    with raw_listener(hold_silently) as port:
        started = time.monotonic()
        result = sample_endpoint(
            ClientSettings(f"https://127.0.0.1:{port}", str(ca_file), **FAST),
            "/",
            samples=1,
        )

    # httpx counts the TLS handshake as part of connecting.
    assert time.monotonic() - started < 2.0
    assert list(result.errors) == ["connect_timeout"]


def test_sample_endpoint_verifies_against_ca_bundle(tmp_path):
    certificates = make_certificates(tmp_path)

    with http_server({"/": ping}, tls=certificates.server_context()) as url:
        trusted = sample_endpoint(
            ClientSettings(url, str(certificates.ca_file), **FAST), "/", samples=1
        )
        untrusted = sample_endpoint(ClientSettings(url, True, **FAST), "/", samples=1)
        unverified = sample_endpoint(ClientSettings(url, False, **FAST), "/", samples=1)

    assert trusted.statuses == [200]
    assert list(untrusted.errors) == ["tls"]
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.errors["tls"][0]
    assert unverified.statuses == [200]


def test_sample_endpoint_missing_ca_bundle(tmp_path):
    missing = tmp_path / "missing-ca.pem"

    with pytest.raises(ConformanceError, match=r"CA bundle '.*missing-ca.pem' not"):
        sample_endpoint(
            ClientSettings("https://127.0.0.1", str(missing)), "/", samples=1
        )


def test_sample_endpoint_server_error_is_a_status():
    def fail(handler):
        send_json(handler, 503, b'{"detail": "postgresql unreachable"}')

    with http_server({"/api/v1/health/ready": fail}) as url:
        result = sample_endpoint(
            ClientSettings(url, **FAST), "/api/v1/health/ready", samples=2
        )

    assert result.statuses == [503, 503]
    assert result.errors == {}
    assert result.last_json == {"detail": "postgresql unreachable"}


def test_sample_endpoint_rejects_zero_samples():
    with pytest.raises(ValueError, match="samples 0 is invalid"):
        sample_endpoint(ClientSettings("http://127.0.0.1"), "/", samples=0)


def test_sample_endpoint_reuses_given_client():
    connections = []
    lock = threading.Lock()

    def count(handler):
        with lock:
            connections.append(handler.client_address)
        send_json(handler, 200, b"{}")

    with http_server({"/": count}) as url:
        settings = ClientSettings(url, **FAST)
        with build_client(settings) as client:
            sample_endpoint(settings, "/", samples=3, client=client)

    assert len(connections) == 3
    assert len(set(connections)) == 1
