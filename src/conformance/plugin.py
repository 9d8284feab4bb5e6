"""The pytest plugin behind the conformance suite.

It adds the suite's options, loads the expectations once, parametrizes every
conformance test from them (test ids are check ids), skips deep and burst checks unless
selected, and provides the fixtures the thin tests under tests/ use.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conformance.cases import BUILDERS, build_cases
from conformance.checks.recent_errors import parse_since
from conformance.context import SuiteContext
from conformance.errors import ConformanceError
from conformance.expectations import load
from conformance.guard import guard_connections
from conformance.runinfo import RUN_INFO, RunInfo
from conformance.verdict import Case, Check, Section

# --wait-healthy lives in its own plugin module.
pytest_plugins = ["conformance.retry"]

CONTEXT = pytest.StashKey[SuiteContext]()
CASES = pytest.StashKey[dict[str, list[Case]]]()
GUARD = pytest.StashKey[contextlib.ExitStack]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "MBPanel runbook conformance")
    group.addoption(
        "--expectations",
        default="expectations.yaml",
        help="expectations file to check against (default: expectations.yaml)",
    )
    group.addoption(
        "--env",
        default="lab",
        help="environment of the expectations file to target (default: lab)",
    )
    group.addoption(
        "--deep",
        action="store_true",
        help="also run the deep diagnostics (/health/celery/deep, /health)",
    )
    group.addoption(
        "--burst",
        action="store_true",
        default=None,
        help="send the burst probe (default: the environment's burst_by_default)",
    )
    group.addoption(
        "--no-burst",
        action="store_false",
        dest="burst",
        help="skip the burst probe",
    )
    group.addoption(
        "--since",
        default=None,
        metavar="TIME",
        help="start of the change window for errors:recent: epoch seconds or an ISO "
        "8601 time, local time when it has no offset (default in a post run: the "
        "start of the latest pre run)",
    )


def pytest_configure(config: pytest.Config) -> None:
    path = Path(config.getoption("expectations"))
    if not path.is_absolute():
        path = Path(config.rootpath, path)
    try:
        expectations = load(path)
        environment = expectations.environment(config.getoption("env"))
        if config.getoption("since"):
            parse_since(config.getoption("since"))
    except ConformanceError as error:
        raise pytest.UsageError(str(error)) from None

    context = SuiteContext(expectations, environment)
    config.stash[CONTEXT] = context
    config.stash[CASES] = build_cases(
        expectations.checks,
        lambda number: runbook_section(expectations, environment, number),
    )
    config.stash[RUN_INFO] = RunInfo(
        environment=environment.name,
        expectations_path=str(path),
        expectations_sha256=expectations.sha256,
        hosts={role: host.address for role, host in environment.hosts.items()},
        started_at=datetime.now(UTC),
    )


def runbook_section(expectations: Any, environment: Any, number: str) -> Section:
    """Return a runbook section with its first step written for this environment."""
    number, title, first_step = expectations.section(number)
    first_step = first_step.replace("{backend_url}", environment.backend_url)
    return Section(number, title, first_step)


def pytest_sessionstart(session: pytest.Session) -> None:
    # Every socket this process opens from here on is checked against the
    # environment's allowed networks, so a connection that skipped the explicit
    # check (a library's own) is still rejected before a packet is sent.
    context = session.config.stash[CONTEXT]
    guard = contextlib.ExitStack()
    guard.enter_context(guard_connections(context.environment))
    session.config.stash[GUARD] = guard


def pytest_unconfigure(config: pytest.Config) -> None:
    context = config.stash.get(CONTEXT, None)
    if context is not None:
        context.close()
    guard = config.stash.get(GUARD, None)
    if guard is not None:
        guard.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    cases = metafunc.config.stash.get(CASES, {})
    for name in BUILDERS:
        if name in metafunc.fixturenames:
            family = cases.get(name, [])
            metafunc.parametrize(name, family, ids=[c.check_id for c in family])


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    context = config.stash[CONTEXT]
    burst = config.getoption("burst")
    if burst is None:
        burst = bool(context.environment.burst_by_default)
    window = config.getoption("since") or config.getoption("phase", None) == "post"
    for item in items:
        if "errors_case" in getattr(item, "fixturenames", ()) and not window:
            item.add_marker(
                pytest.mark.skip(
                    reason="recent errors are read after a change: run with "
                    "--phase post or --since TIME"
                )
            )
        if item.get_closest_marker("deep") and not config.getoption("deep"):
            item.add_marker(
                pytest.mark.skip(
                    reason="deep diagnostic, run with --deep: the runbook reserves "
                    "/health/celery/deep and /health for diagnostics, not automation"
                )
            )
        if item.get_closest_marker("burst") and not burst:
            item.add_marker(
                pytest.mark.skip(
                    reason=f"burst probe is opt-in for environment "
                    f"{context.environment.name!r}; run with --burst to send it"
                )
            )
        if item.get_closest_marker("skip"):
            record_check_id(item)


def record_check_id(item: pytest.Item) -> None:
    """Record the check id of a test skipped before its `check` fixture runs.

    Reports and pre/post comparisons match checks by this id, so a check skipped
    in a pre run and run in the post run (errors:recent) is the same check.
    """
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, Case):
            item.user_properties.append(("check_id", value.check_id))
            item.user_properties.append(("kind", value.kind))
            return


@pytest.fixture(scope="session")
def suite(pytestconfig: pytest.Config) -> SuiteContext:
    """The run's expectations, environment and host connections."""
    return pytestconfig.stash[CONTEXT]


# Function scope, because --wait-healthy drops the cached facts between attempts;
# the facts themselves stay cached on the SuiteContext.
@pytest.fixture
def backend(suite: SuiteContext):
    """Facts of the backend node, gathered in one SSH round trip per worker."""
    return suite.backend_facts


@pytest.fixture
def frontend(suite: SuiteContext):
    """Facts of the frontend node, gathered in one SSH round trip per worker."""
    return suite.frontend_facts


@pytest.fixture
def case(request: pytest.FixtureRequest) -> Case:
    """The Case this test was parametrized with."""
    params = getattr(request.node, "callspec", None)
    for value in params.params.values() if params else ():
        if isinstance(value, Case):
            return value
    raise pytest.UsageError(f"{request.node.nodeid} is not parametrized with a Case")


@pytest.fixture
def check(request: pytest.FixtureRequest, case: Case) -> Check:
    """The verdict recorder of this test."""

    def record(name: str, value: object) -> None:
        request.node.user_properties.append((name, value))

    return Check(case, record)
