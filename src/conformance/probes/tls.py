"""TLS handshake probe: the certificate a server presents, its trust and its name.

The handshake is done with the ssl module and the certificate read with
cryptography, so the probe reports the certificate's details even when its chain
is not trusted. It judges the name itself, because chain trust and name match
are two findings a person acts on differently.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from conformance.probes.client import load_ca_bundle

logger = logging.getLogger("conformance.probes.tls")

CONNECT_REFUSED = "connect_refused"
CONNECT_TIMEOUT = "connect_timeout"
CONNECT_ERROR = "connect_error"
HANDSHAKE_TIMEOUT = "handshake_timeout"
HANDSHAKE_FAILED = "handshake_failed"
VERIFY_FAILED = "verify_failed"


@dataclass
class TlsResult:
    """Findings of one TLS probe. `error_kind` names the first problem, if any.

    `verified` is None when verification was not requested. `name_matches` is
    judged on the subject alternative names only, as RFC 6125 and browsers do.
    """

    host: str
    port: int
    server_name: str
    handshake_ok: bool = False
    verified: bool | None = None
    name_matches: bool | None = None
    subject: str | None = None
    common_name: str | None = None
    sans: list[str] = field(default_factory=list)
    issuer: str | None = None
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    days_to_expiry: float | None = None
    protocol: str | None = None
    error_kind: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("not_before", "not_after"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data


def probe_tls(
    host: str,
    port: int,
    *,
    server_name: str,
    verify: str | bool,
    connect_timeout_s: float,
    handshake_timeout_s: float,
    now: dt.datetime | None = None,
) -> TlsResult:
    """Handshake with `host:port` sending SNI `server_name` and describe the result.

    `verify` is a CA bundle path, True for the system trust store, or False.
    Connection and handshake failures are returned as `error_kind`. A missing CA
    bundle raises ConformanceError.
    """
    result = TlsResult(host=host, port=port, server_name=server_name)
    context = _verifying_context(verify) if verify is not False else None
    try:
        if context is not None:
            try:
                _handshake(result, context, connect_timeout_s, handshake_timeout_s)
                result.verified = True
            except ssl.SSLCertVerificationError as exc:
                result.verified = False
                result.error_kind = VERIFY_FAILED
                result.error = exc.verify_message or str(exc)
        if not result.handshake_ok:
            _handshake(
                result, _unverified_context(), connect_timeout_s, handshake_timeout_s
            )
    except _ProbeFailed as failure:
        result.error_kind = result.error_kind or failure.kind
        result.error = result.error or failure.message
    if result.not_after is not None:
        now = now or dt.datetime.now(dt.UTC)
        result.days_to_expiry = round(
            (result.not_after - now).total_seconds() / 86400, 2
        )
    _log(result)
    return result


class _ProbeFailed(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _verifying_context(verify: str | bool) -> ssl.SSLContext:
    context = (
        load_ca_bundle(verify)
        if isinstance(verify, str)
        else ssl.create_default_context()
    )
    # The name is judged separately, so that an untrusted chain and a wrong name
    # are reported as two findings.
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _handshake(
    result: TlsResult,
    context: ssl.SSLContext,
    connect_timeout_s: float,
    handshake_timeout_s: float,
) -> None:
    sock = _connect(result.host, result.port, connect_timeout_s)
    sock.settimeout(handshake_timeout_s)
    # SNI carries no IP address (RFC 6066), so an IP server name is sent as none.
    sni = None if _is_ip(result.server_name) else result.server_name
    try:
        with context.wrap_socket(sock, server_hostname=sni) as tls:
            der = tls.getpeercert(binary_form=True)
            result.protocol = tls.version()
    except ssl.SSLCertVerificationError:
        raise
    except TimeoutError:
        raise _ProbeFailed(
            HANDSHAKE_TIMEOUT,
            f"TLS handshake with {result.host}:{result.port} timed out after "
            f"{handshake_timeout_s:g} s",
        ) from None
    except (ssl.SSLError, OSError) as exc:
        raise _ProbeFailed(
            HANDSHAKE_FAILED,
            f"TLS handshake with {result.host}:{result.port} failed: {exc}",
        ) from None
    finally:
        sock.close()
    result.handshake_ok = True
    if der:
        _describe_certificate(result, x509.load_der_x509_certificate(der))


def _connect(host: str, port: int, timeout_s: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout_s)
    except ConnectionRefusedError:
        raise _ProbeFailed(
            CONNECT_REFUSED, f"connection to {host}:{port} refused"
        ) from None
    except TimeoutError:
        raise _ProbeFailed(
            CONNECT_TIMEOUT,
            f"connection to {host}:{port} timed out after {timeout_s:g} s",
        ) from None
    except OSError as exc:
        raise _ProbeFailed(
            CONNECT_ERROR, f"connection to {host}:{port} failed: {exc}"
        ) from None


def _describe_certificate(result: TlsResult, cert: x509.Certificate) -> None:
    result.subject = cert.subject.rfc4514_string()
    result.issuer = cert.issuer.rfc4514_string()
    common_names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    result.common_name = str(common_names[0].value) if common_names else None
    result.not_before = cert.not_valid_before_utc
    result.not_after = cert.not_valid_after_utc
    dns_names, ip_addresses = subject_alt_names(cert)
    result.sans = [f"DNS:{name}" for name in dns_names]
    result.sans += [f"IP:{address}" for address in ip_addresses]
    result.name_matches = name_matches(result.server_name, dns_names, ip_addresses)


def subject_alt_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """Return the DNS names and IP addresses of the certificate's SAN extension."""
    try:
        extension = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return [], []
    dns_names = extension.value.get_values_for_type(x509.DNSName)
    ip_addresses = [
        str(ip) for ip in extension.value.get_values_for_type(x509.IPAddress)
    ]
    return dns_names, ip_addresses


def name_matches(
    server_name: str, dns_names: list[str], ip_addresses: list[str]
) -> bool:
    """Tell whether `server_name` matches a SAN, with RFC 6125 wildcard rules.

    An IP address matches only an IP SAN. A `*` matches exactly one whole label,
    and only as the leftmost label: `*.lab.test` matches `backend.lab.test` but
    neither `lab.test` nor `a.backend.lab.test`.
    """
    if _is_ip(server_name):
        expected_ip = ipaddress.ip_address(server_name)
        return any(ipaddress.ip_address(ip) == expected_ip for ip in ip_addresses)
    host = server_name.rstrip(".").lower()
    return any(_dns_name_matches(host, pattern.lower()) for pattern in dns_names)


def _dns_name_matches(host: str, pattern: str) -> bool:
    if not pattern.startswith("*."):
        return host == pattern
    host_labels = host.split(".")
    pattern_labels = pattern.split(".")
    return (
        len(host_labels) == len(pattern_labels)
        and host_labels[1:] == pattern_labels[1:]
    )


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _log(result: TlsResult) -> None:
    logger.info(
        "TLS %s:%s sni=%s handshake=%s verified=%s name_matches=%s "
        "days_to_expiry=%s error=%s",
        result.host,
        result.port,
        result.server_name,
        "ok" if result.handshake_ok else "failed",
        result.verified,
        result.name_matches,
        result.days_to_expiry,
        result.error_kind or "none",
    )
