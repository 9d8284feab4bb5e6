import datetime as dt
import json
import time

import pytest

from conformance.probes.tls import name_matches, probe_tls

from .servers import (
    answer_plain_text,
    hold_silently,
    http_server,
    make_certificates,
    raw_listener,
    refused_port,
    send_json,
)

FAST = {"connect_timeout_s": 0.5, "handshake_timeout_s": 0.5}


def ok(handler):
    send_json(handler, 200, b"{}")


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_probe_tls_trusted_certificate(tmp_path):
    certificates = make_certificates(
        tmp_path, dns_names=("backend.lab.test",), valid_days=90
    )

    with http_server({"/": ok}, tls=certificates.server_context()) as url:
        result = probe_tls(
            "127.0.0.1",
            port_of(url),
            server_name="backend.lab.test",
            verify=str(certificates.ca_file),
            **FAST,
        )

    assert result.handshake_ok is True
    assert result.verified is True
    assert result.name_matches is True
    assert result.error_kind is None
    assert result.subject == "CN=probe.test"
    assert result.common_name == "probe.test"
    assert result.issuer == "CN=Probe Test CA"
    assert result.sans == ["DNS:backend.lab.test", "IP:127.0.0.1"]
    assert result.not_after == certificates.not_after
    assert result.days_to_expiry == pytest.approx(90, abs=0.1)
    assert result.protocol in {"TLSv1.2", "TLSv1.3"}
    json.dumps(result.to_dict())


def test_probe_tls_ip_server_name_matches_ip_san(tmp_path):
    certificates = make_certificates(tmp_path)

    with http_server({"/": ok}, tls=certificates.server_context()) as url:
        result = probe_tls(
            "127.0.0.1",
            port_of(url),
            server_name="127.0.0.1",
            verify=str(certificates.ca_file),
            **FAST,
        )

    assert result.name_matches is True
    assert result.verified is True


def test_probe_tls_wrong_name_is_a_separate_finding(tmp_path):
    certificates = make_certificates(tmp_path, dns_names=("other.lab.test",))

    with http_server({"/": ok}, tls=certificates.server_context()) as url:
        result = probe_tls(
            "127.0.0.1",
            port_of(url),
            server_name="backend.lab.test",
            verify=str(certificates.ca_file),
            **FAST,
        )

    assert result.verified is True
    assert result.name_matches is False
    assert result.error_kind is None


def test_probe_tls_untrusted_chain_still_reports_certificate(tmp_path):
    served = make_certificates(tmp_path / "served", dns_names=("backend.lab.test",))
    other = make_certificates(tmp_path / "other")

    with http_server({"/": ok}, tls=served.server_context()) as url:
        result = probe_tls(
            "127.0.0.1",
            port_of(url),
            server_name="backend.lab.test",
            verify=str(other.ca_file),
            **FAST,
        )

    assert result.handshake_ok is True
    assert result.verified is False
    assert result.error_kind == "verify_failed"
    assert "unable to get local issuer certificate" in result.error
    assert result.name_matches is True
    assert result.not_after == served.not_after


def test_probe_tls_expired_certificate(tmp_path):
    certificates = make_certificates(tmp_path, valid_days=-1)

    with http_server({"/": ok}, tls=certificates.server_context()) as url:
        result = probe_tls(
            "127.0.0.1",
            port_of(url),
            server_name="probe.test",
            verify=str(certificates.ca_file),
            **FAST,
        )

    assert result.verified is False
    assert result.error == "certificate has expired"
    assert result.days_to_expiry < 0


def test_probe_tls_without_verification(tmp_path):
    certificates = make_certificates(tmp_path)

    with http_server({"/": ok}, tls=certificates.server_context()) as url:
        result = probe_tls(
            "127.0.0.1", port_of(url), server_name="probe.test", verify=False, **FAST
        )

    assert result.handshake_ok is True
    assert result.verified is None
    assert result.name_matches is True


def test_probe_tls_days_to_expiry_uses_given_clock(tmp_path):
    certificates = make_certificates(tmp_path, valid_days=30)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)

    with http_server({"/": ok}, tls=certificates.server_context()) as url:
        result = probe_tls(
            "127.0.0.1",
            port_of(url),
            server_name="probe.test",
            verify=False,
            now=later,
            **FAST,
        )

    assert result.days_to_expiry == pytest.approx(10, abs=0.1)


def test_probe_tls_refused_port():
    result = probe_tls(
        "127.0.0.1", refused_port(), server_name="probe.test", verify=False, **FAST
    )

    assert result.handshake_ok is False
    assert result.error_kind == "connect_refused"
    assert result.sans == []


def test_probe_tls_silent_port_times_out_in_handshake():
    with raw_listener(hold_silently) as port:
        started = time.monotonic()
        result = probe_tls(
            "127.0.0.1", port, server_name="probe.test", verify=False, **FAST
        )

    assert time.monotonic() - started < 2.0
    assert result.error_kind == "handshake_timeout"
    assert result.error == f"TLS handshake with 127.0.0.1:{port} timed out after 0.5 s"


def test_probe_tls_plain_http_port_fails_handshake(tmp_path):
    ca_file = str(make_certificates(tmp_path).ca_file)

    with raw_listener(answer_plain_text) as port:
        result = probe_tls(
            "127.0.0.1", port, server_name="probe.test", verify=ca_file, **FAST
        )

    assert result.handshake_ok is False
    assert result.error_kind == "handshake_failed"
    assert result.verified is None


@pytest.mark.parametrize(
    ("server_name", "dns_names", "ips", "expected"),
    [
        pytest.param("backend.lab.test", ["backend.lab.test"], [], True, id="exact"),
        pytest.param("Backend.Lab.Test.", ["backend.lab.test"], [], True, id="case"),
        pytest.param("backend.lab.test", ["*.lab.test"], [], True, id="wildcard"),
        pytest.param("lab.test", ["*.lab.test"], [], False, id="wildcard-no-label"),
        pytest.param("a.b.lab.test", ["*.lab.test"], [], False, id="wildcard-depth"),
        pytest.param("backend.lab.test", [], ["127.0.10.10"], False, id="ip-only"),
        pytest.param("127.0.10.10", ["127.0.10.10"], [], False, id="ip-as-dns"),
        pytest.param("127.0.10.10", [], ["127.0.10.10"], True, id="ip"),
        pytest.param("::1", [], ["0:0:0:0:0:0:0:1"], True, id="ipv6"),
        pytest.param(
            "dev-backend.mightybox.site",
            ["mightybox.site", "*.mightybox.site"],
            [],
            True,
            id="runbook-host",
        ),
    ],
)
def test_name_matches(server_name, dns_names, ips, expected):
    assert name_matches(server_name, dns_names, ips) is expected
