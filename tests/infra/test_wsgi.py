"""Runbook 1.3: the mod_wsgi daemon group's processes and threads, set and live."""

import pytest

from conformance.checks import wsgi

pytestmark = pytest.mark.infra


def test_wsgi_value(wsgi_case, backend, suite, check):
    check.observe(lambda: wsgi.observe(backend, suite.checks, wsgi_case))
