"""Waivers and the exit-code policy, through in-process runs of a synthetic suite."""

import textwrap

import pytest

from .synthetic import (
    check_by_id,
    html_test_rows,
    mpm_check,
    read_results,
    row_cells,
    write_suite,
    wsgi_check,
)

pytest_plugins = ["pytester"]


def write_waivers(pytester: pytest.Pytester, expires: str) -> str:
    path = pytester.path / "waivers.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            waivers:
              - check: apache:event:MaxRequestWorkers
                justification: Lowered to 120 during the CHG-1234 memory test
                owner: ops-oncall@example.com
                expires: {expires}
            """
        ),
        encoding="utf-8",
    )
    return str(path)


def test_waived_failure_passes_run(pytester):
    write_suite(pytester, [mpm_check(observed=120), wsgi_check()])
    waivers = write_waivers(pytester, "2099-12-31")

    result = pytester.runpytest("--waivers", waivers)

    check = check_by_id(read_results(pytester), "apache:event:MaxRequestWorkers")
    assert result.ret == pytest.ExitCode.OK
    assert check["outcome"] == "waived"
    assert check["waiver"]["owner"] == "ops-oncall@example.com"
    assert check["waiver"]["expires"] == "2099-12-31"
    assert check["message"].startswith("apache:event:MaxRequestWorkers: expected 150")
    result.assert_outcomes(passed=1, xfailed=1)


def test_waived_failure_marked_in_html(pytester):
    write_suite(pytester, [mpm_check(observed=120)])
    waivers = write_waivers(pytester, "2099-12-31")

    pytester.runpytest("--waivers", waivers)

    text = (pytester.path / "reports" / "conformance.html").read_text()
    rows = html_test_rows(pytester)
    cells = row_cells(rows, "apache:event:MaxRequestWorkers")
    extras = next(iter(rows.values()))[0]["extras"]
    assert cells[0] == '<td class="col-result">XFailed</td>'
    assert cells[2] == (
        '<td class="col-check_id">apache:event:MaxRequestWorkers '
        '<span class="waived-badge">WAIVED</span></td>'
    )
    assert "Waived failure." in extras[0]["content"]
    assert "ops-oncall@example.com" in extras[0]["content"]
    assert "<h3>Waivers</h3>" in text


def test_waived_failure_skipped_in_junit(pytester):
    write_suite(pytester, [mpm_check(observed=120)])
    waivers = write_waivers(pytester, "2099-12-31")

    pytester.runpytest("--waivers", waivers)

    junit = (pytester.path / "reports" / "junit.xml").read_text()
    assert 'failures="0"' in junit
    assert (
        '<skipped type="pytest.xfail" message="waived until 2099-12-31 by '
        'ops-oncall@example.com" />' in junit
    )


def test_expired_waiver_fails_passing_run(pytester):
    write_suite(pytester, [mpm_check(observed=150)])
    waivers = write_waivers(pytester, "2026-01-31")

    result = pytester.runpytest("--waivers", waivers)

    results = read_results(pytester)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "conformance: expired waiver: check apache:event:MaxRequestWorkers, "
            "owner ops-oncall@example.com, expired after 2026-01-31 (*waivers.yaml:2)*"
        ]
    )
    assert results["run"]["exit_status"] == 1
    assert results["waivers"]["expired"][0]["check_id"] == (
        "apache:event:MaxRequestWorkers"
    )


def test_expired_waiver_does_not_waive(pytester):
    write_suite(pytester, [mpm_check(observed=120)])
    waivers = write_waivers(pytester, "2026-01-31")

    result = pytester.runpytest("--waivers", waivers)

    check = check_by_id(read_results(pytester), "apache:event:MaxRequestWorkers")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert check["outcome"] == "failed"
    assert check["waiver"] is None


def test_expired_waiver_shown_in_html(pytester):
    write_suite(pytester, [mpm_check()])
    waivers = write_waivers(pytester, "2026-01-31")

    pytester.runpytest("--waivers", waivers)

    text = (pytester.path / "reports" / "conformance.html").read_text()
    assert '<td><span class="expired">EXPIRED</span></td>' in text
    assert "<td>2026-01-31</td>" in text


def test_unused_waiver_listed(pytester):
    write_suite(pytester, [wsgi_check()])
    waivers = write_waivers(pytester, "2099-12-31")

    result = pytester.runpytest("--waivers", waivers)

    unused = read_results(pytester)["waivers"]["unused"]
    assert result.ret == pytest.ExitCode.OK
    assert [w["check_id"] for w in unused] == ["apache:event:MaxRequestWorkers"]


def test_invalid_waivers_file_is_usage_error(pytester):
    write_suite(pytester, [mpm_check()])
    path = pytester.path / "waivers.yaml"
    path.write_text(
        "waivers:\n"
        "  - check: apache:event:MaxRequestWorkers\n"
        "    justification: memory test\n"
        "    owner: ops-oncall@example.com\n"
        "    expiry: 2099-12-31\n",
        encoding="utf-8",
    )

    result = pytester.runpytest("--waivers", str(path))

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*waivers.yaml:5: unknown waiver key 'expiry'*"])
    assert "Traceback" not in result.stderr.str()


def test_missing_waivers_file_is_usage_error(pytester):
    write_suite(pytester, [mpm_check()])

    result = pytester.runpytest("--waivers", "no-such-waivers.yaml")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no-such-waivers.yaml: cannot read the waivers*"])


def test_minor_failure_fails_by_default(pytester):
    write_suite(pytester, [mpm_check(), wsgi_check(processes=2, severity="minor")])

    result = pytester.runpytest()

    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_allow_minor_passes_minor_failure(pytester):
    write_suite(pytester, [mpm_check(), wsgi_check(processes=2, severity="minor")])

    result = pytester.runpytest("--allow-minor")

    results = read_results(pytester)
    assert result.ret == pytest.ExitCode.OK
    assert results["policy"] == {"allow_minor": True}
    assert check_by_id(results, "wsgi:daemon:processes")["outcome"] == "failed"


def test_allow_minor_keeps_major_failure(pytester):
    write_suite(
        pytester,
        [mpm_check(observed=120), wsgi_check(processes=2, severity="minor")],
    )

    result = pytester.runpytest("--allow-minor")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
