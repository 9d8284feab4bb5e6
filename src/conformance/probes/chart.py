"""Self-contained SVG chart of a burst's latencies for the HTML report.

The chart has two panels: the percentile ladder (min, p50, p90, p95, p99, max)
as horizontal bars on a logarithmic axis, and the latency distribution by
power-of-two range. It uses no script, no external font and no stylesheet, so it
renders the same when the report is opened from a ticket attachment.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

WIDTH = 640
LABEL_WIDTH = 70
VALUE_WIDTH = 90
ROW_HEIGHT = 22
BAR_COLOUR = "#4a78b5"
BUDGET_COLOUR = "#c0392b"
DISTRIBUTION_HEIGHT = 120
MAX_BINS = 40
LADDER = ("min", "p50", "p90", "p95", "p99", "max")
FONT = 'font-family="sans-serif" font-size="12"'
SMALL_FONT = 'font-family="sans-serif" font-size="10"'


def latency_chart_svg(figures: dict[str, Any]) -> str:
    """Render burst figures (BurstResult.to_dict()) as an SVG string.

    A `p95_budget_ms` entry in `figures`, when present, is drawn as a red line.
    """
    latency = figures.get("latency_ms") or {}
    ladder = [(name, latency.get(name)) for name in LADDER]
    values = [value for _, value in ladder if isinstance(value, int | float)]
    if not values:
        return _empty_chart()
    budget = figures.get("p95_budget_ms")
    if not isinstance(budget, int | float) or budget <= 0:
        budget = None
    bounds = [*values, budget] if budget is not None else values
    scale = _LogScale(min(bounds), max(bounds))
    ladder_height = ROW_HEIGHT * len(ladder) + 30
    distribution = figures.get("latency_histogram") or []
    total_height = ladder_height + (DISTRIBUTION_HEIGHT + 64 if distribution else 0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{total_height}" viewBox="0 0 {WIDTH} {total_height}" role="img" '
        f'aria-label="Burst latency percentiles">',
        f'<text x="0" y="14" {FONT} font-weight="bold">Latency percentiles (ms, '
        "logarithmic axis)</text>",
    ]
    parts += _ladder(ladder, scale, top=24)
    if budget is not None:
        parts += _budget_line(budget, scale, top=24, bottom=ladder_height - 6)
    if distribution:
        parts += _distribution(distribution, top=ladder_height + 10)
    parts.append("</svg>")
    return "".join(parts)


class _LogScale:
    """Maps milliseconds onto the bar area on a log10 axis."""

    def __init__(self, low: float, high: float) -> None:
        self.low = max(low, 0.001) / 1.5
        self.high = max(high, self.low * 10) * 1.1
        self.left = LABEL_WIDTH
        self.width = WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def x(self, value_ms: float) -> float:
        value = min(max(value_ms, self.low), self.high)
        span = math.log10(self.high) - math.log10(self.low)
        return (
            self.left + self.width * (math.log10(value) - math.log10(self.low)) / span
        )


def _ladder(ladder: list[tuple[str, Any]], scale: _LogScale, *, top: int) -> list[str]:
    parts = []
    for row, (name, value) in enumerate(ladder):
        y = top + row * ROW_HEIGHT
        parts.append(f'<text x="0" y="{y + 15}" {FONT}>{escape(name)}</text>')
        if not isinstance(value, int | float):
            parts.append(f'<text x="{LABEL_WIDTH}" y="{y + 15}" {FONT}>no data</text>')
            continue
        end = scale.x(value)
        parts.append(_rect(LABEL_WIDTH, y + 3, end - LABEL_WIDTH, ROW_HEIGHT - 6))
        parts.append(
            f'<text x="{end + 6:.1f}" y="{y + 15}" {FONT}>{_format_ms(value)}</text>'
        )
    return parts


def _budget_line(
    budget: float, scale: _LogScale, *, top: int, bottom: int
) -> list[str]:
    x = scale.x(budget)
    return [
        f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" '
        f'stroke="{BUDGET_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>',
        f'<text x="{x + 4:.1f}" y="{bottom + 12}" {FONT} fill="{BUDGET_COLOUR}">'
        f"p95 budget {_format_ms(budget)}</text>",
    ]


def _distribution(ranges: list[dict[str, Any]], *, top: int) -> list[str]:
    bins = _fill_gaps(ranges)
    counts = [int(entry.get("count", 0)) for entry in bins]
    tallest = max(counts) if counts and max(counts) > 0 else 1
    slot = (WIDTH - LABEL_WIDTH) / len(bins)
    base = top + 36 + DISTRIBUTION_HEIGHT
    parts = [
        f'<text x="0" y="{top + 14}" {FONT} font-weight="bold">Requests by latency '
        "range (ms)</text>",
        f'<line x1="{LABEL_WIDTH}" y1="{base}" x2="{WIDTH}" y2="{base}" '
        'stroke="#888"/>',
    ]
    for index, (entry, count) in enumerate(zip(bins, counts, strict=True)):
        height = DISTRIBUTION_HEIGHT * count / tallest
        x = LABEL_WIDTH + index * slot
        low = _format_ms(entry.get("from_ms", 0))
        high = _format_ms(entry.get("to_ms", 0))
        title = f"{low} to {high}: {count} requests"
        parts.append(_rect(x + 2, base - height, slot - 4, height, title))
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{base - height - 3:.1f}" {FONT} '
            f'text-anchor="middle">{count}</text>'
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{base + 14}" {SMALL_FONT} '
            f'text-anchor="middle">&lt;{_format_ms(entry.get("to_ms", 0))}</text>'
        )
    return parts


def _fill_gaps(ranges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Empty power-of-two ranges between two non-empty ones are drawn as zero
    # bars, so a slow outlier is drawn apart from the bulk as on a linear axis.
    filled: list[dict[str, Any]] = []
    for entry in ranges:
        while (
            filled
            and len(filled) < MAX_BINS
            and 0 < filled[-1]["to_ms"] < entry.get("from_ms", 0)
        ):
            low = filled[-1]["to_ms"]
            filled.append({"from_ms": low, "to_ms": low * 2, "count": 0})
        filled.append(entry)
    return filled


def _rect(x: float, y: float, width: float, height: float, title: str = "") -> str:
    tooltip = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" '
        f'height="{height:.1f}" fill="{BAR_COLOUR}">{tooltip}</rect>'
    )


def _empty_chart() -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="30" '
        f'viewBox="0 0 {WIDTH} 30" role="img" aria-label="No latencies recorded">'
        f'<text x="0" y="18" {FONT}>No request got an answer, so there are no '
        "latencies to chart.</text></svg>"
    )


def _format_ms(value: float) -> str:
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 1:
        return f"{value:.1f} ms"
    return f"{value:.3f} ms"
