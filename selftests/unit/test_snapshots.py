"""Snapshot folders, names and the choice of the latest pre snapshot."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from conformance.errors import ConformanceError
from conformance.snapshots import (
    latest_snapshot,
    load_results,
    save_snapshot,
    snapshot_dir,
    window_start,
)

STARTED = datetime(2026, 3, 22, 10, 15, 0, tzinfo=UTC)


def results(started: datetime = STARTED, observed: int = 150) -> dict:
    return {
        "schema_version": 1,
        "run": {"environment": "lab", "started_at": started.isoformat()},
        "checks": [
            {
                "id": "apache:event:MaxRequestWorkers",
                "outcome": "passed",
                "observed": observed,
            }
        ],
    }


def test_folder_per_environment_and_ticket(tmp_path):
    assert snapshot_dir(tmp_path, "dev", "CHG-1234") == (
        tmp_path / "snapshots" / "dev" / "CHG-1234"
    )
    assert snapshot_dir(tmp_path, "lab", None) == (
        tmp_path / "snapshots" / "lab" / "no-ticket"
    )


@pytest.mark.parametrize(
    "ticket",
    ["../etc", "CHG/1234", ".hidden", "", "CHG 1234", "x" * 81, "a..b"],
)
def test_unsafe_ticket_rejected(tmp_path, ticket):
    with pytest.raises(ConformanceError, match="cannot name a snapshot folder"):
        snapshot_dir(tmp_path, "lab", ticket)


def test_snapshot_named_by_utc_start(tmp_path):
    local = STARTED.astimezone(timezone(timedelta(hours=2)))

    path = save_snapshot(results(), folder=tmp_path, phase="pre", started_at=local)

    assert path.name == "pre-20260322T101500Z.json"
    assert json.loads(path.read_text()) == results()


def test_same_second_gets_suffix(tmp_path):
    first = save_snapshot(results(), folder=tmp_path, phase="pre", started_at=STARTED)
    second = save_snapshot(
        results(observed=120), folder=tmp_path, phase="pre", started_at=STARTED
    )

    assert first.name == "pre-20260322T101500Z.json"
    assert second.name == "pre-20260322T101500Z-1.json"
    assert latest_snapshot(tmp_path, "pre") == second


def test_latest_pre_by_time_not_name_order(tmp_path):
    older = STARTED - timedelta(days=1)
    save_snapshot(results(), folder=tmp_path, phase="pre", started_at=STARTED)
    save_snapshot(results(), folder=tmp_path, phase="pre", started_at=older)
    save_snapshot(
        results(),
        folder=tmp_path,
        phase="post",
        started_at=STARTED + timedelta(hours=1),
    )

    latest = latest_snapshot(tmp_path, "pre")

    assert latest == tmp_path / "pre-20260322T101500Z.json"


def test_no_snapshot_returns_none(tmp_path):
    (tmp_path / "notes.json").write_text("{}")

    assert latest_snapshot(tmp_path, "pre") is None
    assert latest_snapshot(tmp_path / "missing", "pre") is None


def test_unknown_phase_rejected(tmp_path):
    with pytest.raises(
        ConformanceError, match="phase 'during' is not one of pre, post"
    ):
        save_snapshot(results(), folder=tmp_path, phase="during", started_at=STARTED)


def test_window_start_read_from_snapshot(tmp_path):
    path = save_snapshot(results(), folder=tmp_path, phase="pre", started_at=STARTED)

    assert window_start(path) == STARTED


def test_load_rejects_invalid_json(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"checks": [')

    with pytest.raises(ConformanceError) as caught:
        load_results(path)

    assert str(caught.value).startswith(f"{path}: not a results file, invalid JSON")


def test_load_rejects_other_json(tmp_path):
    path = tmp_path / "package.json"
    path.write_text('{"name": "frontend"}')

    with pytest.raises(ConformanceError, match="no list of `checks`"):
        load_results(path)


def test_load_rejects_missing_file(tmp_path):
    with pytest.raises(ConformanceError, match="cannot read the results file"):
        load_results(tmp_path / "results.json")
