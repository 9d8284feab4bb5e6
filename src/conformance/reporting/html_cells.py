"""HTML pieces of one result row: extra columns and the details shown under it."""

from __future__ import annotations

from html import escape
from typing import Any

from conformance.reporting.comparison import format_value

# Sortable columns must keep plain text in their cells: pytest-html sorts and
# filters rows by the text between the <td> tags.
HEADER_CELLS = (
    '<th class="sortable" data-column-type="check_id">Check id</th>',
    "<th>Expected</th>",
    "<th>Observed</th>",
    "<th>Where</th>",
    '<th class="sortable" data-column-type="runbook">Runbook</th>',
)

CELL_WIDTH = 120


def row_cells(properties: dict[str, Any], waiver: dict[str, Any] | None) -> list[str]:
    """Return the extra cells of a result row, in the order of HEADER_CELLS."""
    check_id = escape(str(properties.get("check_id", "")))
    badge = ' <span class="waived-badge">WAIVED</span>' if waiver else ""
    return [
        f'<td class="col-check_id">{check_id}{badge}</td>',
        _value_cell("expected", properties.get("expected")),
        _value_cell("observed", properties.get("observed")),
        f'<td class="col-where">{escape(str(properties.get("where") or ""))}</td>',
        _runbook_cell(properties),
    ]


def _value_cell(name: str, value: Any) -> str:
    text = "" if value is None else format_value(value, CELL_WIDTH)
    return f'<td class="col-{name}">{escape(text)}</td>'


def _runbook_cell(properties: dict[str, Any]) -> str:
    runbook = properties.get("runbook") or ""
    remediation = properties.get("remediation")
    text = str(runbook)
    if remediation and remediation != runbook:
        text += f" (fix: {remediation})"
    return f'<td class="col-runbook">{escape(text)}</td>'


def waiver_note_html(waiver: dict[str, Any]) -> str:
    """Return the note shown above the log of a waived failure."""
    return (
        '<div class="waiver-note"><strong>Waived failure.</strong> '
        f"Owner {escape(waiver['owner'])}, in force until "
        f"{escape(waiver['expires'])} ({escape(waiver['where'])}). "
        f"Justification: {escape(waiver['justification'])}</div>"
    )


# Figures that the chart draws, left out of the table to keep it short.
CHARTED_FIGURES = ("latency_histogram",)


def burst_html(figures: dict[str, Any], chart_svg: str) -> str:
    """Return the burst probe's figures as a table, with its latency chart."""
    tabled = {k: v for k, v in figures.items() if k not in CHARTED_FIGURES}
    return (
        '<div class="burst"><h4>Burst probe figures</h4>'
        f"{figures_table(tabled)}"
        f'<div class="burst-chart">{chart_svg}</div></div>'
    )


def figures_table(figures: dict[str, Any]) -> str:
    """Return a two-column table of a dict; nested dicts become nested tables."""
    rows = []
    for name, value in figures.items():
        if isinstance(value, dict) and value:
            shown = figures_table(value)
        elif isinstance(value, dict):
            shown = "none"
        else:
            shown = escape(format_value(value, CELL_WIDTH))
        rows.append(f"<tr><th>{escape(str(name))}</th><td>{shown}</td></tr>")
    return f'<table class="figures">{"".join(rows)}</table>'
