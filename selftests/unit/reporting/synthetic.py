"""A small synthetic conformance suite for running the reporting plugin in pytester.

Its tests record user_properties and fail with messages shaped like the real
suite's, from a checks.json file the test writes, so pre and post runs can observe
different values. No test here opens a connection.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

# Pytester drops the modules an in-process run imported when the run ends. PyYAML's
# C loader breaks when imported twice, so the plugin's modules are imported here,
# before any run, and stay loaded.
import conformance.reporting.plugin
import conformance.waivers  # noqa: F401

CONFTEST = """
import datetime
import os

from conformance.runinfo import RUN_INFO, RunInfo
from conformance.secrets import register_secret

pytest_plugins = ["conformance.reporting.plugin"]


def pytest_configure(config):
    # The suite's plugin resolves credentials at configure time; so does this one.
    register_secret(os.environ.get("LAB_APP_PASSWORD", ""))
    config.stash[RUN_INFO] = RunInfo(
        environment="lab",
        expectations_path="/work/main/expectations.yaml",
        expectations_sha256="9f2c" * 16,
        hosts={"backend": "127.0.10.10", "frontend": "127.0.10.20"},
        started_at=datetime.datetime.now(datetime.UTC),
    )
"""

TESTS = """
import json
import os
from pathlib import Path

import pytest

from conformance.secrets import register_secret

CHECKS = json.loads(Path(__file__).with_name("checks.json").read_text())


def record(request, values):
    for name, value in values.items():
        request.node.user_properties.append((name, value))


@pytest.mark.parametrize("check", CHECKS, ids=[c["check_id"] for c in CHECKS])
def test_check(request, check):
    record(request, check)
    if check.get("leak_cookie"):
        # A value found at run time, like the SSE session cookie.
        register_secret(check["leak_cookie"])
        print("Cookie: session=" + check["leak_cookie"])
    if not check.get("ok", check["observed"] == check["expected"]):
        password = os.environ.get("LAB_APP_PASSWORD", "") if check.get("leak") else ""
        pytest.fail(
            f"{check['check_id']}: expected {check['expected']}, observed "
            f"{check['observed']} ({check['where']}) {password}"
            f"{check.get('leak_cookie', '')}\\n"
            f"Runbook {check['runbook']} Backend capacity settings. First step "
            f"({check['remediation']} Apache worker pressure): Confirm "
            "MaxRequestWorkers and mod_wsgi process/thread settings",
            pytrace=False,
        )
"""


def mpm_check(observed: int = 150, **extra: Any) -> dict[str, Any]:
    """Return the MaxRequestWorkers check of the event MPM, observing `observed`."""
    return {
        "check_id": "apache:event:MaxRequestWorkers",
        "kind": "config",
        "expected": 150,
        "observed": observed,
        "where": "/etc/httpd/conf/httpd.conf:57",
        "host": "127.0.10.10",
        "runbook": "1.3",
        "remediation": "4.1",
        "severity": "major",
        **extra,
    }


def wsgi_check(processes: int = 3, severity: str = "major") -> dict[str, Any]:
    return {
        "check_id": "wsgi:daemon:processes",
        "kind": "config",
        "expected": 3,
        "observed": processes,
        "where": "/etc/httpd/conf.d/wsgi.conf:4",
        "host": "127.0.10.10",
        "runbook": "1.3",
        "remediation": "4.1",
        "severity": severity,
    }


def burst_check() -> dict[str, Any]:
    return {
        "check_id": "capacity:burst",
        "kind": "capacity",
        "expected": {"p95_ms": {"lt": 250}, "error_rate": {"lt": 0.01}},
        "observed": {"p95_ms": 41.5, "error_rate": 0.0},
        "where": "https://127.0.10.10/api/v1/health/ping",
        "host": "127.0.10.10",
        "runbook": "4.1",
        "remediation": "4.1",
        "severity": "major",
        "ok": True,
        "burst": {
            "url": "https://127.0.10.10/api/v1/health/ping",
            "concurrency_planned": 20,
            "requests_planned": 400,
            "achieved_concurrency": 20,
            "requests_completed": 400,
            "duration_s": 1.9,
            "latency_ms": {
                "min": 3.1,
                "p50": 12.4,
                "p90": 30.2,
                "p95": 41.5,
                "p99": 77.0,
                "max": 90.3,
            },
            "latency_histogram": [
                {"from_ms": 2.0, "to_ms": 4.0, "count": 31},
                {"from_ms": 4.0, "to_ms": 8.0, "count": 102},
                {"from_ms": 8.0, "to_ms": 16.0, "count": 148},
                {"from_ms": 16.0, "to_ms": 32.0, "count": 83},
                {"from_ms": 32.0, "to_ms": 64.0, "count": 29},
                {"from_ms": 64.0, "to_ms": 128.0, "count": 7},
            ],
            "p95_budget_ms": 250,
            "status_counts": {"200": 400},
            "client_errors_by_category": {},
            "error_rate": 0.0,
            "stopped_early": None,
        },
    }


def rollback_check(diff: str) -> dict[str, Any]:
    return {
        "check_id": "backup:/etc/httpd/conf/httpd.conf",
        "kind": "config",
        "expected": "a readable *.bak.<timestamp>",
        "observed": "httpd.conf.bak.20260322T101500",
        "where": "/etc/httpd/conf/httpd.conf.bak.20260322T101500",
        "host": "127.0.10.10",
        "runbook": "5",
        "remediation": "6",
        "severity": "critical",
        "ok": True,
        "snapshot": {
            "kind": "rollback",
            "file": "/etc/httpd/conf/httpd.conf",
            "backup": "/etc/httpd/conf/httpd.conf.bak.20260322T101500",
            "diff": diff,
        },
    }


HTTPD_DIFF = """\
--- /etc/httpd/conf/httpd.conf.bak.20260322T101500
+++ /etc/httpd/conf/httpd.conf
@@ -55,5 +55,5 @@
 <IfModule mpm_event_module>
     ThreadsPerChild 25
-    MaxRequestWorkers 150
+    MaxRequestWorkers 120
 </IfModule>
"""


def write_suite(pytester: pytest.Pytester, checks: list[dict[str, Any]]) -> None:
    """Write the synthetic suite with `checks` into the pytester folder."""
    pytester.makeconftest(CONFTEST)
    # The plugin module is imported before the run (see the imports above), so
    # pytest cannot rewrite its asserts; it has none.
    pytester.makeini(
        "[pytest]\nfilterwarnings = ignore::pytest.PytestAssertRewriteWarning\n"
    )
    pytester.makepyfile(test_conformance=TESTS)
    set_checks(pytester, checks)


def set_checks(pytester: pytest.Pytester, checks: list[dict[str, Any]]) -> None:
    """Replace what the synthetic checks observe on the next run."""
    (pytester.path / "checks.json").write_text(json.dumps(checks), encoding="utf-8")


def read_results(pytester: pytest.Pytester) -> dict[str, Any]:
    path = pytester.path / "reports" / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))


def check_by_id(results: dict[str, Any], check_id: str) -> dict[str, Any]:
    __tracebackhide__ = True
    for check in results["checks"]:
        if check["id"] == check_id:
            return check
    pytest.fail(f"no check {check_id!r} in results.json")


def html_test_rows(pytester: pytest.Pytester) -> dict[str, list[dict]]:
    """Return pytest-html's per-test data blob from the written report."""
    text = (pytester.path / "reports" / "conformance.html").read_text()
    blob = re.search(r'data-jsonblob="([^"]*)"', text)
    assert blob is not None
    return json.loads(html.unescape(blob.group(1)))["tests"]


def row_cells(rows: dict[str, list[dict]], nodeid_part: str) -> list[str]:
    __tracebackhide__ = True
    for nodeid, entries in rows.items():
        if nodeid_part in nodeid:
            return entries[0]["resultsTableRow"]
    pytest.fail(f"no row for {nodeid_part!r} in {sorted(rows)}")
