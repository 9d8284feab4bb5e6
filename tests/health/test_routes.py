"""Runbook 7: favourites routes need auth; the legacy route stays retired."""

import pytest

from conformance.checks import health

pytestmark = pytest.mark.health


def test_route_rule(route_case, suite, check):
    check.observe(lambda: health.route(suite, route_case))
