"""Runbook 1.1: the frontend node runs nginx and the PM2-managed app as nodejs."""

import pytest

from conformance.checks import frontend as checks

pytestmark = pytest.mark.infra


def test_frontend(frontend_case, frontend, suite, check):
    check.observe(lambda: checks.observe(frontend, suite, frontend_case))
