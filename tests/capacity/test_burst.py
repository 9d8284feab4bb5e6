"""Runbook 4.1: a bounded burst, and Apache's pressure warnings while it runs.

Both checks read the same burst, sent once per worker; pytest.ini's --dist loadfile
keeps this module on one worker.
"""

import pytest

from conformance.checks import capacity

pytestmark = [pytest.mark.capacity, pytest.mark.burst]


def test_burst(burst_case, backend, suite, check):
    check.observe(lambda: capacity.burst(backend, suite, burst_case))
