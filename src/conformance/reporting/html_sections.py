"""HTML sections above the results table: waivers, pre/post comparison, snapshots.

A snapshot's kind is its `kind` key, or else read from its keys: `latest_backup`
makes it "rollback" (the latest backup and its diff against the live file), and
`by_code` or `by_unit` make it "recent_errors" (new log lines grouped by Apache AH
code and by unit). Those two kinds get their own section, any other named kind a
table of its values. Snapshots of no kind are plain values for comparisons.
"""

from __future__ import annotations

from html import escape
from typing import Any

from conformance.reporting.comparison import CATEGORIES, format_value
from conformance.reporting.html_cells import figures_table

STYLE = """
<style>
.conformance h3 { margin: 18px 0 6px; }
.conformance table { border-collapse: collapse; margin-bottom: 10px; }
.conformance th, .conformance td, .figures th, .figures td {
  border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top;
}
.conformance pre { background: #f6f6f6; padding: 6px; max-height: 420px;
  overflow: auto; font-size: 12px; }
.waived-badge { background: #e8a33d; color: #fff; font-weight: bold;
  padding: 1px 5px; border-radius: 3px; font-size: 11px; }
.waiver-note { background: #fdf1dc; border-left: 4px solid #e8a33d; padding: 6px; }
.expired { color: #b00020; font-weight: bold; }
.cat-broke { background: #fbe3e4; } .cat-fixed { background: #e3f6e6; }
.cat-changed { background: #fff6d6; }
.diff-add { color: #1a7f37; } .diff-del { color: #b00020; }
.diff-hunk { color: #6e40c9; }
.burst { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.burst h4 { flex-basis: 100%; margin: 0; }
.burst-chart svg { max-width: 100%; height: auto; }
</style>
"""


def waivers_section(
    applied: list[dict[str, Any]],
    expired: list[dict[str, Any]],
) -> str:
    """Return the section listing waived failures and expired waivers, or ''."""
    if not applied and not expired:
        return ""
    rows = [_waiver_row(w, "expired") for w in expired]
    rows += [_waiver_row(w, "waived") for w in applied]
    return (
        '<div class="conformance"><h3>Waivers</h3><table>'
        "<tr><th>State</th><th>Check id</th><th>Owner</th><th>Expires</th>"
        "<th>Justification</th><th>Where</th></tr>"
        f"{''.join(rows)}</table></div>"
    )


def _waiver_row(waiver: dict[str, Any], state: str) -> str:
    shown = '<span class="expired">EXPIRED</span>' if state == "expired" else "waived"
    cells = [waiver[k] for k in ("check_id", "owner", "expires", "justification")]
    return (
        f"<tr><td>{shown}</td>"
        + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells)
        + f"<td>{escape(waiver['where'])}</td></tr>"
    )


def comparison_section(comparison: dict[str, Any] | None, note: str = "") -> str:
    """Return the before/after table of a post run, or a note why there is none."""
    if comparison is None:
        if not note:
            return ""
        body = f"<p>{escape(note)}</p>"
    else:
        body = _comparison_body(comparison)
    return f'<div class="conformance"><h3>Before and after</h3>{body}</div>'


def _comparison_body(comparison: dict[str, Any]) -> str:
    before, after = comparison["before"], comparison["after"]
    counts = comparison["counts"]
    summary = ", ".join(f"{counts[name]} {name}" for name in CATEGORIES)
    rows = [_comparison_row(entry) for entry in _ordered(comparison["checks"])]
    return (
        f"<p>Before: {_run_text(before)}<br>After: {_run_text(after)}</p>"
        f"<p>{escape(summary)}</p><table>"
        "<tr><th>Check id</th><th>Change</th><th>Before</th><th>Observed before</th>"
        "<th>After</th><th>Observed after</th><th>Other values that changed</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {name: index for index, name in enumerate(CATEGORIES)}
    return sorted(entries, key=lambda entry: rank[entry["category"]])


def _comparison_row(entry: dict[str, Any]) -> str:
    before = entry["before"] or {}
    after = entry["after"] or {}
    # The observed values have their own columns; the last one lists the rest.
    changes = "<br>".join(
        escape(
            f"{c['name']}: {format_value(c['before'])} -> {format_value(c['after'])}"
        )
        for c in entry["changes"]
        if c["name"] != "observed"
    )
    cells = [
        entry["id"],
        entry["category"],
        before.get("outcome", "absent"),
        format_value(before.get("observed")) if before else "",
        after.get("outcome", "absent"),
        format_value(after.get("observed")) if after else "",
    ]
    return (
        f'<tr class="cat-{entry["category"]}">'
        + "".join(f"<td>{escape(str(cell))}</td>" for cell in cells)
        + f"<td>{changes}</td></tr>"
    )


def _run_text(summary: dict[str, Any]) -> str:
    text = (
        f"{summary.get('phase') or 'run'} of {summary.get('environment') or '?'}, "
        f"ticket {summary.get('ticket') or '-'}, started {summary.get('started_at')}"
    )
    if summary.get("source"):
        text += f" ({summary['source']})"
    return escape(text)


def snapshot_sections(checks: list[dict[str, Any]]) -> str:
    """Return one section per snapshot kind recorded by the checks of a run."""
    by_kind: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for check in checks:
        snapshot = check.get("snapshot")
        kind = snapshot_kind(snapshot) if isinstance(snapshot, dict) else None
        if kind:
            by_kind.setdefault(kind, []).append((check, snapshot))
    parts = []
    for kind, items in by_kind.items():
        render = _KIND_RENDERERS.get(kind, _generic_item)
        title = _KIND_TITLES.get(kind, kind.replace("_", " ").capitalize())
        body = "".join(render(check, snapshot) for check, snapshot in items)
        parts.append(f'<div class="conformance"><h3>{escape(title)}</h3>{body}</div>')
    return "".join(parts)


def snapshot_kind(snapshot: dict[str, Any]) -> str | None:
    """Return the section a snapshot belongs to, or None for plain values."""
    if snapshot.get("kind"):
        return str(snapshot["kind"])
    if "latest_backup" in snapshot:
        return "rollback"
    if "by_code" in snapshot or "by_unit" in snapshot:
        return "recent_errors"
    return None


def _rollback_item(check: dict[str, Any], snapshot: dict[str, Any]) -> str:
    backup = snapshot.get("backup") or snapshot.get("latest_backup")
    state = escape(str(backup)) if backup else '<span class="expired">no backup</span>'
    diff = snapshot.get("diff")
    if diff:
        shown = f"<pre>{diff_html(str(diff))}</pre>"
    elif backup:
        shown = "<p>The live file is identical to its latest backup.</p>"
    else:
        shown = ""
    count = snapshot.get("backups")
    counted = f", {escape(str(count))} backups in all" if count is not None else ""
    return (
        f"<h4>{escape(str(snapshot.get('file') or check['id']))}</h4>"
        f"<p>Latest backup: {state}{counted} "
        f"(check {escape(check['id'])}: {escape(check['outcome'])})</p>{shown}"
    )


def diff_html(diff: str) -> str:
    """Return a unified diff with added, removed and hunk lines coloured."""
    lines = []
    for line in diff.splitlines():
        css = ""
        if line.startswith("@@"):
            css = "diff-hunk"
        elif line.startswith("+") and not line.startswith("+++"):
            css = "diff-add"
        elif line.startswith("-") and not line.startswith("---"):
            css = "diff-del"
        text = escape(line)
        lines.append(f'<span class="{css}">{text}</span>' if css else text)
    return "\n".join(lines)


def _recent_errors_item(check: dict[str, Any], snapshot: dict[str, Any]) -> str:
    parts = [
        f"<p>Since {escape(str(snapshot.get('since') or '?'))} "
        f"(check {escape(check['id'])}: {escape(check['outcome'])})</p>"
    ]
    for key, title in (("by_code", "Apache code"), ("by_unit", "Unit")):
        groups = snapshot.get(key)
        if isinstance(groups, dict):
            parts.append(_groups_table(title, groups))
    return "".join(parts)


def _groups_table(title: str, groups: dict[str, Any]) -> str:
    if not groups:
        return f"<p>{escape(title)}: no new lines.</p>"
    rows = []
    for name, lines in groups.items():
        if isinstance(lines, list):
            count = len(lines)
            shown = "<pre>" + escape("\n".join(map(str, lines))) + "</pre>"
        elif isinstance(lines, dict):
            # A group as errors:recent records it: a count and its latest lines.
            count = lines.get("count", "?")
            latest = lines.get("latest") or []
            shown = "<pre>" + escape("\n".join(map(str, latest))) + "</pre>"
        else:
            count, shown = lines, ""
        rows.append(
            f"<tr><td>{escape(str(name))}</td><td>{escape(str(count))}</td>"
            f"<td>{shown}</td></tr>"
        )
    return (
        f"<table><tr><th>{escape(title)}</th><th>Lines</th><th>Latest lines</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _generic_item(check: dict[str, Any], snapshot: dict[str, Any]) -> str:
    values = {key: value for key, value in snapshot.items() if key != "kind"}
    return f"<h4>{escape(check['id'])}</h4>{figures_table(values)}"


_KIND_RENDERERS = {
    "rollback": _rollback_item,
    "recent_errors": _recent_errors_item,
}
_KIND_TITLES = {
    "rollback": "Rollback readiness: latest backups and what changed since",
    "recent_errors": "Recent errors since the change window started",
}
