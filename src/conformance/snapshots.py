"""Store results of pre and post runs so a change ticket can compare them.

A run with `--phase pre` keeps a copy of its results.json as
``<reports>/snapshots/<environment>/<ticket>/pre-<UTC start time>.json``. A run with
`--phase post` is compared against the latest pre snapshot in the same folder, and
its own results are kept there as ``post-<UTC start time>.json``. Runs without a
ticket use the folder ``no-ticket``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from conformance.errors import ConformanceError

NO_TICKET = "no-ticket"
PHASES = ("pre", "post")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

# Tickets and environment names become folder names, so only characters that are
# safe in a path component on every file system are accepted.
_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
_FILE_PATTERN = re.compile(
    r"(?P<phase>pre|post)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?"
)


def check_name(value: str, *, option: str) -> str:
    """Return `value` if it can be a folder name, else raise ConformanceError."""
    if not _NAME_PATTERN.fullmatch(value) or ".." in value:
        raise ConformanceError(
            f"{option} {value!r} cannot name a snapshot folder; use letters, digits, "
            "'.', '_' and '-' only (up to 80), starting with a letter or digit, "
            "e.g. CHG-1234"
        )
    return value


def snapshot_dir(reports_dir: Path, environment: str, ticket: str | None) -> Path:
    """Return the folder holding the snapshots of one environment and ticket."""
    check_name(environment, option="environment")
    if ticket is not None:
        check_name(ticket, option="--ticket")
    return reports_dir / "snapshots" / environment / (ticket or NO_TICKET)


def save_snapshot(
    results: dict,
    *,
    folder: Path,
    phase: str,
    started_at: datetime,
) -> Path:
    """Write `results` as the snapshot of a run of `phase`; return its path.

    Two runs that start in the same second get the suffixes -1, -2, ... so that no
    snapshot is overwritten.
    """
    from conformance.reporting.files import write_redacted_json

    if phase not in PHASES:
        raise ConformanceError(f"phase {phase!r} is not one of {', '.join(PHASES)}")
    stamp = started_at.astimezone(UTC).strftime(STAMP_FORMAT)
    path = folder / f"{phase}-{stamp}.json"
    counter = 0
    while path.exists():
        counter += 1
        path = folder / f"{phase}-{stamp}-{counter}.json"
    write_redacted_json(path, results)
    return path


def latest_snapshot(folder: Path, phase: str = "pre") -> Path | None:
    """Return the newest snapshot of `phase` in `folder`, or None when there is none."""
    candidates = []
    for path in folder.glob(f"{phase}-*.json"):
        match = _FILE_PATTERN.fullmatch(path.stem)
        if match and match["phase"] == phase:
            candidates.append(((match["stamp"], int(match["n"] or 0)), path))
    if not candidates:
        return None
    return max(candidates)[1]


def load_results(path: Path) -> dict:
    """Read a results.json or snapshot file written by the suite."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConformanceError(
            f"{path}: cannot read the results file ({error.strerror}); "
            "give the path of a results.json or a snapshot under reports/snapshots/"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConformanceError(
            f"{path}: not a results file, invalid JSON ({error}); "
            "give the path of a results.json written by the suite"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("checks"), list):
        raise ConformanceError(
            f"{path}: not a results file, no list of `checks`; "
            "give the path of a results.json written by the suite"
        )
    for number, check in enumerate(document["checks"], start=1):
        if not isinstance(check, dict) or not isinstance(check.get("id"), str):
            raise ConformanceError(
                f"{path}: check {number} has no `id` (got {check!r:.80}); "
                "give the path of a results.json written by the suite"
            )
        if "outcome" not in check:
            raise ConformanceError(
                f"{path}: check {check['id']!r} has no `outcome`; "
                "give the path of a results.json written by the suite"
            )
    if not isinstance(document.get("run", {}), dict):
        raise ConformanceError(
            f"{path}: `run` is not an object (got {document['run']!r:.80}); "
            "give the path of a results.json written by the suite"
        )
    return document


def window_start(path: Path) -> datetime | None:
    """Return when the run that wrote the snapshot at `path` started, if recorded.

    Post runs use it as the start of the change window for new error log lines.
    """
    started = load_results(path).get("run", {}).get("started_at")
    if not isinstance(started, str):
        return None
    try:
        return datetime.fromisoformat(started)
    except ValueError:
        return None
