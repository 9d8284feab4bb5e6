import xml.etree.ElementTree as ET

from conformance.probes.burst import BurstCaps, BurstPlan, run_burst
from conformance.probes.chart import latency_chart_svg
from conformance.probes.client import ClientSettings

from .servers import http_server, send_json

SVG = "{http://www.w3.org/2000/svg}"

FIGURES = {
    "latency_ms": {
        "min": 1.2,
        "p50": 4.0,
        "p90": 9.5,
        "p95": 14.0,
        "p99": 80.0,
        "max": 1500.0,
        "mean": 6.1,
    },
    "latency_histogram": [
        {"from_ms": 1.024, "to_ms": 2.048, "count": 40},
        {"from_ms": 2.048, "to_ms": 4.096, "count": 160},
        {"from_ms": 4.096, "to_ms": 8.192, "count": 150},
        {"from_ms": 8.192, "to_ms": 16.384, "count": 45},
        {"from_ms": 1048.576, "to_ms": 2097.152, "count": 5},
    ],
}


def parse_svg(svg: str) -> ET.Element:
    # The SVG is this project's own output, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def texts(svg: str) -> list[str]:
    root = parse_svg(svg)
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_chart_is_valid_svg_with_ladder_and_distribution():
    svg = latency_chart_svg(FIGURES)

    root = parse_svg(svg)
    labels = texts(svg)
    assert root.tag == f"{SVG}svg"
    assert [label for label in labels if label in {"min", "p50", "p99", "max"}] == [
        "min",
        "p50",
        "p99",
        "max",
    ]
    assert "1500 ms" in labels
    assert "14.0 ms" in labels
    assert "160" in labels
    # Six percentile bars, then five ranges with the six empty ranges between
    # 16 ms and 1 s drawn as zero bars.
    assert len(root.findall(f"{SVG}rect")) == 6 + 5 + 6
    assert labels.count("0") == 6


def test_chart_has_no_script_or_external_reference():
    svg = latency_chart_svg(FIGURES)

    assert "<script" not in svg
    assert "href" not in svg
    assert "http://www.w3.org/2000/svg" in svg
    assert svg.count("http") == 1


def test_chart_bars_grow_with_latency():
    root = parse_svg(latency_chart_svg(FIGURES))

    widths = [float(rect.get("width")) for rect in root.findall(f"{SVG}rect")[:6]]

    assert widths == sorted(widths)
    assert widths[0] < widths[-1]


def test_chart_draws_p95_budget():
    svg = latency_chart_svg(FIGURES | {"p95_budget_ms": 250})

    assert "p95 budget 250 ms" in texts(svg)


def test_chart_without_latencies():
    svg = latency_chart_svg({"latency_ms": {"min": None, "p95": None}})

    assert "no latencies to chart" in texts(svg)[0]


def test_chart_tick_labels_escape_less_than():
    figures = FIGURES | {"latency_histogram": [{"from_ms": 1, "to_ms": 2, "count": 3}]}

    svg = latency_chart_svg(figures)

    assert "&lt;2.0 ms" in svg
    assert "<2.0 ms" in texts(svg)


def test_chart_of_real_burst_figures():
    def ping(handler):
        send_json(handler, 200, b"{}")

    with http_server({"/ping": ping}) as url:
        result = run_burst(
            ClientSettings(url, connect_timeout_s=1, read_timeout_s=1),
            BurstPlan("/ping", concurrency=4, requests=40, max_duration_s=5),
            BurstCaps(concurrency=10, requests=100, max_duration_s=10),
        )

    svg = latency_chart_svg(result.to_dict())

    counts = [int(t) for t in texts(svg) if t.isdigit()]
    assert sum(counts) == 40
