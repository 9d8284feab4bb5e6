"""--wait-healthy SECONDS: re-run failing probe checks until they pass or time is up.

Right after `systemctl restart httpd` or `celery`, endpoints, units and processes
take a while to come back, and a post-change run started at once would report
failures that heal by themselves. With --wait-healthy, a failing check of kind
"probe" runs again, after the per-worker facts and probe results are dropped, until
it passes, MAX_ATTEMPTS runs are used, or SECONDS have passed since the session
started. Config checks are never re-run: a wrong value on disk does not heal by
waiting. Each retried check records its attempts as the user property
`wait_healthy`.

The deadline bounds when an attempt may start, so a run can end later than the
deadline by up to one attempt's own timeouts.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

# NOTE: private pytest API, used the way pytest-rerunfailures uses it; pytest is
# pinned in requirements.txt.
from _pytest.runner import runtestprotocol

from conformance.verdict import Case

PLUGIN_NAME = "conformance-wait-healthy"
RETRIED_KINDS = ("probe",)
MAX_ATTEMPTS = 60
MAX_WAIT_S = 1800.0
RETRY_INTERVAL_S = 2.0
# Probe results kept between attempts: the burst probe sends hundreds of requests
# and is a capacity check, which is never re-run.
KEPT_CACHE_KEYS = ("burst",)
FACT_PROPERTIES = ("backend_facts", "frontend_facts")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance")
    group.addoption(
        "--wait-healthy",
        type=float,
        default=None,
        metavar="SECONDS",
        help="re-run failing probe checks (endpoints, services, processes) until "
        "they pass or SECONDS have passed since the run started; config checks "
        f"are never re-run (at most {MAX_ATTEMPTS} attempts a check, "
        f"SECONDS up to {MAX_WAIT_S:g})",
    )


def pytest_configure(config: pytest.Config) -> None:
    seconds = config.getoption("wait_healthy")
    if seconds is None:
        return
    if not 0 < seconds <= MAX_WAIT_S:
        raise pytest.UsageError(
            f"--wait-healthy {seconds:g} is out of range; give the seconds to wait, "
            f"more than 0 and at most {MAX_WAIT_S:g}"
        )
    config.pluginmanager.register(WaitHealthy(config, seconds), PLUGIN_NAME)


def case_kind(item: pytest.Item) -> str | None:
    """Return the kind of the Case a test is parametrized with, if any."""
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, Case):
            return value.kind
    return None


def forget_observations(suite: Any) -> None:
    """Drop a worker's cached host facts and probe results, so they are read again."""
    for name in FACT_PROPERTIES:
        suite.__dict__.pop(name, None)
    for key in list(suite.cache):
        if key not in KEPT_CACHE_KEYS:
            del suite.cache[key]


class WaitHealthy:
    """Runs each probe check's test protocol again while it fails, within bounds."""

    def __init__(self, config: pytest.Config, seconds: float) -> None:
        self.config = config
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def pytest_sessionstart(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> bool | None:
        if case_kind(item) not in RETRIED_KINDS:
            return None
        item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        reports, record = self.run_until_healthy(item, nextitem)
        for report in reports:
            report.user_properties.append(("wait_healthy", record))
            item.ihook.pytest_runtest_logreport(report=report)
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        return True

    def run_until_healthy(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> tuple[list[pytest.TestReport], dict[str, Any]]:
        """Run the test until it passes or a bound is reached; return the last run."""
        initial_properties = list(item.user_properties)
        started = time.monotonic()
        outcomes: list[str] = []
        while True:
            item.user_properties[:] = initial_properties
            reports = runtestprotocol(item, nextitem=nextitem, log=False)
            outcomes.append("failed" if _failed(reports) else "passed")
            if outcomes[-1] == "passed" or not self.may_retry(len(outcomes)):
                break
            self.forget(item)
            time.sleep(min(RETRY_INTERVAL_S, max(0.0, self.remaining())))
        record = {
            "attempts": len(outcomes),
            "outcomes": outcomes,
            "waited_s": round(time.monotonic() - started, 1),
            "wait_healthy_s": self.seconds,
        }
        return reports, record

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def may_retry(self, attempts: int) -> bool:
        return attempts < MAX_ATTEMPTS and self.remaining() > RETRY_INTERVAL_S

    def forget(self, item: pytest.Item) -> None:
        from conformance.plugin import CONTEXT

        suite = item.config.stash.get(CONTEXT, None)
        if suite is not None:
            forget_observations(suite)


def _failed(reports: list[pytest.TestReport]) -> bool:
    return any(report.failed for report in reports)
