"""Runbook 2.3: each health endpoint's contract and latency budget."""

import pytest

from conformance.checks import health

pytestmark = pytest.mark.health


def test_endpoint_contract(endpoint_case, suite, check):
    check.observe(lambda: health.contract(suite, endpoint_case))


@pytest.mark.deep
def test_deep_endpoint_contract(deep_case, suite, check):
    check.observe(lambda: health.contract(suite, deep_case))


def test_endpoint_latency(latency_case, suite, check):
    check.observe(lambda: health.latency(suite, latency_case))
