"""HTTP client settings shared by the probes, and the client-side error kinds.

A client-side error is anything that kept a request from getting an HTTP status:
the kinds below keep "the server said 503" apart from "we never got an answer",
and name which phase failed so a person on call can tell where to look.
"""

from __future__ import annotations

import errno
import logging
import re
import ssl
from dataclasses import dataclass
from pathlib import Path

import httpx

from conformance.errors import ConformanceError

CONNECT_TIMEOUT = "connect_timeout"
CONNECT_REFUSED = "connect_refused"
CONNECT_ERROR = "connect_error"
TLS_ERROR = "tls"
READ_TIMEOUT = "read_timeout"
READ_ERROR = "read_error"
WRITE_TIMEOUT = "write_timeout"
WRITE_ERROR = "write_error"
POOL_TIMEOUT = "pool_timeout"
PROTOCOL_ERROR = "protocol_error"

# Each kind belongs to the phase of the request that failed.
ERROR_CATEGORY = {
    CONNECT_TIMEOUT: "connect",
    CONNECT_REFUSED: "connect",
    CONNECT_ERROR: "connect",
    TLS_ERROR: "tls",
    READ_TIMEOUT: "read",
    READ_ERROR: "read",
    WRITE_TIMEOUT: "write",
    WRITE_ERROR: "write",
    POOL_TIMEOUT: "pool",
    PROTOCOL_ERROR: "read",
}


@dataclass(frozen=True)
class ClientSettings:
    """Settings the probes use to reach one HTTP service.

    `verify` is a CA bundle path, True for the system trust store, or False to skip
    certificate checks (the runbook's own `curl -k`).
    """

    base_url: str
    verify: str | bool = True
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0

    def timeout(self) -> httpx.Timeout:
        # The pool wait shares the connect budget: both are time spent before a
        # request reaches the server.
        return httpx.Timeout(
            connect=self.connect_timeout_s,
            read=self.read_timeout_s,
            write=self.read_timeout_s,
            pool=self.connect_timeout_s,
        )

    def ssl_context(self) -> ssl.SSLContext | bool:
        if isinstance(self.verify, bool):
            return self.verify
        return load_ca_bundle(self.verify)


def load_ca_bundle(path: str) -> ssl.SSLContext:
    """Build a verifying SSL context that trusts only the CA bundle at `path`."""
    if not Path(path).is_file():
        raise ConformanceError(
            f"CA bundle {path!r} not found: set the environment's CA bundle "
            "variable to the path of a PEM file, or set tls.verify to false"
        )
    try:
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        raise ConformanceError(
            f"CA bundle {path!r} is not a valid PEM certificate file ({exc}): "
            "point the CA bundle variable at the lab or site CA certificate"
        ) from None


def build_client(settings: ClientSettings, **options: object) -> httpx.Client:
    """Open a synchronous client for `settings`; extra options go to httpx."""
    return httpx.Client(
        base_url=settings.base_url,
        verify=settings.ssl_context(),
        timeout=settings.timeout(),
        trust_env=False,
        **options,
    )


def build_async_client(
    settings: ClientSettings, **options: object
) -> httpx.AsyncClient:
    """Open an asyncio client for `settings`; extra options go to httpx."""
    return httpx.AsyncClient(
        base_url=settings.base_url,
        verify=settings.ssl_context(),
        timeout=settings.timeout(),
        trust_env=False,
        **options,
    )


def classify_error(exc: httpx.HTTPError) -> str:
    """Return the client-side error kind for an httpx exception."""
    if isinstance(exc, httpx.ConnectTimeout):
        return CONNECT_TIMEOUT
    if isinstance(exc, httpx.PoolTimeout):
        return POOL_TIMEOUT
    if isinstance(exc, httpx.ReadTimeout):
        return READ_TIMEOUT
    if isinstance(exc, httpx.WriteTimeout):
        return WRITE_TIMEOUT
    if isinstance(exc, httpx.ConnectError):
        return _classify_connect_error(exc)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return PROTOCOL_ERROR
    if isinstance(exc, httpx.WriteError):
        return WRITE_ERROR
    return READ_ERROR


def _classify_connect_error(exc: BaseException) -> str:
    for cause in _exception_chain(exc):
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return TLS_ERROR
        if isinstance(cause, ConnectionRefusedError):
            return CONNECT_REFUSED
        if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
            return CONNECT_REFUSED
    # httpcore keeps only the message of some socket errors, not the exception.
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return TLS_ERROR
    if "Connection refused" in text:
        return CONNECT_REFUSED
    return CONNECT_ERROR


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


# httpcore's DEBUG trace prints response headers as (b'Name', b'value') pairs, so a
# Set-Cookie header would put the session cookie in any DEBUG log.
_SECRET_HEADER = re.compile(
    r"""\((b['"](?:set-cookie|cookie|authorization|proxy-authorization)['"]), """
    r"""b(?:'[^']*'|"[^"]*")\)""",
    re.IGNORECASE,
)
_HTTPCORE_LOGGERS = ("httpcore.http11", "httpcore.http2", "httpcore.proxy")


class HeaderRedactionFilter(logging.Filter):
    """Replace cookie and authorization header values in httpcore trace records."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_HEADER.sub(r"(\1, b'[redacted]')", message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def install_header_redaction() -> None:
    """Attach the redaction filter to httpcore's loggers, once."""
    for name in _HTTPCORE_LOGGERS:
        trace_logger = logging.getLogger(name)
        if not any(isinstance(f, HeaderRedactionFilter) for f in trace_logger.filters):
            trace_logger.addFilter(HeaderRedactionFilter())


install_header_redaction()


def describe_error(exc: httpx.HTTPError) -> str:
    """Return a one-line description of `exc` without request headers or cookies."""
    message = str(exc).strip() or type(exc).__name__
    return message.splitlines()[0]
