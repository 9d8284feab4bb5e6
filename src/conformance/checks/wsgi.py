"""Checks of mod_wsgi: the daemon group that serves the app, configured and live."""

from __future__ import annotations

from typing import Any

from conformance.checks.config import wsgi_config
from conformance.checks.host import wsgi_live_processes
from conformance.hosts.facts import HostFacts
from conformance.verdict import Case, NotObserved, Observation
from conformance.wsgi import DaemonGroup


def observe(facts: HostFacts, checks: Any, case: Case) -> Observation:
    group = serving_group(facts, checks)
    aspect = case.check_id.split(":", 1)[1]
    if aspect == "serving-group":
        return Observation(
            ok=True,
            expected="a WSGIDaemonProcess group serves the app",
            observed=f"{group.name} (defined at {group.at})",
            where=group.at,
        )
    if aspect == "live-processes":
        return wsgi_live_processes(facts, group.display_name, case.params["expected"])
    option = case.params["option"]
    value = getattr(group, option)
    written = group.options.get(option)
    origin = f"set at {written.at}" if written else "mod_wsgi default"
    return Observation(
        ok=value == case.params["expected"],
        expected=case.params["expected"],
        observed=f"{value} ({origin}, group {group.name})",
        where=written.at if written else group.at,
        details={"snapshot": {"effective": value, "group": group.name}},
    )


def serving_group(facts: HostFacts, checks: Any) -> DaemonGroup:
    """Return the one daemon group a WSGIScriptAlias sends requests to."""
    config = wsgi_config(facts, checks.apache)
    groups = config.serving_groups()
    if not groups:
        defined = ", ".join(config.groups) or "none"
        raise NotObserved(
            "no WSGIScriptAlias runs in a daemon group, so the app runs embedded in "
            f"Apache's children (daemon groups defined: {defined})",
            where=checks.wsgi.config_file,
        )
    if len(groups) > 1:
        names = ", ".join(g.name for g in groups)
        raise NotObserved(f"the app is served by several daemon groups: {names}")
    return groups[0]
