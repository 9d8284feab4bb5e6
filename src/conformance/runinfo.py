"""Facts about a suite run, shared by the plugin and the report writers.

The plugin fills a RunInfo in pytest_configure and stores it in
``config.stash[RUN_INFO]``; report writers read it. Each conformance test records its
verdict data in the test report's ``user_properties`` as (name, value) pairs with the
names in RECORD_KEYS, so that the data crosses from pytest-xdist workers to the
controller with the report.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

# Names of the user_properties pairs a conformance test records.
RECORD_KEYS = (
    "check_id",  # e.g. "apache:event:MaxRequestWorkers"
    # "config", "probe", "capacity" or "log"; --wait-healthy retries probe checks only.
    "kind",
    "expected",  # JSON-serialisable expected value or description
    "observed",  # JSON-serialisable observed value
    "where",  # file:line on the host, an endpoint URL, or a command
    "host",  # address the value was read from
    "runbook",  # runbook section that states the value, e.g. "1.3"
    "remediation",  # runbook section whose first step to take, e.g. "4.1"
    "severity",  # "critical", "major" or "minor"
    "burst",  # burst probe figures (dict), only on the burst check
    "snapshot",  # extra observed values worth keeping for pre/post comparison (dict)
    "wait_healthy",  # attempts of a probe check re-run by --wait-healthy (dict)
)


@dataclasses.dataclass
class RunInfo:
    """Facts about one run of the suite, for report headers and snapshots."""

    environment: str
    expectations_path: str
    expectations_sha256: str
    hosts: dict[str, str]
    started_at: datetime
    finished_at: datetime | None = None
    ticket: str | None = None
    phase: str | None = None
    reports_dir: str = "reports"
    extra: dict[str, object] = dataclasses.field(default_factory=dict)


RUN_INFO = pytest.StashKey[RunInfo]()


def recorded(report: pytest.TestReport) -> dict[str, object]:
    """Return the verdict pairs a test recorded; the last value of a name wins."""
    return {
        name: value for name, value in report.user_properties if name in RECORD_KEYS
    }
