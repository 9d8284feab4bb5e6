"""Runbook 3.1: httpd and celery are active under systemd on the backend node."""

import pytest

from conformance.checks import host

pytestmark = pytest.mark.infra


def test_service_active(service_case, backend, check):
    check.observe(lambda: host.unit_active(backend, service_case.params["unit"]))
