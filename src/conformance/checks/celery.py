"""Checks of Celery: nodes and options as `celery multi` reads them, and live nodes."""

from __future__ import annotations

from typing import Any

from conformance.checks.config import celery_config
from conformance.checks.host import celery_running
from conformance.hosts.facts import HostFacts
from conformance.verdict import Case, Observation


def observe(facts: HostFacts, celery: Any, case: Case) -> Observation:
    aspect = case.check_id.split(":", 1)[1]
    if aspect == "running-nodes":
        return celery_running(facts, list(case.params["expected"]))
    config = celery_config(facts, celery.config_file)
    if aspect == "nodes":
        return nodes(config, case)
    return option(config, case)


def nodes(config: Any, case: Case) -> Observation:
    names = [node.name for node in config.nodes]
    variable = config.env.variables.get("CELERYD_NODES")
    return Observation(
        ok=names == list(case.params["expected"]),
        expected=list(case.params["expected"]),
        observed=names,
        where=variable.at if variable else config.env.path,
        details={"snapshot": {"effective": names}},
    )


def option(config: Any, case: Case) -> Observation:
    name = f"--{case.params['option']}"
    expected = case.params["expected"]
    observed = {}
    origins = {}
    for node in config.nodes:
        value = node.effective().get(name)
        observed[node.name] = value.value if value else None
        origins[node.name] = value.origin if value else "not set"
    ok = bool(observed) and all(v == str(expected) for v in observed.values())
    variable = config.env.variables.get("CELERYD_OPTS")
    problems = [p for p in config.problems if name in p]
    shown = {n: f"{v} ({origins[n]})" for n, v in observed.items()}
    if problems:
        shown["problems"] = problems
    return Observation(
        ok=ok,
        expected={n: str(expected) for n in observed} or str(expected),
        observed=shown,
        where=variable.at if variable else config.env.path,
        details={"snapshot": {"effective": observed}},
    )
