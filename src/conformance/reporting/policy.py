"""The exit-code policy: which results fail a run (docs/exit-codes.md explains it)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.reporting.results import FAILING_OUTCOMES
from conformance.waivers import Waiver

# pytest's own exit codes that the policy may turn into one another. Interrupted
# runs, internal errors, usage errors and empty runs keep pytest's code.
DECIDED_BY_POLICY = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)


def blocking_checks(
    checks: list[dict[str, Any]],
    *,
    allow_minor: bool,
) -> list[dict[str, Any]]:
    """Return the checks whose outcome fails the run.

    Every failure and error fails the run, except failures of checks with severity
    "minor" when `allow_minor` is set. Errors (a fixture or a host that could not be
    set up) always fail it, because the check then observed nothing.
    """
    blocking = []
    for check in checks:
        if check["outcome"] not in FAILING_OUTCOMES:
            continue
        if allow_minor and check["outcome"] == "failed" and _is_minor(check):
            continue
        blocking.append(check)
    return blocking


def _is_minor(check: dict[str, Any]) -> bool:
    return str(check.get("severity") or "").lower() == "minor"


def decide_exit_status(
    current: int,
    *,
    checks: list[dict[str, Any]],
    expired: list[Waiver],
    allow_minor: bool,
) -> int:
    """Return the exit status of the run under the policy, given pytest's status."""
    if current not in DECIDED_BY_POLICY:
        return current
    if expired or blocking_checks(checks, allow_minor=allow_minor):
        return pytest.ExitCode.TESTS_FAILED
    return pytest.ExitCode.OK


def expired_message(waiver: Waiver) -> str:
    """Word an expired waiver for the terminal and the reports."""
    return (
        f"expired waiver: check {waiver.check_id}, owner {waiver.owner}, "
        f"expired after {waiver.expires.isoformat()} ({waiver.where}); "
        "fix the check, or renew the waiver with a new date and justification"
    )
