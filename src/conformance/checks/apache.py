"""Checks of Apache: MPM values as httpd runs them, and the modules it loads."""

from __future__ import annotations

from typing import Any

from conformance.apache import effective_mpm
from conformance.checks.config import apache_config, loaded_modules
from conformance.errors import ConfigParseError
from conformance.hosts.facts import HostFacts
from conformance.verdict import Case, NotObserved, Observation


def mpm_value(facts: HostFacts, apache: Any, case: Case) -> Observation:
    """Compare one MPM directive's effective value, showing the configured one."""
    mpm, directive = case.params["mpm"], case.params["directive"]
    try:
        settings = effective_mpm(apache_config(facts, apache), mpm)
    except ConfigParseError as error:
        raise NotObserved(f"cannot derive the {mpm} MPM settings: {error}") from None
    if directive not in settings.values:
        known = ", ".join(settings.values)
        raise NotObserved(
            f"{directive!r} is not a setting of the {mpm} MPM that the suite derives; "
            f"use one of {known} in expectations.yaml"
        )
    value = settings[directive]
    configured = (
        f"configured {value.configured_text}"
        if value.configured_at
        else "not configured, httpd's default"
    )
    adjusted = f"; {'; '.join(value.adjustments)}" if value.adjustments else ""
    block = "loaded MPM" if settings.loaded else f"as if mpm_{mpm}_module were loaded"
    return Observation(
        ok=value.effective == case.params["expected"],
        expected=case.params["expected"],
        observed=f"{value.effective} ({configured}{adjusted})",
        where=value.configured_at or apache.config_file,
        details={
            "snapshot": {
                "effective": value.effective,
                "configured": value.configured,
                "configured_at": value.configured_at,
                "evaluated": block,
            }
        },
    )


def module_loaded(facts: HostFacts, module: str) -> Observation:
    modules = loaded_modules(facts)
    mpms = sorted(m for m in modules if m.startswith("mpm_"))
    return Observation(
        ok=module in modules,
        expected=f"{module} loaded",
        observed=f"{module} {'loaded' if module in modules else 'not loaded'}"
        + f" (MPM: {', '.join(mpms) or 'none'})",
        where=f"/usr/sbin/httpd -M on {facts.address}",
    )
