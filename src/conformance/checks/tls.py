"""Checks of the backend's TLS certificate: handshake, name and days to expiry."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from conformance.probes.tls import TlsResult, probe_tls
from conformance.verdict import Case, NotObserved, Observation


def certificate(suite: Any) -> TlsResult:
    """Probe the backend's TLS port once per worker and keep the result."""
    if "tls" not in suite.cache:
        host = urlsplit(suite.environment.backend_url).hostname
        port = suite.checks.tls.port
        suite.ensure_allowed(host)
        tls = suite.environment.tls
        verify: str | bool = tls.verify
        if tls.verify and tls.ca_bundle is not None:
            verify = str(tls.ca_bundle)
        suite.cache["tls"] = probe_tls(
            host,
            port,
            server_name=tls.server_name,
            verify=verify,
            connect_timeout_s=suite.timeouts.http_connect_s,
            handshake_timeout_s=suite.timeouts.http_read_s,
        )
    return suite.cache["tls"]


def observe(suite: Any, case: Case) -> Observation:
    result = certificate(suite)
    where = f"TLS {result.host}:{result.port} (SNI {result.server_name})"
    aspect = case.params["aspect"]
    if aspect == "handshake":
        ok = result.handshake_ok and result.verified is not False
        observed = (
            f"handshake {'ok' if result.handshake_ok else 'failed'}, "
            f"verified: {result.verified}"
        )
        if result.error:
            observed += f" ({result.error_kind}: {result.error})"
        if result.verified is False:
            tls = suite.environment.tls
            trusted = tls.ca_bundle or f"the system store ({tls.ca_bundle_env} unset)"
            observed += f"; trusted CAs: {trusted}"
        return Observation(
            ok=ok,
            expected="handshake ok and chain verified against the trusted CA",
            observed=observed,
            where=where,
            details={"snapshot": {"issuer": result.issuer}},
        )
    if not result.handshake_ok:
        raise NotObserved(
            f"no certificate: {result.error_kind}: {result.error}", where=where
        )
    if aspect == "name":
        return Observation(
            ok=bool(result.name_matches),
            expected=f"a subject alternative name matching {result.server_name}",
            observed=f"SANs {result.sans}",
            where=where,
        )
    minimum = suite.checks.tls.min_days_to_expiry
    return Observation(
        ok=(result.days_to_expiry or 0) >= minimum,
        expected=f">= {minimum} days to expiry",
        observed=f"{result.days_to_expiry} days (not after {result.not_after})",
        where=where,
        details={"snapshot": {"not_after": str(result.not_after)}},
    )
