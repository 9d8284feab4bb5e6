import logging
import ssl

import httpx
import pytest

from conformance.probes.client import (
    ERROR_CATEGORY,
    HeaderRedactionFilter,
    classify_error,
)

# A response-headers trace line as httpcore 1.0 writes it at DEBUG level.
TRACE = (
    "receive_response_headers.complete return_value=(b'HTTP/1.1', 200, b'OK', "
    "[(b'content-type', b'application/json'), (b'Set-Cookie', "
    "b'session=abc123secret; HttpOnly; Path=/'), (b'content-length', b'2')])"
)


def trace_record(message: str) -> logging.LogRecord:
    return logging.LogRecord(
        "httpcore.http11", logging.DEBUG, __file__, 1, message, None, None
    )


def test_redaction_masks_set_cookie_value():
    record = trace_record(TRACE)

    HeaderRedactionFilter().filter(record)

    assert "abc123secret" not in record.getMessage()
    assert "(b'Set-Cookie', b'[redacted]')" in record.getMessage()
    assert "(b'content-type', b'application/json')" in record.getMessage()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("(b'cookie', b'session=abc123secret')", id="cookie"),
        pytest.param("(b'Authorization', b'Bearer abc123secret')", id="authorization"),
        pytest.param("(b'set-cookie', b\"s='abc123secret'\")", id="double-quoted"),
    ],
)
def test_redaction_masks_secret_headers(header):
    record = trace_record(f"send_request_headers.started headers=[{header}]")

    HeaderRedactionFilter().filter(record)

    assert "abc123secret" not in record.getMessage()


def test_redaction_installed_on_httpcore_logger(caplog):
    caplog.set_level(logging.DEBUG, logger="httpcore.http11")

    logging.getLogger("httpcore.http11").debug(TRACE)

    assert "abc123secret" not in caplog.text
    assert "[redacted]" in caplog.text


def connect_error_from(cause: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError(str(inner)) from inner
    except httpx.ConnectError as exc:
        return exc


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        pytest.param(httpx.ConnectTimeout("timed out"), "connect_timeout", id="ct"),
        pytest.param(httpx.ReadTimeout("timed out"), "read_timeout", id="rt"),
        pytest.param(httpx.WriteTimeout("timed out"), "write_timeout", id="wt"),
        pytest.param(httpx.PoolTimeout("timed out"), "pool_timeout", id="pool"),
        pytest.param(httpx.ReadError("reset by peer"), "read_error", id="read"),
        pytest.param(httpx.WriteError("broken pipe"), "write_error", id="write"),
        pytest.param(
            httpx.RemoteProtocolError(
                "Server disconnected without sending a response."
            ),
            "protocol_error",
            id="protocol",
        ),
        pytest.param(
            connect_error_from(ConnectionRefusedError(111, "Connection refused")),
            "connect_refused",
            id="refused",
        ),
        pytest.param(
            connect_error_from(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER]")),
            "tls",
            id="tls",
        ),
        pytest.param(
            connect_error_from(OSError(113, "No route to host")),
            "connect_error",
            id="unreachable",
        ),
    ],
)
def test_classify_error(exc, kind):
    assert classify_error(exc) == kind
    assert kind in ERROR_CATEGORY
