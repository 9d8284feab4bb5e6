"""Runbook 4.1: capacity arithmetic from the config, and memory headroom."""

import pytest

from conformance.checks import capacity

pytestmark = pytest.mark.capacity


def test_capacity(capacity_case, backend, suite, check):
    check.observe(lambda: capacity.observe(backend, suite, capacity_case))
