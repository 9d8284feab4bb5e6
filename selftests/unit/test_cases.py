"""Check ids and failure wording built from the shipped expectations."""

from pathlib import Path

import pytest

from conformance.cases import build_cases
from conformance.expectations import load
from conformance.verdict import Case, Check, Section, failure_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cases():
    expectations = load(ROOT / "expectations.yaml")
    return build_cases(
        expectations.checks, lambda number: Section(*expectations.section(number))
    )


def test_check_ids_name_runbook_values(cases):
    ids = {case.check_id for family in cases.values() for case in family}

    for expected in (
        "apache:event:MaxRequestWorkers",
        "apache:worker:ThreadsPerChild",
        "wsgi:processes",
        "celery:concurrency",
        "dependency:rabbitmq",
        "health:/api/v1/health/ready",
        "route:/api/v1/favourites",
        "capacity:burst",
    ):
        assert expected in ids


def test_check_ids_are_unique(cases):
    ids = [case.check_id for family in cases.values() for case in family]

    assert len(ids) == len(set(ids))


def test_mpm_values_come_from_runbook(cases):
    by_id = {case.check_id: case for case in cases["mpm_case"]}

    assert by_id["apache:event:MaxRequestWorkers"].params["expected"] == 150
    assert by_id["apache:worker:ThreadsPerChild"].params["expected"] == 25
    assert by_id["apache:event:MaxRequestWorkers"].runbook.number == "1.3"
    assert by_id["apache:event:MaxRequestWorkers"].remediation.number == "4.1"


def test_celery_endpoint_takes_its_own_remediation(cases):
    by_id = {case.check_id: case for case in cases["endpoint_case"]}

    assert by_id["health:/api/v1/health/celery"].remediation.number == "4.2"


def test_deep_endpoints_kept_apart(cases):
    deep = {case.check_id for case in cases["deep_case"]}
    probes = {case.check_id for case in cases["endpoint_case"]}

    assert deep == {"health:/api/v1/health/celery/deep", "health:/api/v1/health"}
    assert not deep & probes


def test_failure_text_names_everything():
    case = Case(
        "apache:event:MaxRequestWorkers",
        "config",
        Section("1.3", "Backend capacity settings", "grep"),
        Section("4.1", "Apache worker pressure", "Confirm MaxRequestWorkers"),
    )

    text = failure_text(case, expected=150, observed=120, where="httpd.conf:12")

    assert text.startswith(
        "apache:event:MaxRequestWorkers: expected 150, observed 120 (httpd.conf:12)"
    )
    assert "Runbook 1.3 Backend capacity settings." in text
    assert "First step (4.1 Apache worker pressure): Confirm MaxRequestWorkers" in text


def test_check_records_values_when_passing():
    recorded = []
    case = Case("x:y", "config", Section("1", "t", "s"), Section("1", "t", "s"))
    check = Check(case, lambda name, value: recorded.append((name, value)))

    check.equal(3, 3, where="f:1")

    assert ("expected", 3) in recorded
    assert ("observed", 3) in recorded
    assert ("where", "f:1") in recorded


def test_severity_taken_from_group_and_endpoint(tmp_path):
    text = (ROOT / "expectations.yaml").read_text()
    text = text.replace(
        '  wsgi:\n    runbook: "1.3"\n',
        '  wsgi:\n    runbook: "1.3"\n    severity: minor\n',
    )
    live = "/api/v1/health/live: {status: 200, p95_ms: 250, "
    text = text.replace(live + "fields: {}}", live + "severity: critical, fields: {}}")
    path = tmp_path / "expectations.yaml"
    path.write_text(text)
    expectations = load(path)

    cases = build_cases(
        expectations.checks, lambda number: Section(*expectations.section(number))
    )

    wsgi = {case.check_id: case for case in cases["wsgi_case"]}
    endpoints = {case.check_id: case for case in cases["endpoint_case"]}
    assert wsgi["wsgi:processes"].severity == "minor"
    assert endpoints["health:/api/v1/health/live"].severity == "critical"
    assert endpoints["health:/api/v1/health/ping"].severity == "major"
