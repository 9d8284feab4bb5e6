"""Runbook 4.3: the SSE stream needs the session cookie and then delivers events."""

import pytest

from conformance.checks import sse

pytestmark = pytest.mark.health


def test_sse(sse_case, suite, check):
    check.observe(lambda: sse.observe(suite, sse_case))
