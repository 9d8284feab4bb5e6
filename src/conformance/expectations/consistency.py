"""Rules that span several values of a loaded expectations file."""

import ipaddress
from urllib.parse import urlsplit

from conformance.expectations.environment import Environment
from conformance.expectations.messages import dotted, located_error
from conformance.expectations.model import Expectations
from conformance.expectations.schema import Context, Located


def check_consistency(expectations: Expectations, context: Context) -> None:
    """Raise ExpectationsError at the first value that contradicts another."""
    _check_section_references(expectations, context)
    _check_loaded_mpm(expectations)
    _check_burst_caps(expectations)
    _check_latency_budgets(expectations)
    for environment in expectations.environments.values():
        _check_addresses_allowed(environment)


def _fail(record: Located, keys: tuple, problem: str, *, got: object, fix: str):
    line = record.lines.line(*keys) if record.lines else 1
    raise located_error(record.source, line, problem, got=got, fix=fix)


def _check_section_references(expectations: Expectations, context: Context) -> None:
    known = expectations.runbook_sections
    for _, number, path, line in context.references:
        if number not in known:
            raise located_error(
                context.source,
                line,
                f"{dotted(path)} names runbook section {number!r}, which "
                "runbook_sections does not list",
                got=number,
                fix=f"use one of: {', '.join(known)}, or add the section",
            )


def _check_loaded_mpm(expectations: Expectations) -> None:
    apache = expectations.checks.apache
    if apache.loaded_mpm not in apache.mpm:
        _fail(
            apache,
            ("loaded_mpm",),
            "checks.apache.loaded_mpm names an MPM with no block under mpm",
            got=apache.loaded_mpm,
            fix=f"use one of: {', '.join(apache.mpm)}, or add its block under mpm",
        )


def _check_burst_caps(expectations: Expectations) -> None:
    burst = expectations.checks.capacity.burst
    for name in ("concurrency", "requests", "max_duration_s"):
        value = getattr(burst, name)
        cap = getattr(burst.caps, name)
        if value > cap:
            _fail(
                burst,
                (name,),
                f"checks.capacity.burst.{name} is above its cap of {cap}",
                got=value,
                fix=f"lower {name} to at most {cap}; raise the cap only after "
                "a review of what the hosts can take",
            )
    if burst.concurrency > burst.requests:
        _fail(
            burst,
            ("concurrency",),
            f"checks.capacity.burst.concurrency is above requests ({burst.requests})",
            got=burst.concurrency,
            fix="set concurrency to at most the number of requests",
        )


def _check_latency_budgets(expectations: Expectations) -> None:
    health = expectations.checks.health
    for path, endpoint in health.endpoints.items():
        if not endpoint.deep and endpoint.p95_ms is None:
            _fail(
                health,
                ("endpoints", path),
                f"probe endpoint {path} has no latency budget",
                got=None,
                fix="add p95_ms: <milliseconds>, or mark it deep: true",
            )


def _check_addresses_allowed(environment: Environment) -> None:
    """Reject literal addresses outside the allowed networks; names are not resolved."""
    targets = [
        (("hosts", role, "address"), host.address)
        for role, host in environment.hosts.items()
    ]
    targets += [
        (("dependencies", name, "host"), dependency.host)
        for name, dependency in environment.dependencies.items()
    ]
    for key in ("backend_url", "frontend_url"):
        host = urlsplit(getattr(environment, key)).hostname or ""
        if _is_ip(host):
            targets.append(((key,), host))
    for keys, address in targets:
        if not environment.allows(address):
            _fail(
                environment,
                keys,
                f"environments.{environment.name}.{'.'.join(keys)} lies outside "
                f"allowed_networks ({environment.networks_text()})",
                got=address,
                fix="correct the address, or add its network to allowed_networks "
                "if the suite may reach it",
            )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
