"""Runbook 4.1: capacity arithmetic, memory headroom, and the bounded burst probe."""

import pytest

from conformance.checks import capacity

pytestmark = pytest.mark.capacity


def test_capacity(capacity_case, backend, suite, check):
    check.observe(lambda: capacity.observe(backend, suite, capacity_case))


@pytest.mark.burst
@pytest.mark.xdist_group("burst")
def test_burst(burst_case, backend, suite, check):
    check.observe(lambda: capacity.burst(backend, suite, burst_case))
