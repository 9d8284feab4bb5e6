"""Runbook 5: no new error-level lines in the error logs and journals after a change.

Runs in a post run (--phase post) or with --since. The window starts at --since, or
at the start of the latest pre run of the same environment and ticket.
"""

import pytest

from conformance.checks import recent_errors

pytestmark = pytest.mark.infra


def test_recent_errors(errors_case, backend, suite, pytestconfig, check):
    since, origin = recent_errors.change_window(pytestconfig)

    check.observe(
        lambda: recent_errors.observe(
            suite, backend, errors_case, since=since, origin=origin
        )
    )
