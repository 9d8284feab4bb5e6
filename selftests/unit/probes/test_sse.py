import json
import logging
import time

import pytest

from conformance.probes.client import ClientSettings
from conformance.probes.sse import SseTarget, classify_line, probe_sse

from .servers import http_server, make_certificates, send_json

SESSION = "c2Vzc2lvbi1zZWNyZXQtOTk4ODc3"
PASSWORD = "lab-app-password-4f1d"
TARGET = SseTarget(
    login_path="/api/v1/auth/login",
    stream_path="/api/v1/events/stream",
    cookie_name="session",
)
FAST = {"connect_timeout_s": 0.5, "read_timeout_s": 1.0}


class FakeApp:
    """Login and stream routes that behave like the MBPanel app's."""

    def __init__(
        self,
        *,
        first_line: bytes = b": heartbeat",
        delay_s: float = 0.05,
        require_auth: bool = True,
        set_cookie: str = f"session={SESSION}; HttpOnly; Secure; SameSite=Lax; Path=/",
    ) -> None:
        self.first_line = first_line
        self.delay_s = delay_s
        self.require_auth = require_auth
        self.set_cookie = set_cookie

    def routes(self):
        return {TARGET.login_path: self.login, TARGET.stream_path: self.stream}

    def login(self, handler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        body = json.loads(handler.rfile.read(length))
        if body != {"username": "operator", "password": PASSWORD}:
            send_json(handler, 401, b'{"detail": "Invalid credentials"}')
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Set-Cookie", self.set_cookie)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"{}")

    def stream(self, handler) -> None:
        cookie = handler.headers.get("Cookie", "")
        if self.require_auth and cookie != f"session={SESSION}":
            send_json(handler, 401, b'{"detail": "Not authenticated"}')
            return
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.flush()
        time.sleep(self.delay_s)
        try:
            handler.wfile.write(self.first_line + b"\n\n")
            handler.wfile.flush()
            time.sleep(1.0)
        except OSError:
            pass


def run_probe(
    app: FakeApp, *, within_s: float = 1.0, password: str = PASSWORD, tls=None
):
    with http_server(app.routes(), tls=tls) as url:
        verify = True if tls is None else str(tls.ca_file)
        return probe_sse(
            ClientSettings(url, verify=verify, **FAST),
            TARGET,
            username="operator",
            password=password,
            first_event_within_s=within_s,
        )


def test_probe_sse_heartbeat_after_login():
    result = run_probe(FakeApp())

    assert result.login_status == 200
    assert result.cookie_received is True
    assert result.cookie_attributes == ["httponly", "path", "samesite", "secure"]
    assert result.unauthenticated_status == 401
    assert result.authenticated_status == 200
    assert result.content_type == "text/event-stream; charset=utf-8"
    assert result.first_event == "comment"
    assert 40 <= result.first_event_after_ms < 1000
    assert result.error_kind is None


def test_probe_sse_data_event():
    result = run_probe(FakeApp(first_line=b'data: {"env": 42, "state": "ready"}'))

    assert result.first_event == "data"


def test_probe_sse_stream_open_without_auth():
    result = run_probe(FakeApp(require_auth=False))

    assert result.unauthenticated_status == 200
    assert result.authenticated_status == 200


def test_probe_sse_no_event_within_deadline():
    started = time.monotonic()
    result = run_probe(FakeApp(delay_s=3.0), within_s=0.4)

    assert time.monotonic() - started < 2.5
    assert result.authenticated_status == 200
    assert result.first_event is None
    assert result.error_kind == "no_event"
    assert result.error == "no event or heartbeat within 0.4 s"


def test_probe_sse_wrong_password():
    result = run_probe(FakeApp(), password="not-the-password")

    assert result.login_status == 401
    assert result.error_kind == "login_failed"
    assert result.authenticated_status is None
    assert "not-the-password" not in repr(result)


def test_probe_sse_login_without_cookie():
    result = run_probe(FakeApp(set_cookie="theme=dark; Path=/"))

    assert result.cookie_received is False
    assert result.error_kind == "no_session_cookie"
    assert result.error.startswith("login answered 200 without a 'session' cookie")


def test_probe_sse_over_tls(tmp_path):
    certificates = make_certificates(tmp_path)

    class Tls:
        ca_file = certificates.ca_file

        @staticmethod
        def wrap_socket(sock, server_side):
            return certificates.server_context().wrap_socket(sock, server_side=True)

    result = run_probe(FakeApp(), tls=Tls)

    assert result.first_event == "comment"
    assert result.stream_url.startswith("https://127.0.0.1:")


def test_probe_sse_never_exposes_cookie_or_password(caplog):
    caplog.set_level(logging.DEBUG)

    passing = run_probe(FakeApp())
    failing = run_probe(FakeApp(delay_s=3.0), within_s=0.3)

    exposed = [
        repr(passing),
        json.dumps(passing.to_dict()),
        repr(failing),
        json.dumps(failing.to_dict()),
        caplog.text,
    ]
    for text in exposed:
        assert SESSION not in text
        assert PASSWORD not in text
    sse_lines = [r.getMessage() for r in caplog.records if r.name.endswith(".sse")]
    assert any(" /api/v1/auth/login status=200 ms=" in line for line in sse_lines)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        pytest.param(": ping", "comment", id="comment"),
        pytest.param(":", "comment", id="empty-comment"),
        pytest.param("event: env.status", "event", id="event"),
        pytest.param("data: {}", "data", id="data"),
        pytest.param("data", "data", id="field-without-colon"),
        pytest.param("id: 7", "id", id="id"),
        pytest.param("retry: 3000", "retry", id="retry"),
        pytest.param("", None, id="blank"),
        pytest.param("<html>", None, id="not-a-field"),
    ],
)
def test_classify_line(line, kind):
    assert classify_line(line) == kind
