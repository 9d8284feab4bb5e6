"""Verdicts of conformance checks: the values they record and the failure text.

Every failure a person reads has the same shape:

    apache:event:MaxRequestWorkers: expected 150, observed 120 (conf/httpd.conf:12)
    Runbook 1.3 Backend capacity settings. First step (4.1 Apache worker pressure): ...

Checks record expected and observed values in the test report's user_properties (see
runbook sections in expectations.yaml and RECORD_KEYS in runinfo.py), so the HTML, JUnit
and JSON reports show them whether the check passes or fails.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from conformance.errors import ConformanceError


@dataclasses.dataclass(frozen=True)
class Section:
    """A runbook section: its number, title and the first step to take."""

    number: str
    title: str
    first_step: str


@dataclasses.dataclass(frozen=True)
class Case:
    """One conformance check: its id, its runbook sections and what it compares."""

    check_id: str
    kind: str  # "config", "probe", "capacity" or "log"
    runbook: Section
    remediation: Section
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    severity: str = "major"

    def __str__(self) -> str:
        return self.check_id


def show(value: Any) -> str:
    """Render a value for a message: strings bare, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


def failure_text(case: Case, *, expected: Any, observed: Any, where: str) -> str:
    """Word a failed check the way every report shows it."""
    location = f" ({where})" if where else ""
    return (
        f"{case.check_id}: expected {show(expected)}, observed {show(observed)}"
        f"{location}\n"
        f"Runbook {case.runbook.number} {case.runbook.title}. First step "
        f"({case.remediation.number} {case.remediation.title}): "
        f"{case.remediation.first_step}"
    )


class Check:
    """The verdict of one test: records values, then passes or fails."""

    def __init__(
        self,
        case: Case,
        record: Callable[[str, Any], None],
        *,
        host: str = "",
    ) -> None:
        self.case = case
        self._record = record
        self.host = host
        record("check_id", case.check_id)
        record("kind", case.kind)
        record("runbook", case.runbook.number)
        record("remediation", case.remediation.number)
        record("severity", case.severity)
        if host:
            record("host", host)

    def record(self, name: str, value: Any) -> None:
        self._record(name, value)

    def verify(
        self,
        ok: bool,
        *,
        expected: Any,
        observed: Any,
        where: str,
    ) -> None:
        """Record the values, then fail the test with the standard message unless ok."""
        __tracebackhide__ = True
        self._record("expected", expected)
        self._record("observed", observed)
        self._record("where", where)
        if not ok:
            pytest.fail(
                failure_text(
                    self.case, expected=expected, observed=observed, where=where
                ),
                pytrace=False,
            )

    def equal(self, observed: Any, expected: Any, *, where: str) -> None:
        __tracebackhide__ = True
        self.verify(
            observed == expected, expected=expected, observed=observed, where=where
        )

    def observe(
        self, observe: Callable[[], Observation], *, expected: Any = None
    ) -> None:
        """Run a check function and verify what it observed.

        A NotObserved from the function fails the check with its one reason, so an
        unreachable host or an unreadable file never shows up as a traceback.
        """
        __tracebackhide__ = True
        try:
            observation = observe()
        except NotObserved as error:
            missing = error
        except ConformanceError as error:
            # A setting the check needs is missing or a target is not allowed:
            # the library's message already names the value and the fix.
            missing = NotObserved(str(error))
        else:
            missing = None
        if missing is not None:
            if expected is None:
                expected = self.case.params.get(
                    "expected",
                    self.case.params.get("expected_text", "a value that can be read"),
                )
            self.unreachable(missing.reason, expected=expected, where=missing.where)
            return
        for name, value in observation.details.items():
            self._record(name, value)
        self.verify(
            observation.ok,
            expected=observation.expected,
            observed=observation.observed,
            where=observation.where,
        )

    def unreachable(self, reason: str, *, expected: Any, where: str) -> None:
        """Fail because the value could not be read at all, with that one reason."""
        __tracebackhide__ = True
        self.verify(
            False, expected=expected, observed=f"not read: {reason}", where=where
        )


@dataclasses.dataclass(frozen=True)
class Observation:
    """The result of a check function: the verdict and the values to record."""

    ok: bool
    expected: Any
    observed: Any
    where: str
    details: dict[str, Any] = dataclasses.field(default_factory=dict)


class NotObserved(Exception):
    """The value a check compares could not be read; the message is the one reason."""

    def __init__(self, reason: str, *, where: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where
