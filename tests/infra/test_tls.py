"""Runbook 2.1: the backend's TLS certificate is valid, matches and is not expiring."""

import pytest

from conformance.checks import tls

pytestmark = pytest.mark.infra


def test_certificate(tls_case, suite, check):
    check.observe(lambda: tls.observe(suite, tls_case))
