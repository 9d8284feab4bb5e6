"""The hooks of one reporting session, registered by conformance.reporting.plugin."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import xml_key  # NOTE: private; pytest is pinned.
from pytest_html import extras as html_extras
from pytest_html.basereport import BaseReport
from pytest_metadata.plugin import metadata_key

from conformance.reporting import html_cells, html_sections
from conformance.reporting.comparison import format_value
from conformance.reporting.document import (
    compare_with_pre,
    keep_snapshot,
    results_document,
)
from conformance.reporting.files import write_redacted_json, write_redacted_text
from conformance.reporting.policy import decide_exit_status, expired_message
from conformance.reporting.redaction import redact_report
from conformance.reporting.results import ResultsCollector
from conformance.runinfo import RUN_INFO, RunInfo, recorded
from conformance.waivers import Waiver

RESULTS_NAME = "results.json"


class ReportingPlugin:
    """Applies waivers, redacts reports and writes every report file of a run."""

    def __init__(
        self,
        config: pytest.Config,
        *,
        reports_dir: Path,
        waivers: dict[str, Waiver],
        today: date,
    ) -> None:
        self.config = config
        self.reports_dir = reports_dir
        self.waivers = waivers
        self.today = today
        self.collector = ResultsCollector()
        self.is_worker = hasattr(config, "workerinput")
        self.document: dict[str, Any] | None = None
        self.comparison_note = ""
        self.written: list[Path] = []
        self.junit_final: Path | None = None

    # -- on the process that runs the test ------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        self._apply_waiver(item, report)
        return redact_report(self.config, report)

    def _apply_waiver(self, item: pytest.Item, report: pytest.TestReport) -> None:
        if report.when != "call" or not report.failed:
            return
        check_id = recorded(report).get("check_id")
        waiver = self.waivers.get(str(check_id)) if check_id else None
        if waiver is None or waiver.is_expired(self.today):
            return
        # Reported the way pytest reports an xfail, so that JUnit consumers count
        # it as skipped and the HTML filters it under expected failures.
        report.outcome = "skipped"
        report.wasxfail = f"waived until {waiver.expires.isoformat()} by {waiver.owner}"
        report.waiver = waiver.as_dict()

    # -- on the process that writes the reports -------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        self.collector.add(report)
        if report.when == "call":
            report.extras = [*getattr(report, "extras", []), *_row_extras(report)]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not self.is_worker and report.failed:
            self.collector.add(report)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.is_worker:
            return
        self._route_html_writes()
        self._route_junit_writes()
        self._fill_environment_table()

    def _route_html_writes(self) -> None:
        for plugin in self.config.pluginmanager.get_plugins():
            if isinstance(plugin, BaseReport):
                path = plugin._report_path
                # NOTE: pytest-html 4.2 writes with open("w"); this replaces its
                # private writer so the file is redacted and renamed into place.
                plugin._write_report = lambda text, path=path: write_redacted_text(
                    path, text
                )

    def _route_junit_writes(self) -> None:
        xml = self.config.stash.get(xml_key, None)
        if xml is None:
            return
        self.junit_final = Path(xml.logfile)
        xml.logfile = str(self.junit_final.with_name(f".{self.junit_final.name}.raw"))
        run = self.run_info()
        for name in ("environment", "ticket", "phase", "expectations_sha256"):
            value = getattr(run, name)
            if value:
                xml.add_global_property(f"conformance.{name}", value)

    def _fill_environment_table(self) -> None:
        # pytest-html renders the metadata dict it reads at session start, after
        # this hook; the same dict object gets the finish time at session end.
        metadata = self.config.stash.get(metadata_key, None)
        if metadata is None:
            return
        others = dict(metadata)
        metadata.clear()
        metadata.update(environment_rows(self.run_info()))
        metadata.update(others)

    def run_info(self) -> RunInfo:
        """Return the run facts the suite's plugin stored, or minimal ones."""
        run = self.config.stash.get(RUN_INFO, None)
        if run is None:
            run = RunInfo(
                environment="unknown",
                expectations_path="",
                expectations_sha256="",
                hosts={},
                started_at=datetime.now(UTC),
            )
            self.config.stash[RUN_INFO] = run
        run.ticket = self.config.getoption("ticket")
        run.phase = self.config.getoption("phase")
        run.reports_dir = str(self.reports_dir)
        return run

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            return
        run = self.run_info()
        run.finished_at = datetime.now(UTC)
        metadata = self.config.stash.get(metadata_key, None)
        if metadata is not None:
            metadata.update(environment_rows(run))
        checks = self.collector.checks()
        expired = [w for w in self.waivers.values() if w.is_expired(self.today)]
        allow_minor = bool(self.config.getoption("allow_minor"))
        session.exitstatus = decide_exit_status(
            session.exitstatus,
            checks=checks,
            expired=expired,
            allow_minor=allow_minor,
        )
        self.document = self._document(run, checks, session.exitstatus, expired)
        self._write_results()

    def _document(
        self,
        run: RunInfo,
        checks: list[dict[str, Any]],
        exit_status: int,
        expired: list[Waiver],
    ) -> dict[str, Any]:
        seen = {check["id"] for check in checks}
        document = results_document(
            run,
            checks=checks,
            exit_status=exit_status,
            policy={"allow_minor": bool(self.config.getoption("allow_minor"))},
            applied=[check["waiver"] for check in checks if check.get("waiver")],
            expired=expired,
            unused=[w for w in self.waivers.values() if w.check_id not in seen],
        )
        document["waivers"]["expired_messages"] = [expired_message(w) for w in expired]
        return document

    def _write_results(self) -> None:
        document = self.document
        results_path = self.reports_dir / RESULTS_NAME
        if document["run"]["phase"] == "post":
            comparison, note = compare_with_pre(
                document,
                reports_dir=self.reports_dir,
                results_path=results_path,
            )
            document["comparison"] = comparison
            self.comparison_note = note
        write_redacted_json(results_path, document)
        self.written.append(results_path)
        # A run that was interrupted, failed to start or selected no check keeps
        # no snapshot, so the next post run compares with a complete pre run.
        if (
            document["run"]["phase"]
            and self.document["checks"]
            and (document["run"]["exit_status"] in (0, 1))
        ):
            self.written.append(keep_snapshot(document, reports_dir=self.reports_dir))

    def pytest_html_report_title(self, report: Any) -> None:
        report.title = f"MBPanel conformance: {self.run_info().environment}"

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[2:2] = html_cells.HEADER_CELLS

    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        waiver = getattr(report, "waiver", None)
        cells[2:2] = html_cells.row_cells(recorded(report), waiver)

    def pytest_html_results_summary(
        self,
        prefix: list[str],
        summary: list[str],
        postfix: list[str],
        session: pytest.Session,
    ) -> None:
        prefix.append(html_sections.STYLE)
        document = self.document
        if document is None:
            return
        waivers = document["waivers"]
        postfix.append(
            html_sections.waivers_section(waivers["applied"], waivers["expired"])
        )
        if document["run"]["phase"] == "post":
            postfix.append(
                html_sections.comparison_section(
                    document["comparison"], self.comparison_note
                )
            )
        postfix.append(html_sections.snapshot_sections(document["checks"]))
        postfix.extend(_burst_sections(document["checks"]))

    @pytest.hookimpl(tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        self._finish_junit()
        if self.document is None:
            return
        for message in self.document["waivers"]["expired_messages"]:
            terminalreporter.write_line(f"conformance: {message}", red=True, bold=True)
        for path in self.written:
            terminalreporter.write_line(f"conformance: wrote {path}")

    def pytest_unconfigure(self) -> None:
        self._finish_junit()

    def _finish_junit(self) -> None:
        xml = self.config.stash.get(xml_key, None)
        if self.junit_final is None or xml is None:
            return
        raw = Path(xml.logfile)
        if raw.exists():
            write_redacted_text(self.junit_final, raw.read_text(encoding="utf-8"))
            os.unlink(raw)
        xml.logfile = str(self.junit_final)
        self.junit_final = None


def environment_rows(run: RunInfo) -> dict[str, Any]:
    """Return the rows of the report's environment table that describe the run."""
    finished = run.finished_at.isoformat(timespec="seconds") if run.finished_at else ""
    return {
        "Environment": run.environment,
        "Hosts": dict(run.hosts),
        "Expectations file": run.expectations_path,
        "Expectations sha256": run.expectations_sha256,
        "Started": run.started_at.isoformat(timespec="seconds"),
        "Finished": finished or "still running",
        "Ticket": run.ticket or "none",
        "Phase": run.phase or "none",
    }


def _row_extras(report: pytest.TestReport) -> list[dict[str, Any]]:
    properties = recorded(report)
    extras = []
    waiver = getattr(report, "waiver", None)
    if waiver:
        extras.append(html_extras.html(html_cells.waiver_note_html(waiver)))
    figures = properties.get("burst")
    if isinstance(figures, dict):
        extras.append(html_extras.html(html_cells.burst_html(figures, _chart(figures))))
    return extras


def _burst_sections(checks: list[dict[str, Any]]) -> list[str]:
    # Shown above the table too, because pytest-html collapses passed rows.
    return [
        '<div class="conformance"><h3>Burst probe: '
        f"{escape(check['id'])} ({escape(check['outcome'])})</h3>"
        f"<p>Expected: {escape(format_value(check.get('expected'), 400))}<br>"
        f"Observed: {escape(format_value(check.get('observed'), 400))}</p>"
        f"{html_cells.burst_html(check['burst'], _chart(check['burst']))}</div>"
        for check in checks
        if isinstance(check.get("burst"), dict)
    ]


def _chart(figures: dict[str, Any]) -> str:
    from conformance.probes.chart import latency_chart_svg

    return latency_chart_svg(figures)
