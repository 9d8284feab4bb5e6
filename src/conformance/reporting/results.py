"""Turn pytest's test reports into one record per check, as results.json stores them.

A test produces up to three reports (setup, call, teardown); the record of a check
takes its outcome from all of them and its values from the user_properties the test
recorded (see RECORD_KEYS in conformance.runinfo).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from conformance.runinfo import recorded

OUTCOMES = ("passed", "failed", "waived", "error", "skipped")
FAILING_OUTCOMES = ("failed", "error")

# Fields copied from the recorded properties into each check record, in this order.
RECORD_FIELDS = (
    "kind",
    "expected",
    "observed",
    "where",
    "host",
    "runbook",
    "remediation",
    "severity",
)


@dataclasses.dataclass
class _TestReports:
    nodeid: str
    by_phase: dict[str, Any] = dataclasses.field(default_factory=dict)
    properties: dict[str, Any] = dataclasses.field(default_factory=dict)


class ResultsCollector:
    """Collects the reports of a run, on the process that writes the reports."""

    def __init__(self) -> None:
        self._tests: dict[str, _TestReports] = {}

    def add(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        when = getattr(report, "when", None) or "collect"
        tests = self._tests.setdefault(report.nodeid, _TestReports(report.nodeid))
        tests.by_phase[when] = report
        if isinstance(report, pytest.TestReport):
            tests.properties.update(recorded(report))

    def checks(self) -> list[dict[str, Any]]:
        """Return one record per test, in the order the tests reported."""
        return [_check_record(tests) for tests in self._tests.values()]


def outcome_of(by_phase: dict[str, Any]) -> str:
    """Return the outcome of a test from its phase reports: one of OUTCOMES."""
    call = by_phase.get("call")
    if call is not None and call.failed:
        return "failed"
    if any(report.failed for report in by_phase.values()):
        return "error"
    if call is not None and getattr(call, "waiver", None):
        return "waived"
    if any(report.skipped for report in by_phase.values()):
        return "skipped"
    return "passed"


def message_of(by_phase: dict[str, Any]) -> str:
    """Return the message a person reads for the outcome: failure or skip reason."""
    for when in ("call", "setup", "teardown", "collect"):
        report = by_phase.get(when)
        if report is None:
            continue
        if report.failed or getattr(report, "waiver", None):
            return _failure_message(report)
        if report.skipped:
            return _skip_reason(report)
    return ""


def _check_record(tests: _TestReports) -> dict[str, Any]:
    properties = tests.properties
    record: dict[str, Any] = {
        "id": str(properties.get("check_id") or tests.nodeid),
        "nodeid": tests.nodeid,
        "outcome": outcome_of(tests.by_phase),
    }
    for name in RECORD_FIELDS:
        record[name] = properties.get(name)
    record["duration"] = round(
        sum(getattr(report, "duration", 0.0) for report in tests.by_phase.values()),
        3,
    )
    record["message"] = message_of(tests.by_phase)
    call = tests.by_phase.get("call")
    record["waiver"] = getattr(call, "waiver", None)
    for name in ("burst", "snapshot", "wait_healthy"):
        if properties.get(name) is not None:
            record[name] = properties[name]
    return record


def _failure_message(report: Any) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        text = crash.message
    else:
        text = report.longreprtext or ""
    return text.removeprefix("Failed: ").strip()


def _skip_reason(report: Any) -> str:
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail:
        return f"expected failure: {wasxfail}"
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return report.longreprtext or ""


def count_outcomes(checks: list[dict[str, Any]]) -> dict[str, int]:
    """Return how many checks ended with each outcome, every outcome present."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for check in checks:
        counts[check["outcome"]] += 1
    return counts
