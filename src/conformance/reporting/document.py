"""Assemble results.json and keep pre/post snapshots of it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

from conformance.errors import ConformanceError
from conformance.reporting.comparison import compare_results
from conformance.reporting.results import count_outcomes
from conformance.runinfo import RunInfo
from conformance.snapshots import (
    latest_snapshot,
    load_results,
    save_snapshot,
    snapshot_dir,
)
from conformance.waivers import Waiver

SCHEMA_VERSION = 1


def run_block(run: RunInfo, *, exit_status: int) -> dict[str, Any]:
    """Return the `run` block of results.json."""
    block = dataclasses.asdict(run)
    for name in ("started_at", "finished_at"):
        value = block[name]
        block[name] = value.isoformat() if isinstance(value, datetime) else value
    block["exit_status"] = int(exit_status)
    return block


def results_document(
    run: RunInfo,
    *,
    checks: list[dict[str, Any]],
    exit_status: int,
    policy: dict[str, Any],
    applied: list[dict[str, Any]],
    expired: list[Waiver],
    unused: list[Waiver],
) -> dict[str, Any]:
    """Return results.json's content, without the comparison of a post run."""
    return {
        "schema_version": SCHEMA_VERSION,
        "run": run_block(run, exit_status=exit_status),
        "summary": count_outcomes(checks),
        "policy": policy,
        "waivers": {
            "applied": applied,
            "expired": [waiver.as_dict() for waiver in expired],
            "unused": [waiver.as_dict() for waiver in unused],
        },
        "checks": checks,
        "comparison": None,
    }


def compare_with_pre(
    document: dict[str, Any],
    *,
    reports_dir: Path,
    results_path: Path,
) -> tuple[dict[str, Any] | None, str]:
    """Return the comparison of a post run with its latest pre snapshot, and a note.

    The note explains a missing comparison: no pre snapshot, or an unreadable one.
    """
    run = document["run"]
    folder = snapshot_dir(reports_dir, run["environment"], run["ticket"])
    pre_path = latest_snapshot(folder, "pre")
    if pre_path is None:
        return None, (
            f"No pre snapshot in {folder} for environment {run['environment']} and "
            f"ticket {run['ticket'] or '(none)'}; run the suite with --phase pre "
            "and the same --env and --ticket before the change."
        )
    try:
        before = load_results(pre_path)
    except ConformanceError as error:
        return None, str(error)
    before["source"] = str(pre_path)
    after = {**document, "source": str(results_path)}
    return compare_results(before, after), ""


def keep_snapshot(document: dict[str, Any], *, reports_dir: Path) -> Path:
    """Store the results of a pre or post run in its snapshot folder."""
    run = document["run"]
    folder = snapshot_dir(reports_dir, run["environment"], run["ticket"])
    return save_snapshot(
        document,
        folder=folder,
        phase=run["phase"],
        started_at=datetime.fromisoformat(run["started_at"]),
    )
