"""Capacity checks: slot arithmetic, memory headroom, the burst probe, pressure logs."""

from __future__ import annotations

import shlex
import time
from typing import Any

from conformance.apache import effective_mpm
from conformance.capacity import CapacityReport, capacity_from_config
from conformance.checks.common import reachable
from conformance.checks.config import apache_config, celery_config, wsgi_config
from conformance.checks.host import memory_headroom
from conformance.errors import ConformanceError
from conformance.hosts.facts import HostFacts
from conformance.pressure import group_by_code, parse_error_log
from conformance.probes.burst import BurstCaps, BurstPlan, BurstResult, run_burst
from conformance.verdict import Case, NotObserved, Observation

# Apache's parent checks its worker pool once a second, so a pressure warning can
# follow the load by about a second. The check waits this long before reading the log.
MAINTENANCE_WAIT_S = 2.0
# For the same reason, a burst that errors is stopped only after it has run this long:
# stopped within the first second, it can end before Apache's parent has looked.
MIN_BURST_S = 2.0


def observe(facts: HostFacts, suite: Any, case: Case) -> Observation:
    if case.check_id == "capacity:memory-headroom":
        return memory_headroom(facts, suite.checks.capacity.min_free_memory_mb)
    return request_slots(facts, suite.checks)


def observed_capacity(facts: HostFacts, checks: Any) -> CapacityReport:
    config = apache_config(facts, checks.apache)
    groups = wsgi_config(facts, checks.apache).serving_groups()
    nodes = celery_config(facts, checks.celery.config_file).nodes
    try:
        mpm = config.loaded_mpm() or checks.apache.loaded_mpm
        return capacity_from_config(effective_mpm(config, mpm), groups, nodes)
    except ConformanceError as error:
        raise NotObserved(str(error)) from None


def request_slots(facts: HostFacts, checks: Any) -> Observation:
    """Compare the layer that bounds concurrent requests with the runbook's."""
    report = observed_capacity(facts, checks)
    mpm = checks.apache.loaded_mpm
    apache_expected = checks.apache.mpm[mpm]["MaxRequestWorkers"]
    wsgi_expected = checks.wsgi.daemon.processes * checks.wsgi.daemon.threads
    expected_slots = min(apache_expected, wsgi_expected)
    bound = report.request_bound
    return Observation(
        ok=bound.slots == expected_slots,
        expected=f"{expected_slots} concurrent requests (Apache {apache_expected}, "
        f"mod_wsgi {checks.wsgi.daemon.processes} x {checks.wsgi.daemon.threads})",
        observed=f"{bound.slots} ({bound.layer}: {bound.formula})",
        where=bound.where or checks.apache.config_file,
        details={"snapshot": report.to_dict()},
    )


def burst(facts: HostFacts, suite: Any, case: Case) -> Observation:
    reachable(facts)
    try:
        window = burst_window(suite)
    except ConformanceError as error:
        raise NotObserved(str(error)) from None
    if case.check_id == "capacity:pressure-log":
        return pressure(suite, window)
    return burst_figures(suite, window["result"])


def burst_window(suite: Any) -> dict[str, Any]:
    """Run the burst once per worker, with the error-log bytes it made Apache write."""
    if "burst" in suite.cache:
        return suite.cache["burst"]
    group = suite.checks.capacity
    log_path = suite.checks.apache.error_log
    offset = error_log_size(suite, log_path)
    spec = group.burst
    plan = BurstPlan(
        path=spec.path,
        concurrency=spec.concurrency,
        requests=spec.requests,
        max_duration_s=spec.max_duration_s,
        max_error_rate=spec.max_error_rate,
        min_duration_s=min(MIN_BURST_S, spec.max_duration_s),
    )
    caps = BurstCaps(
        concurrency=spec.caps.concurrency,
        requests=spec.caps.requests,
        max_duration_s=spec.caps.max_duration_s,
    )
    result = run_burst(suite.client_settings(), plan, caps, source=spec.where())
    time.sleep(MAINTENANCE_WAIT_S)
    logged = error_log_since(suite, log_path, offset)
    suite.cache["burst"] = {"result": result, "log": logged, "log_path": log_path}
    return suite.cache["burst"]


def error_log_size(suite: Any, path: str) -> int | None:
    result = suite.host("backend").run(f"stat -c %s {shlex.quote(path)}")
    text = result.stdout.strip()
    return int(text) if result.rc == 0 and text.isdigit() else None


def error_log_since(suite: Any, path: str, offset: int | None) -> str | None:
    if offset is None:
        return None
    result = suite.host("backend").run(f"tail -c +{offset + 1} {shlex.quote(path)}")
    return result.stdout if result.rc == 0 else None


def burst_figures(suite: Any, result: BurstResult) -> Observation:
    spec = suite.checks.capacity.burst
    p95 = result.latency_ms().get("p95")
    problems = []
    if result.stopped_early:
        problems.append(f"stopped early: {result.stopped_early}")
    if result.error_rate > spec.max_error_rate:
        problems.append(f"error rate {result.error_rate:.1%}")
    if p95 is None or p95 > spec.p95_ms:
        problems.append(f"p95 {p95} ms")
    figures = result.to_dict()
    return Observation(
        ok=not problems,
        expected=f"error rate <= {spec.max_error_rate:.0%}, p95 <= {spec.p95_ms} ms, "
        f"{spec.requests} requests at concurrency {spec.concurrency}",
        observed={
            "problems": problems,
            "achieved_concurrency": result.achieved_concurrency,
            "requests_ended": result.requests_ended,
            "latency_ms": result.latency_ms(),
            "status_counts": figures["status_counts"],
            "client_errors": figures["client_errors_by_category"],
        },
        where=f"GET {result.url} (burst)",
        details={"burst": figures},
    )


def pressure(suite: Any, window: dict[str, Any]) -> Observation:
    logged = window["log"]
    path = window["log_path"]
    if logged is None:
        raise NotObserved(
            f"{path} could not be read over SSH by the access user; give that user "
            "read access (RHEL keeps /var/log/httpd root-only) or set "
            "checks.apache.error_log to a log it can read",
            where=path,
        )
    codes = set(suite.checks.capacity.pressure_codes)
    groups = group_by_code(parse_error_log(logged).entries)
    found = {code: group.count for code, group in groups.items() if code in codes}
    messages = [f"{c} x{g.count}: {g.message}" for c, g in groups.items() if c in codes]
    result = window["result"]
    return Observation(
        ok=not found,
        expected=f"none of {sorted(codes)} during the burst",
        observed=messages or "none",
        where=f"{path} from {result.started_at:%H:%M:%S} to "
        f"{MAINTENANCE_WAIT_S:g} s after the burst",
        details={
            "burst": result.to_dict(),
            "snapshot": {"pressure_codes": found},
        },
    )
