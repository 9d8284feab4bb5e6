"""Runbook 5 and 6: each runbook config file has a readable latest backup."""

import pytest

from conformance.checks import host

pytestmark = pytest.mark.infra


def test_latest_backup(backup_case, backend, check):
    check.observe(lambda: host.latest_backup(backend, backup_case.params["path"]))
