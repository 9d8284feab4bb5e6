"""The reporting plugin: HTML, JUnit and JSON reports, pre/post snapshots, waivers.

Enable it with ``pytest_plugins = ["conformance.reporting.plugin"]`` in the root
conftest.py. It adds --reports-dir, --ticket, --phase, --waivers and --allow-minor,
writes ``conformance.html`` (pytest-html, self-contained), ``junit.xml`` and
``results.json`` into the reports folder unless --html or --junitxml name other
paths, and applies the exit-code policy described in docs/exit-codes.md.

Checks record their values as user_properties (RECORD_KEYS in conformance.runinfo).
The plugin reads them in the process that writes the reports, which is the
controller under pytest-xdist, so it works the same with and without xdist.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from conformance.errors import ConformanceError
from conformance.reporting.session import ReportingPlugin
from conformance.runinfo import RUN_INFO
from conformance.snapshots import (
    PHASES,
    check_name,
    latest_snapshot,
    snapshot_dir,
    window_start,
)
from conformance.waivers import load_waivers

PLUGIN_NAME = "conformance-reporting"
HTML_NAME = "conformance.html"
JUNIT_NAME = "junit.xml"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance-reports", "conformance reports and waivers")
    group.addoption(
        "--reports-dir",
        default="reports",
        metavar="DIR",
        help="folder for conformance.html, junit.xml, results.json and snapshots, "
        "relative to the rootdir (default: reports). Write it as --reports-dir=DIR: "
        "pytest reads a separate existing DIR as a test path when it picks the rootdir",
    )
    group.addoption(
        "--ticket",
        default=None,
        help="change ticket this run belongs to, e.g. CHG-1234; shown in the "
        "reports and used to pair pre and post snapshots",
    )
    group.addoption(
        "--phase",
        choices=PHASES,
        default=None,
        help="pre: keep a snapshot before a change; post: compare with the latest "
        "pre snapshot of the same environment and ticket",
    )
    group.addoption(
        "--waivers",
        default=None,
        metavar="PATH",
        help="YAML file of waived check ids with justification, owner and expiry",
    )
    group.addoption(
        "--allow-minor",
        action="store_true",
        help="exit 0 when the only failures are of checks with severity minor",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # tryfirst: the report paths must be set before pytest-html and junitxml read
    # them in their own pytest_configure.
    reports_dir = reports_dir_of(config)
    _validate_ticket(config)
    waivers = _load_waivers(config)
    if config.option.collectonly:
        # Listing the checks is no run: keep the last reports and snapshots.
        return
    if reports_dir.exists() and not reports_dir.is_dir():
        raise pytest.UsageError(
            f"--reports-dir {str(reports_dir)!r} is a file, not a folder; "
            "pass a folder (it is created if missing)"
        )
    _default_report_paths(config, reports_dir)
    plugin = ReportingPlugin(
        config,
        reports_dir=reports_dir,
        waivers=waivers,
        today=date.today(),
    )
    config.pluginmanager.register(plugin, PLUGIN_NAME)


def reports_dir_of(config: pytest.Config) -> Path:
    """Return the reports folder chosen with --reports-dir, made absolute."""
    path = Path(config.getoption("reports_dir")).expanduser()
    return path if path.is_absolute() else config.rootpath / path


def pre_run_started_at(config: pytest.Config) -> datetime | None:
    """Return when the latest pre run of this environment and ticket started.

    A post run reads new error log and journal lines from that time on. Returns
    None when there is no pre snapshot, or before the suite's plugin stored RunInfo.
    """
    run = config.stash.get(RUN_INFO, None)
    if run is None:
        return None
    folder = snapshot_dir(
        reports_dir_of(config), run.environment, config.getoption("ticket")
    )
    path = latest_snapshot(folder, "pre")
    return window_start(path) if path is not None else None


def _validate_ticket(config: pytest.Config) -> None:
    ticket = config.getoption("ticket")
    if ticket is None:
        return
    try:
        check_name(ticket, option="--ticket")
    except ConformanceError as error:
        raise pytest.UsageError(str(error)) from None


def _load_waivers(config: pytest.Config) -> dict:
    path = config.getoption("waivers")
    if path is None:
        return {}
    try:
        return load_waivers(Path(path).expanduser())
    except ConformanceError as error:
        raise pytest.UsageError(str(error)) from None


def _default_report_paths(config: pytest.Config, reports_dir: Path) -> None:
    if not config.option.htmlpath:
        config.option.htmlpath = str(reports_dir / HTML_NAME)
    # A report attached to a change ticket must open without the files beside it.
    config.option.self_contained_html = True
    if not config.option.xmlpath:
        config.option.xmlpath = str(reports_dir / JUNIT_NAME)
