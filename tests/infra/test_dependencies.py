"""Runbook 1.2: each dependency accepts connections from the backend node."""

import pytest

from conformance.checks import host

pytestmark = pytest.mark.infra


def test_dependency_reachable(dependency_case, backend, suite, check):
    name = dependency_case.params["dependency"]
    address = suite.environment.dependencies[name].host
    port = dependency_case.params["port"]

    check.observe(lambda: host.tcp_reachable(backend, address, port))
