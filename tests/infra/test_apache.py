"""Runbook 1.3 and 5: Apache's MPM values, loaded modules and config syntax."""

import pytest

from conformance.checks import apache, host

pytestmark = pytest.mark.infra


def test_mpm_value(mpm_case, backend, suite, check):
    check.observe(lambda: apache.mpm_value(backend, suite.checks.apache, mpm_case))


def test_module_loaded(module_case, backend, check):
    check.observe(lambda: apache.module_loaded(backend, module_case.params["module"]))


def test_config_syntax(syntax_case, backend, check):
    check.observe(lambda: host.syntax_ok(backend))
