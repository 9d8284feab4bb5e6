"""Runbook 1.3 and 4.2: Celery nodes and options, configured and running."""

import pytest

from conformance.checks import celery

pytestmark = pytest.mark.infra


def test_celery_value(celery_case, backend, suite, check):
    check.observe(lambda: celery.observe(backend, suite.checks.celery, celery_case))
