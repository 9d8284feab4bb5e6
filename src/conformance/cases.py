"""The suite's checks, one Case each, generated from the expectations.

Each conformance test requests one of the fixture names below (``mpm_case``,
``endpoint_case``, ...) and is parametrized with the cases built for it, so that the
test ids are the check ids a person reads: ``apache:event:MaxRequestWorkers``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from conformance.verdict import Case, Section

Checks = Mapping[str, Any]
SectionLookup = Callable[[str], Section]


def build_cases(checks: Checks, section: SectionLookup) -> dict[str, list[Case]]:
    """Return the cases of every check family, keyed by the fixture name tests use."""
    return {name: list(builder(checks, section)) for name, builder in BUILDERS.items()}


def _case(
    group: Any,
    section: SectionLookup,
    check_id: str,
    kind: str,
    override: Mapping[str, Any] | None = None,
    **params: Any,
) -> Case:
    tags = {
        "runbook": group.runbook,
        "remediation": group.remediation,
        "severity": getattr(group, "severity", None) or "major",
    }
    tags.update({k: v for k, v in (override or {}).items() if v is not None})
    return Case(
        check_id=check_id,
        kind=kind,
        runbook=section(str(tags["runbook"])),
        remediation=section(str(tags["remediation"])),
        params=params,
        severity=str(tags["severity"]),
    )


def apache_mpm(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    apache = checks.apache
    for mpm, values in apache.mpm.items():
        for directive, expected in values.items():
            yield _case(
                apache,
                section,
                f"apache:{mpm}:{directive}",
                "config",
                mpm=mpm,
                directive=directive,
                expected=expected,
            )


def apache_modules(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    apache = checks.apache
    mpm_module = f"mpm_{apache.loaded_mpm}_module"
    yield _case(
        apache,
        section,
        "apache:loaded-mpm",
        "config",
        module=mpm_module,
        expected_text=f"{mpm_module} loaded",
    )
    for module in apache.modules:
        yield _case(
            apache,
            section,
            f"apache:module:{module}",
            "config",
            module=module,
            expected_text=f"{module} loaded",
        )


def apache_syntax(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    apache = checks.apache
    syntax = apache.syntax
    yield _case(
        apache,
        section,
        "apache:syntax",
        "config",
        override={"runbook": syntax.runbook, "remediation": syntax.remediation},
        command=syntax.command,
    )


def wsgi(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.wsgi
    for option in ("processes", "threads"):
        expected = getattr(group.daemon, option)
        yield _case(
            group, section, f"wsgi:{option}", "config", option=option, expected=expected
        )
    yield _case(
        group,
        section,
        "wsgi:serving-group",
        "config",
        expected_text="a WSGIDaemonProcess group serves the app",
    )
    yield _case(
        group,
        section,
        "wsgi:live-processes",
        "probe",
        expected=group.daemon.processes,
    )


def celery(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.celery
    yield _case(group, section, "celery:nodes", "config", expected=group.nodes)
    for option, expected in group.options.items():
        yield _case(
            group,
            section,
            f"celery:{option}",
            "config",
            option=option,
            expected=expected,
        )
    yield _case(group, section, "celery:running-nodes", "probe", expected=group.nodes)


def services(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.services
    for unit in group.units:
        override = {"remediation": "4.2"} if unit == "celery" else None
        yield _case(
            group,
            section,
            f"service:{unit}",
            "probe",
            override=override,
            unit=unit,
            expected_text=f"{unit}: active",
        )


def dependencies(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.dependencies
    for name, port in group.ports.items():
        yield _case(
            group,
            section,
            f"dependency:{name}",
            "probe",
            dependency=name,
            port=port,
            expected_text=f"TCP connect to {name} port {port} from the backend",
        )


def tls(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.tls
    for aspect in ("handshake", "name", "days-to-expiry"):
        yield _case(
            group,
            section,
            f"tls:{aspect}",
            "probe",
            aspect=aspect,
            expected_text=f"a TLS certificate on port {group.port} to check {aspect}",
        )


def frontend(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.frontend
    yield _case(
        group,
        section,
        "frontend:access-user",
        "probe",
        expected_text="a login as the access user",
    )
    for unit in group.services:
        yield _case(
            group,
            section,
            f"frontend:service:{unit}",
            "probe",
            unit=unit,
            expected_text=f"{unit}: active",
        )
    yield _case(
        group,
        section,
        "frontend:pm2-app",
        "probe",
        app=group.pm2_app,
        expected_text=f"PM2 app {group.pm2_app!r} online",
    )
    yield _case(
        group,
        section,
        "frontend:app-listening",
        "probe",
        port=group.app_port,
        expected_text=f"a socket listening on port {group.app_port}",
    )
    yield _case(
        group,
        section,
        "frontend:url",
        "probe",
        expected_text="200 from the frontend URL",
    )


def backups(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.backups
    for path in group.files:
        yield _case(
            group,
            section,
            f"backup:{path}",
            "config",
            path=path,
            expected_text=f"latest {path}.bak.<timestamp> exists and is readable",
        )


def recent_errors(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    # The runbook's safe-change procedure (5) ends with reading recent error logs,
    # and a change gone wrong is rolled back (6).
    yield _case(
        checks.backups,
        section,
        "errors:recent",
        "log",
        override={"runbook": "5", "remediation": "6"},
        units=list(checks.services.units),
    )


def endpoints(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    return _endpoints(checks, section, deep=False)


def deep_endpoints(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    return _endpoints(checks, section, deep=True)


def _endpoints(checks: Checks, section: SectionLookup, *, deep: bool) -> Iterator[Case]:
    group = checks.health
    for path, spec in group.endpoints.items():
        if spec.deep != deep:
            continue
        yield _case(
            group,
            section,
            f"health:{path}",
            "probe",
            override={
                "runbook": spec.runbook,
                "remediation": spec.remediation,
                "severity": spec.severity,
            },
            path=path,
            status=spec.status,
            fields=dict(spec.fields),
            expected_text=f"status {spec.status} with a JSON body",
        )


def latencies(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.health
    for path, spec in group.endpoints.items():
        if spec.p95_ms is not None and not spec.deep:
            yield _case(
                group,
                section,
                f"latency:{path}",
                "probe",
                override={
                    "runbook": spec.runbook,
                    "remediation": spec.remediation,
                    "severity": spec.severity,
                },
                path=path,
                p95_ms=spec.p95_ms,
                expected_text=f"p95 <= {spec.p95_ms} ms over {group.samples} samples",
                samples=group.samples,
            )


def routes(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.routes
    for path in group.require_auth:
        # NOTE: the expectations list paths only; a toggle is an action, so it is
        # sent as POST, and every other route as GET.
        method = "POST" if path.endswith("/toggle") else "GET"
        yield _case(
            group,
            section,
            f"route:{path}",
            "probe",
            path=path,
            rule="auth",
            method=method,
        )
    for path in group.retired:
        yield _case(group, section, f"route:{path}", "probe", path=path, rule="retired")


def sse(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.sse
    yield _case(
        group,
        section,
        "sse:auth-required",
        "probe",
        expected_text="401 or 403 without the session cookie",
    )
    yield _case(
        group,
        section,
        "sse:first-event",
        "probe",
        expected_text=f"an event or heartbeat within {group.first_event_within_s} s",
    )


def capacity(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.capacity
    yield _case(
        group,
        section,
        "capacity:bounding-stage",
        "capacity",
        expected_text="the runbook's request slots, from the config on the host",
    )
    yield _case(
        group,
        section,
        "capacity:memory-headroom",
        "capacity",
        expected_text=f"MemAvailable >= {group.min_free_memory_mb} MiB",
    )


def burst(checks: Checks, section: SectionLookup) -> Iterator[Case]:
    group = checks.capacity
    yield _case(
        group,
        section,
        "capacity:burst",
        "capacity",
        expected_text=f"a burst of {group.burst.requests} requests within its budgets",
    )
    yield _case(
        group,
        section,
        "capacity:pressure-log",
        "capacity",
        expected_text="no pressure warning in the error log during the burst",
    )


BUILDERS: dict[str, Callable[[Checks, SectionLookup], Iterator[Case]]] = {
    "mpm_case": apache_mpm,
    "module_case": apache_modules,
    "syntax_case": apache_syntax,
    "wsgi_case": wsgi,
    "celery_case": celery,
    "service_case": services,
    "dependency_case": dependencies,
    "tls_case": tls,
    "frontend_case": frontend,
    "backup_case": backups,
    "errors_case": recent_errors,
    "endpoint_case": endpoints,
    "deep_case": deep_endpoints,
    "latency_case": latencies,
    "route_case": routes,
    "sse_case": sse,
    "capacity_case": capacity,
    "burst_case": burst,
}
