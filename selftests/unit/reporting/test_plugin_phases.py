"""Pre and post runs: snapshots, and the comparison a post run reports."""

import json
from pathlib import Path

import pytest

from .synthetic import (
    HTTPD_DIFF,
    mpm_check,
    read_results,
    rollback_check,
    set_checks,
    write_suite,
    wsgi_check,
)

pytest_plugins = ["pytester"]

TICKET = ["--ticket", "CHG-1234"]


def snapshots(pytester: pytest.Pytester, phase: str) -> list:
    folder = pytester.path / "reports" / "snapshots" / "lab" / "CHG-1234"
    return sorted(folder.glob(f"{phase}-*.json"))


def entry(results: dict, check_id: str) -> dict:
    __tracebackhide__ = True
    for item in results["comparison"]["checks"]:
        if item["id"] == check_id:
            return item
    pytest.fail(f"{check_id!r} missing from the comparison")


def test_pre_run_keeps_snapshot(pytester):
    write_suite(pytester, [mpm_check(), wsgi_check()])

    pytester.runpytest(*TICKET, "--phase", "pre")

    kept = snapshots(pytester, "pre")
    assert len(kept) == 1
    assert json.loads(kept[0].read_text()) == read_results(pytester)


def test_pre_run_without_ticket_uses_no_ticket(pytester):
    write_suite(pytester, [mpm_check()])

    pytester.runpytest("--phase", "pre")

    folder = pytester.path / "reports" / "snapshots" / "lab" / "no-ticket"
    assert len(list(folder.glob("pre-*.json"))) == 1


def test_post_run_reports_broken_check(pytester):
    write_suite(pytester, [mpm_check(), wsgi_check(), rollback_check("")])
    pytester.runpytest(*TICKET, "--phase", "pre")
    set_checks(
        pytester,
        [mpm_check(observed=120), wsgi_check(), rollback_check(HTTPD_DIFF)],
    )

    result = pytester.runpytest(*TICKET, "--phase", "post")

    results = read_results(pytester)
    broke = entry(results, "apache:event:MaxRequestWorkers")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert broke["category"] == "broke"
    assert broke["before"]["outcome"] == "passed"
    assert broke["after"]["outcome"] == "failed"
    assert broke["changes"][0] == {"name": "observed", "before": 150, "after": 120}
    assert entry(results, "wsgi:daemon:processes")["category"] == "unchanged"
    assert entry(results, "backup:/etc/httpd/conf/httpd.conf")["category"] == "changed"
    assert results["comparison"]["before"]["source"] == str(
        snapshots(pytester, "pre")[0]
    )
    assert len(snapshots(pytester, "post")) == 1


def test_post_report_html_side_by_side(pytester):
    write_suite(pytester, [mpm_check(), rollback_check("")])
    pytester.runpytest(*TICKET, "--phase", "pre")
    set_checks(pytester, [mpm_check(observed=120), rollback_check(HTTPD_DIFF)])

    pytester.runpytest(*TICKET, "--phase", "post")

    text = (pytester.path / "reports" / "conformance.html").read_text()
    assert "<h3>Before and after</h3>" in text
    assert (
        '<tr class="cat-broke"><td>apache:event:MaxRequestWorkers</td><td>broke</td>'
        "<td>passed</td><td>150</td><td>failed</td><td>120</td>"
        "<td></td></tr>"
    ) in text
    assert '<span class="diff-add">+    MaxRequestWorkers 120</span>' in text


def test_post_after_heal_is_green(pytester):
    write_suite(pytester, [mpm_check()])
    pytester.runpytest(*TICKET, "--phase", "pre")
    set_checks(pytester, [mpm_check(observed=120)])
    pytester.runpytest(*TICKET, "--phase", "post")
    set_checks(pytester, [mpm_check()])

    result = pytester.runpytest(*TICKET, "--phase", "post")

    results = read_results(pytester)
    assert result.ret == pytest.ExitCode.OK
    assert entry(results, "apache:event:MaxRequestWorkers")["category"] == "unchanged"
    assert len(snapshots(pytester, "post")) == 2


def test_post_compares_latest_pre(pytester):
    write_suite(pytester, [mpm_check(observed=120)])
    pytester.runpytest(*TICKET, "--phase", "pre")
    set_checks(pytester, [mpm_check()])
    pytester.runpytest(*TICKET, "--phase", "pre")
    second_pre = read_results(pytester)["run"]["started_at"]

    pytester.runpytest(*TICKET, "--phase", "post")

    results = read_results(pytester)
    source = results["comparison"]["before"]["source"]
    before = json.loads(Path(source).read_text())
    assert entry(results, "apache:event:MaxRequestWorkers")["category"] == "unchanged"
    assert before["run"]["started_at"] == second_pre
    assert len(snapshots(pytester, "pre")) == 2


def test_post_ignores_other_ticket(pytester):
    write_suite(pytester, [mpm_check()])
    pytester.runpytest("--ticket", "CHG-999", "--phase", "pre")

    pytester.runpytest(*TICKET, "--phase", "post")

    results = read_results(pytester)
    text = (pytester.path / "reports" / "conformance.html").read_text()
    assert results["comparison"] is None
    assert "No pre snapshot in" in text
    assert "ticket CHG-1234" in text


def test_post_run_reads_pre_start(pytester):
    write_suite(pytester, [mpm_check()])
    pytester.makepyfile(
        test_window="""
        from conformance.reporting.plugin import pre_run_started_at

        def test_window(pytestconfig):
            started = pre_run_started_at(pytestconfig)
            print("window starts", started.isoformat() if started else None)
        """
    )
    pytester.runpytest(*TICKET, "--phase", "pre")
    pre_start = read_results(pytester)["run"]["started_at"]

    result = pytester.runpytest(*TICKET, "--phase", "post", "-s", "-k", "window")

    result.stdout.fnmatch_lines([f"*window starts {pre_start}*"])
