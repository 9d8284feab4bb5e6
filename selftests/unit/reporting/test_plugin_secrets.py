"""No secret reaches a report, with or without pytest-xdist."""

from pathlib import Path

import pytest

from .synthetic import check_by_id, mpm_check, read_results, write_suite, wsgi_check

pytest_plugins = ["pytester"]

PASSWORD = "Lab-pw-7f3e!q'\"<x>"
COOKIE = "c2Vzc2lvbi1sYWItY29va2llLTE4ODE"


@pytest.fixture
def leaky_suite(pytester, monkeypatch):
    monkeypatch.setenv("LAB_APP_PASSWORD", PASSWORD)
    write_suite(
        pytester,
        [
            mpm_check(observed=120, leak=True, leak_cookie=COOKIE),
            wsgi_check(),
        ],
    )
    return pytester


def report_files(root: Path) -> list[Path]:
    return [path for path in (root / "reports").rglob("*") if path.is_file()]


def assert_no_secret(texts: dict[str, str]) -> None:
    __tracebackhide__ = True
    for name, text in texts.items():
        for secret in (PASSWORD, COOKIE):
            assert secret not in text, f"{secret!r} found in {name}"


def test_secrets_absent_from_reports(leaky_suite):
    result = leaky_suite.runpytest("--ticket", "CHG-1234", "--phase", "pre")

    files = report_files(leaky_suite.path)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert len(files) == 4
    assert_no_secret({str(path): path.read_text() for path in files})
    assert_no_secret({"terminal": result.stdout.str()})


def test_secret_masked_in_message(leaky_suite):
    leaky_suite.runpytest()

    check = check_by_id(read_results(leaky_suite), "apache:event:MaxRequestWorkers")
    assert "observed 120 (/etc/httpd/conf/httpd.conf:57) ***" in check["message"]


@pytest.mark.slow
def test_xdist_reports_match_serial(leaky_suite):
    result = leaky_suite.runpytest_subprocess("-n", "2", "-p", "xdist")

    results = read_results(leaky_suite)
    check = check_by_id(results, "apache:event:MaxRequestWorkers")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert check["outcome"] == "failed"
    assert check["observed"] == 120
    assert check["where"] == "/etc/httpd/conf/httpd.conf:57"
    assert check_by_id(results, "wsgi:daemon:processes")["outcome"] == "passed"
    assert_no_secret({str(p): p.read_text() for p in report_files(leaky_suite.path)})
    assert_no_secret({"terminal": result.stdout.str()})
