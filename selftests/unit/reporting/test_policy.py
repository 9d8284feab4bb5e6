"""The exit-code policy on its own."""

from datetime import date

import pytest

from conformance.reporting.policy import (
    blocking_checks,
    decide_exit_status,
    expired_message,
)
from conformance.waivers import Waiver

EXPIRED = Waiver(
    check_id="apache:event:MaxRequestWorkers",
    justification="load test",
    owner="ops-oncall@example.com",
    expires=date(2026, 1, 31),
    where="waivers.yaml:2",
)


def check(outcome: str, severity: str = "major") -> dict:
    return {"id": f"{outcome}-{severity}", "outcome": outcome, "severity": severity}


def test_failures_of_every_severity_block():
    checks = [check("failed", s) for s in ("critical", "major", "minor")]

    assert len(blocking_checks(checks, allow_minor=False)) == 3


def test_allow_minor_lets_minor_failures_pass():
    checks = [check("failed", "minor"), check("failed", "MINOR"), check("passed")]

    assert blocking_checks(checks, allow_minor=True) == []


def test_allow_minor_keeps_minor_errors():
    checks = [check("error", "minor")]

    assert blocking_checks(checks, allow_minor=True) == checks


def test_waived_and_skipped_never_block():
    checks = [check("waived"), check("skipped"), check("passed")]

    assert blocking_checks(checks, allow_minor=False) == []


@pytest.mark.parametrize(
    ("current", "checks", "expired", "expected"),
    [
        pytest.param(0, [check("passed")], [], 0, id="green"),
        pytest.param(1, [check("waived")], [], 0, id="waived-only"),
        pytest.param(0, [check("passed")], [EXPIRED], 1, id="expired-waiver"),
        pytest.param(1, [check("failed", "minor")], [], 0, id="minor-allowed"),
        pytest.param(2, [check("passed")], [], 2, id="interrupted-kept"),
        pytest.param(4, [], [EXPIRED], 4, id="usage-error-kept"),
        pytest.param(5, [], [], 5, id="no-tests-kept"),
    ],
)
def test_exit_status(current, checks, expired, expected):
    status = decide_exit_status(
        current,
        checks=checks,
        expired=expired,
        allow_minor=True,
    )

    assert status == expected


def test_expired_message_names_waiver():
    assert expired_message(EXPIRED) == (
        "expired waiver: check apache:event:MaxRequestWorkers, owner "
        "ops-oncall@example.com, expired after 2026-01-31 (waivers.yaml:2); fix the "
        "check, or renew the waiver with a new date and justification"
    )
