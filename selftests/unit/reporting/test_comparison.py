"""Check-by-check comparison of two runs and its text form."""

from conformance.reporting.comparison import compare_results, format_comparison_text


def run(phase: str, checks: list[dict]) -> dict:
    return {
        "run": {
            "environment": "lab",
            "ticket": "CHG-1234",
            "phase": phase,
            "started_at": "2026-03-22T10:15:00+00:00",
        },
        "checks": checks,
        "source": f"reports/snapshots/lab/CHG-1234/{phase}.json",
    }


def check(check_id: str, outcome: str, observed: object, **extra) -> dict:
    return {"id": check_id, "outcome": outcome, "observed": observed, **extra}


BEFORE = run(
    "pre",
    [
        check("apache:event:MaxRequestWorkers", "passed", 150),
        check("apache:event:ThreadsPerChild", "passed", 25),
        check("wsgi:daemon:processes", "failed", 2),
        check("celery:nodes", "passed", ["w1", "w2"]),
        check("health:/api/v1/health/ping", "passed", {"p95_ms": 12.0}),
        check("favourites:legacy", "passed", 404),
    ],
)
AFTER = run(
    "post",
    [
        check("apache:event:MaxRequestWorkers", "failed", 120),
        check("apache:event:ThreadsPerChild", "passed", 25),
        check("wsgi:daemon:processes", "passed", 3),
        check("celery:nodes", "passed", ["w1", "w2"]),
        check("health:/api/v1/health/ping", "passed", {"p95_ms": 19.5}),
        check("tls:days_to_expiry", "passed", 88),
    ],
)


def categories(comparison: dict) -> dict[str, str]:
    return {entry["id"]: entry["category"] for entry in comparison["checks"]}


def test_each_category_found():
    comparison = compare_results(BEFORE, AFTER)

    assert categories(comparison) == {
        "apache:event:MaxRequestWorkers": "broke",
        "apache:event:ThreadsPerChild": "unchanged",
        "wsgi:daemon:processes": "fixed",
        "celery:nodes": "unchanged",
        "health:/api/v1/health/ping": "changed",
        "tls:days_to_expiry": "added",
        "favourites:legacy": "removed",
    }
    assert comparison["counts"] == {
        "broke": 1,
        "fixed": 1,
        "changed": 1,
        "unchanged": 2,
        "added": 1,
        "removed": 1,
    }


def test_changes_list_values():
    comparison = compare_results(BEFORE, AFTER)

    broke = comparison["checks"][0]
    assert broke["changes"] == [{"name": "observed", "before": 150, "after": 120}]
    assert broke["before"]["outcome"] == "passed"
    assert broke["after"]["outcome"] == "failed"


def test_snapshot_values_compared():
    before = run("pre", [check("processes:httpd", "passed", 4, snapshot={"pids": 4})])
    after = run("post", [check("processes:httpd", "passed", 4, snapshot={"pids": 5})])

    entry = compare_results(before, after)["checks"][0]

    assert entry["category"] == "changed"
    assert entry["changes"] == [{"name": "snapshot.pids", "before": 4, "after": 5}]


def test_waived_then_passing_is_fixed():
    before = run("pre", [check("wsgi:daemon:processes", "waived", 2)])
    after = run("post", [check("wsgi:daemon:processes", "passed", 3)])

    assert categories(compare_results(before, after)) == {
        "wsgi:daemon:processes": "fixed"
    }


def test_error_to_failed_is_changed():
    before = run("pre", [check("systemd:celery", "error", None)])
    after = run("post", [check("systemd:celery", "failed", "inactive")])

    assert categories(compare_results(before, after)) == {"systemd:celery": "changed"}


def test_text_lists_broke_and_fixed():
    text = format_comparison_text(compare_results(BEFORE, AFTER))

    assert text.splitlines()[0] == (
        "before: environment lab, ticket CHG-1234, phase pre, started "
        "2026-03-22T10:15:00+00:00 (reports/snapshots/lab/CHG-1234/pre.json)"
    )
    assert "1 broke, 1 fixed, 1 changed, 2 unchanged, 1 added, 1 removed" in text
    assert "broke:\n  apache:event:MaxRequestWorkers: passed -> failed\n" in text
    assert "      observed: 150 -> 120\n" in text
    assert "fixed:\n  wsgi:daemon:processes: failed -> passed\n" in text
    assert "removed:\n  favourites:legacy: passed -> absent\n" in text
    assert "unchanged:" not in text


def test_text_cuts_long_values():
    diff = "--- httpd.conf.bak\n+++ httpd.conf\n" + "+ line\n" * 40
    before = run("pre", [check("backup:httpd.conf", "passed", "", snapshot={})])
    after = run(
        "post", [check("backup:httpd.conf", "passed", "", snapshot={"diff": diff})]
    )

    text = format_comparison_text(compare_results(before, after))

    line = next(x for x in text.splitlines() if "snapshot.diff" in x)
    assert line.endswith("...")
    assert len(line) < 160
