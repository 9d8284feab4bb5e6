"""Runbook 4.3: the SSE stream needs the session cookie and then delivers events."""

import pytest

from conformance.checks import health

pytestmark = pytest.mark.health


def test_sse(sse_case, suite, check):
    check.observe(lambda: health.sse(suite, sse_case))
