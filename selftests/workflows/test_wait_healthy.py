"""--wait-healthy: failing probe checks run again until they pass or time is up."""

import pytest

from conformance import retry

pytest_plugins = ["pytester"]

# A test per kind that fails until its own attempt number reaches HEALS_ON.
SUITE = """
from pathlib import Path

import pytest

from conformance.verdict import Case, Section

SECTION = Section("3.1", "Service status", "systemctl status httpd")


def case(check_id, kind, heals_on):
    return Case(check_id, kind, SECTION, SECTION, params={"heals_on": heals_on})


CASES = [
    case("service:httpd", "probe", 3),
    case("apache:worker:MaxRequestWorkers", "config", 2),
    case("service:celery", "probe", 1000),
]


@pytest.mark.parametrize("check_case", CASES, ids=str)
def test_check(check_case, request):
    counter = Path(check_case.check_id.replace(":", "_") + ".count")
    attempt = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(attempt))
    request.node.user_properties.append(("check_id", check_case.check_id))
    assert attempt >= check_case.params["heals_on"], f"attempt {attempt}"
"""


@pytest.fixture
def suite(pytester, monkeypatch):
    monkeypatch.setattr(retry, "RETRY_INTERVAL_S", 0.05)
    pytester.makepyfile(test_suite=SUITE)
    return pytester


def final_reports(recorder) -> dict:
    reports = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        if report.when == "call":
            check_id = dict(report.user_properties)["check_id"]
            reports[check_id] = report
    return reports


def attempts(report) -> dict:
    return dict(report.user_properties)["wait_healthy"]


def run(suite, *args):
    return suite.inline_run(
        "-p",
        "conformance.retry",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *args,
    )


def test_probe_passes_after_retries(suite):
    recorder = run(suite, "--wait-healthy", "5", "-k", "httpd")

    report = final_reports(recorder)["service:httpd"]
    assert report.passed
    assert attempts(report)["attempts"] == 3
    assert attempts(report)["outcomes"] == ["failed", "failed", "passed"]


def test_config_check_not_retried(suite):
    recorder = run(suite, "--wait-healthy", "5", "-k", "MaxRequestWorkers")

    report = final_reports(recorder)["apache:worker:MaxRequestWorkers"]
    assert report.failed
    assert "wait_healthy" not in dict(report.user_properties)
    assert (suite.path / "apache_worker_MaxRequestWorkers.count").read_text() == "1"


def test_probe_stops_at_deadline(suite):
    recorder = run(suite, "--wait-healthy", "1.5", "-k", "celery")

    report = final_reports(recorder)["service:celery"]
    assert report.failed
    record = attempts(report)
    assert 1 < record["attempts"] < retry.MAX_ATTEMPTS
    assert record["waited_s"] <= 1.5
    assert set(record["outcomes"]) == {"failed"}


def test_probe_stops_at_attempt_cap(suite, monkeypatch):
    monkeypatch.setattr(retry, "MAX_ATTEMPTS", 4)

    recorder = run(suite, "--wait-healthy", "60", "-k", "celery")

    report = final_reports(recorder)["service:celery"]
    assert attempts(report)["attempts"] == 4


def test_each_check_reported_once(suite):
    recorder = run(suite, "--wait-healthy", "1")

    passed, skipped, failed = recorder.listoutcomes()
    # Whether service:httpd healed in time depends on the machine's speed.
    assert len(passed) + len(failed) == 3
    assert not skipped


def test_without_option_runs_once(suite):
    recorder = run(suite)

    report = final_reports(recorder)["service:httpd"]
    assert report.failed
    assert "wait_healthy" not in dict(report.user_properties)


@pytest.mark.parametrize("seconds", ["0", "-3", "100000"])
def test_out_of_range_seconds_rejected(suite, seconds):
    result = suite.runpytest("-p", "conformance.retry", "--wait-healthy", seconds)

    result.stderr.fnmatch_lines(
        [f"*--wait-healthy {float(seconds):g} is out of range*"]
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
