"""The reporting plugin run in-process on a synthetic suite: files and columns."""

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest

from .synthetic import (
    HTTPD_DIFF,
    burst_check,
    check_by_id,
    html_test_rows,
    mpm_check,
    read_results,
    rollback_check,
    row_cells,
    write_suite,
    wsgi_check,
)

pytest_plugins = ["pytester"]


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    write_suite(
        pytester,
        [mpm_check(), wsgi_check(processes=2), burst_check(), rollback_check("")],
    )
    return pytester


def test_run_writes_three_reports(suite):
    result = suite.runpytest()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    for name in ("conformance.html", "junit.xml", "results.json"):
        assert (suite.path / "reports" / name).is_file()
    assert not list((suite.path / "reports").glob(".*"))


def test_results_json_records_each_check(suite):
    suite.runpytest()

    results = read_results(suite)
    wsgi = check_by_id(results, "wsgi:daemon:processes")
    assert wsgi["outcome"] == "failed"
    assert wsgi["expected"] == 3
    assert wsgi["observed"] == 2
    assert wsgi["where"] == "/etc/httpd/conf.d/wsgi.conf:4"
    assert wsgi["host"] == "127.0.10.10"
    assert wsgi["runbook"] == "1.3"
    assert wsgi["remediation"] == "4.1"
    assert wsgi["severity"] == "major"
    assert wsgi["message"].startswith("wsgi:daemon:processes: expected 3, observed 2")
    assert isinstance(wsgi["duration"], float)
    assert check_by_id(results, "apache:event:MaxRequestWorkers")["outcome"] == "passed"
    assert results["summary"] == {
        "passed": 3,
        "failed": 1,
        "waived": 0,
        "error": 0,
        "skipped": 0,
    }


def test_results_json_names_the_run(suite):
    suite.runpytest("--ticket", "CHG-1234")

    run = read_results(suite)["run"]
    assert run["environment"] == "lab"
    assert run["hosts"] == {"backend": "127.0.10.10", "frontend": "127.0.10.20"}
    assert run["expectations_sha256"] == "9f2c" * 16
    assert run["ticket"] == "CHG-1234"
    assert run["phase"] is None
    assert run["started_at"] <= run["finished_at"]
    assert run["exit_status"] == 1


def test_junit_has_failure_and_run_properties(suite):
    suite.runpytest("--ticket", "CHG-1234")

    tree = ET.parse(suite.path / "reports" / "junit.xml")  # noqa: S314
    suite_properties = {
        p.get("name"): p.get("value")
        for p in tree.getroot().iter("testsuite").__next__().find("properties")
    }
    failures = tree.getroot().findall(".//testcase/failure")
    assert suite_properties["conformance.environment"] == "lab"
    assert suite_properties["conformance.ticket"] == "CHG-1234"
    assert len(failures) == 1
    assert "expected 3, observed 2" in failures[0].get("message")


def test_html_has_check_columns(suite):
    suite.runpytest()

    text = (suite.path / "reports" / "conformance.html").read_text()
    cells = row_cells(html_test_rows(suite), "wsgi:daemon:processes")
    assert '<th class="sortable" data-column-type="check_id">Check id</th>' in text
    assert cells[2] == '<td class="col-check_id">wsgi:daemon:processes</td>'
    assert cells[3] == '<td class="col-expected">3</td>'
    assert cells[4] == '<td class="col-observed">2</td>'
    assert cells[5] == '<td class="col-where">/etc/httpd/conf.d/wsgi.conf:4</td>'
    assert cells[6] == '<td class="col-runbook">1.3 (fix: 4.1)</td>'


def test_html_environment_table_names_run(suite):
    suite.runpytest("--ticket", "CHG-1234", "--phase", "pre")

    text = (suite.path / "reports" / "conformance.html").read_text()
    blob = re.search(r'data-jsonblob="([^"]*)"', text).group(1)
    environment = json.loads(html.unescape(blob))["environment"]
    assert environment["Environment"] == "lab"
    assert environment["Hosts"] == {"backend": "127.0.10.10", "frontend": "127.0.10.20"}
    assert environment["Expectations file"] == "/work/main/expectations.yaml"
    assert environment["Expectations sha256"] == "9f2c" * 16
    assert environment["Ticket"] == "CHG-1234"
    assert environment["Phase"] == "pre"
    assert environment["Finished"] >= environment["Started"]


def test_html_is_self_contained(suite):
    suite.runpytest()

    text = (suite.path / "reports" / "conformance.html").read_text()
    assert "<link " not in text
    assert not (suite.path / "reports" / "assets").exists()


def test_html_shows_burst_figures(suite):
    suite.runpytest()

    text = (suite.path / "reports" / "conformance.html").read_text()
    section = text.split("Burst probe: capacity:burst")[1]
    observed = "Observed: {&quot;error_rate&quot;: 0.0, &quot;p95_ms&quot;: 41.5}"
    assert observed in section
    assert "Burst probe figures" in section
    assert "<th>p95</th><td>41.5</td>" in section
    assert "<th>200</th><td>400</td>" in section
    assert "latency_histogram" not in section
    assert '<div class="burst-chart"><svg xmlns="http://www.w3.org/2000/svg"' in section
    assert "Requests by latency range (ms)" in section


def test_burst_row_has_chart_extra(suite):
    suite.runpytest()

    rows = html_test_rows(suite)
    burst = next(v for k, v in rows.items() if "capacity:burst" in k)[0]
    contents = [extra["content"] for extra in burst["extras"]]
    assert len(contents) == 1
    assert "Burst probe figures" in contents[0]
    assert "<svg" in contents[0]


def test_html_shows_rollback_diff(pytester):
    write_suite(pytester, [rollback_check(HTTPD_DIFF)])

    pytester.runpytest()

    text = (pytester.path / "reports" / "conformance.html").read_text()
    assert "Rollback readiness" in text
    assert "/etc/httpd/conf/httpd.conf.bak.20260322T101500" in text
    assert '<span class="diff-add">+    MaxRequestWorkers 120</span>' in text
    assert '<span class="diff-del">-    MaxRequestWorkers 150</span>' in text


def test_backup_snapshot_shown_as_rollback(pytester):
    check = rollback_check(HTTPD_DIFF)
    check["snapshot"] = {
        "latest_backup": "/etc/httpd/conf/httpd.conf.bak.20260322T101500",
        "backups": 2,
        "diff": HTTPD_DIFF,
    }
    write_suite(pytester, [check])

    pytester.runpytest()

    text = (pytester.path / "reports" / "conformance.html").read_text()
    assert "Rollback readiness" in text
    assert "/etc/httpd/conf/httpd.conf.bak.20260322T101500, 2 backups in all" in text
    assert '<span class="diff-add">+    MaxRequestWorkers 120</span>' in text


def test_html_shows_recent_errors(pytester):
    check = mpm_check()
    check["snapshot"] = {
        "kind": "recent_errors",
        "since": "2026-03-22T10:15:00+00:00",
        "by_code": {
            "AH10159": [
                "[Sun Mar 22 10:16:02.123 2026] [mpm_event:error] [pid 812] AH10159: "
                "server is within MinSpareThreads of MaxRequestWorkers, consider "
                "raising the MaxRequestWorkers setting"
            ]
        },
        "by_unit": {"celery": 0},
    }
    write_suite(pytester, [check])

    pytester.runpytest()

    text = (pytester.path / "reports" / "conformance.html").read_text()
    assert "Recent errors since the change window started" in text
    assert "<td>AH10159</td><td>1</td>" in text
    assert "<td>celery</td><td>0</td>" in text


def test_setup_error_is_error_outcome(pytester):
    write_suite(pytester, [mpm_check()])
    pytester.makepyfile(
        test_unreachable="""
        import pytest

        @pytest.fixture
        def backend():
            raise ConnectionError("127.0.10.10:22 refused the SSH connection")

        def test_memory_headroom(backend):
            pass
        """
    )

    result = pytester.runpytest()

    check = check_by_id(
        read_results(pytester), "test_unreachable.py::test_memory_headroom"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert check["outcome"] == "error"
    assert "refused the SSH connection" in check["message"]


def test_skipped_check_keeps_reason(pytester):
    write_suite(pytester, [mpm_check()])
    pytester.makepyfile(
        test_deep="""
        import pytest

        @pytest.mark.skip(reason="deep diagnostic, run with --deep")
        def test_celery_deep():
            pass
        """
    )

    pytester.runpytest()

    check = check_by_id(read_results(pytester), "test_deep.py::test_celery_deep")
    assert check["outcome"] == "skipped"
    assert check["message"] == "deep diagnostic, run with --deep"


def test_reports_dir_option(suite, tmp_path):
    target = tmp_path / "elsewhere"

    suite.runpytest("--reports-dir", str(target))

    assert (target / "results.json").is_file()
    assert (target / "conformance.html").is_file()
    assert (target / "junit.xml").is_file()


def test_invalid_ticket_is_usage_error(suite):
    result = suite.runpytest("--ticket", "../../etc")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--ticket '../../etc' cannot name a snapshot folder*"]
    )
