"""Compare two runs check by check: what broke, what was fixed, what changed.

Checks are matched by check id. A check is:

- broke: it did not fail before and fails (or errors) now;
- fixed: it failed, errored or was waived before and passes now;
- changed: its outcome or any observed or snapshot value differs otherwise;
- unchanged: same outcome and same values;
- added / removed: present in only one of the two runs.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.reporting.results import FAILING_OUTCOMES

CATEGORIES = ("broke", "fixed", "changed", "unchanged", "added", "removed")
NOT_FIXED = (*FAILING_OUTCOMES, "waived")

# Long values (a config diff, a list of log lines) are cut in the text output only.
TEXT_VALUE_WIDTH = 70


def compare_results(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return the comparison of two results documents, as results.json stores it."""
    old = _by_id(before)
    new = _by_id(after)
    entries = []
    for check_id in [*new, *(key for key in old if key not in new)]:
        entries.append(_entry(check_id, old.get(check_id), new.get(check_id)))
    counts = dict.fromkeys(CATEGORIES, 0)
    for entry in entries:
        counts[entry["category"]] += 1
    return {
        "before": _run_summary(before),
        "after": _run_summary(after),
        "counts": counts,
        "checks": entries,
    }


# Measured checks (latency, live processes, logs) observe figures that move from run
# to run; only the stable values they put in their snapshot are compared.
MEASURED_KINDS = ("probe", "capacity", "log")


def observed_values(check: dict[str, Any]) -> dict[str, Any]:
    """Return the values of a check that a comparison looks at, by flat name."""
    values = {}
    if check.get("kind") not in MEASURED_KINDS:
        values["observed"] = check.get("observed")
    snapshot = check.get("snapshot")
    if isinstance(snapshot, dict):
        for name, value in snapshot.items():
            values[f"snapshot.{name}"] = value
    return values


def _by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(check["id"]): check for check in document.get("checks", [])}


def _entry(
    check_id: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> dict[str, Any]:
    changes = _value_changes(old or {}, new or {}) if old and new else []
    return {
        "id": check_id,
        "category": _category(old, new, changes),
        "before": _side(old),
        "after": _side(new),
        "changes": changes,
    }


def _category(
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    changes: list[dict[str, Any]],
) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if old["outcome"] not in FAILING_OUTCOMES and new["outcome"] in FAILING_OUTCOMES:
        return "broke"
    if old["outcome"] in NOT_FIXED and new["outcome"] == "passed":
        return "fixed"
    if old["outcome"] != new["outcome"] or changes:
        return "changed"
    return "unchanged"


def _value_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    before = observed_values(old)
    after = observed_values(new)
    changes = []
    for name in [*before, *(key for key in after if key not in before)]:
        if before.get(name) != after.get(name):
            changes.append(
                {"name": name, "before": before.get(name), "after": after.get(name)}
            )
    return changes


def _side(check: dict[str, Any] | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "outcome": check.get("outcome"),
        "expected": check.get("expected"),
        "observed": check.get("observed"),
        "where": check.get("where"),
    }


def _run_summary(document: dict[str, Any]) -> dict[str, Any]:
    run = document.get("run", {})
    return {
        name: run.get(name)
        for name in ("environment", "ticket", "phase", "started_at", "finished_at")
    } | {"source": document.get("source")}


def format_value(value: Any, width: int = TEXT_VALUE_WIDTH) -> str:
    """Return a value as compact one-line text, cut to `width` characters."""
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, sort_keys=True, default=str)
    text = " ".join(text.split())
    if len(text) > width:
        text = text[: width - 3] + "..."
    return text


def format_comparison_text(comparison: dict[str, Any]) -> str:
    """Return the comparison as plain text, one block per category."""
    lines = [
        f"before: {_run_line(comparison['before'])}",
        f"after:  {_run_line(comparison['after'])}",
        "",
    ]
    counts = comparison["counts"]
    lines.append(", ".join(f"{counts[name]} {name}" for name in CATEGORIES))
    for category in CATEGORIES:
        entries = [e for e in comparison["checks"] if e["category"] == category]
        if not entries or category == "unchanged":
            continue
        lines.append("")
        lines.append(f"{category}:")
        lines.extend(_entry_lines(entry) for entry in entries)
    return "\n".join(lines) + "\n"


def _run_line(summary: dict[str, Any]) -> str:
    parts = [
        f"environment {summary.get('environment') or '?'}",
        f"ticket {summary.get('ticket') or '-'}",
        f"phase {summary.get('phase') or '-'}",
        f"started {summary.get('started_at') or '?'}",
    ]
    text = ", ".join(parts)
    if summary.get("source"):
        text += f" ({summary['source']})"
    return text


def _entry_lines(entry: dict[str, Any]) -> str:
    before = entry["before"]["outcome"] if entry["before"] else "absent"
    after = entry["after"]["outcome"] if entry["after"] else "absent"
    lines = [f"  {entry['id']}: {before} -> {after}"]
    for change in entry["changes"]:
        lines.append(
            f"      {change['name']}: {format_value(change['before'])} -> "
            f"{format_value(change['after'])}"
        )
    return "\n".join(lines)
