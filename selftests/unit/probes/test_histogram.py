import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.probes.histogram import (
    REPORTED_PERCENTILES,
    LatencyHistogram,
    exact_percentile,
    histogram_of,
)

ALL_PERCENTILES = (0.0, 1.0, 25.0, *REPORTED_PERCENTILES, 99.9, 100.0)


def assert_within_bound(histogram: LatencyHistogram, values: list[int]) -> None:
    __tracebackhide__ = True
    for p in ALL_PERCENTILES:
        exact = exact_percentile(values, p)
        reported = histogram.percentile(p)
        assert reported is not None
        error = abs(reported - exact)
        assert error <= exact * histogram.relative_error, (
            f"p{p}: reported {reported} us, exact {exact} us, "
            f"bound {histogram.relative_error:.4%}"
        )


def test_histogram_one_sample_is_exact():
    histogram = histogram_of([123_456])

    for p in ALL_PERCENTILES:
        assert histogram.percentile(p) == 123_456
    assert histogram.count == 1
    assert histogram.min == 123_456
    assert histogram.max == 123_456


def test_histogram_all_equal_samples():
    histogram = histogram_of([98_765] * 1000)

    for p in ALL_PERCENTILES:
        assert histogram.percentile(p) == 98_765
    assert histogram.mean() == 98_765


def test_histogram_small_values_are_exact():
    values = list(range(256))
    histogram = histogram_of(values)

    for p in ALL_PERCENTILES:
        assert histogram.percentile(p) == exact_percentile(values, p)


def test_histogram_huge_outlier_keeps_max_exact():
    values = [2_000] * 999 + [3_600_000_000]
    histogram = histogram_of(values)

    assert histogram.max == 3_600_000_000
    assert histogram.percentile(100) == 3_600_000_000
    bound = histogram.relative_error
    assert histogram.percentile(99) == pytest.approx(2_000, rel=bound)
    assert histogram.percentile(99.9) == pytest.approx(2_000, rel=bound)
    assert_within_bound(histogram, values)


def test_histogram_lognormal_latencies_within_bound():
    rng = random.Random(20261204)
    values = [int(rng.lognormvariate(9.0, 1.2)) for _ in range(20_000)]
    histogram = histogram_of(values)

    assert_within_bound(histogram, values)
    assert histogram.count == len(values)
    assert histogram.min == min(values)
    assert histogram.max == max(values)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    values=st.lists(st.integers(0, 10**10), min_size=1, max_size=400),
    precision_bits=st.integers(2, 12),
)
def test_histogram_any_samples_within_bound(values, precision_bits):
    histogram = histogram_of(values, precision_bits)

    assert_within_bound(histogram, values)


@settings(max_examples=100, deadline=None)
@given(
    first=st.lists(st.integers(0, 10**8), min_size=1, max_size=200),
    second=st.lists(st.integers(0, 10**8), min_size=1, max_size=200),
)
def test_histogram_merge_equals_histogram_of_union(first, second):
    merged = histogram_of(first)
    merged.merge(histogram_of(second))
    union = histogram_of(first + second)

    assert merged.buckets() == union.buckets()
    assert merged.count == union.count
    assert merged.min == union.min
    assert merged.max == union.max
    assert merged.total_us == union.total_us


def test_histogram_merge_into_empty():
    empty = LatencyHistogram()
    empty.merge(histogram_of([5, 7_000]))

    assert empty.min == 5
    assert empty.max == 7_000
    assert empty.count == 2


def test_histogram_merge_rejects_other_precision():
    with pytest.raises(ValueError, match="precision_bits 10 into one of"):
        LatencyHistogram(8).merge(LatencyHistogram(10))


def test_histogram_buckets_cover_recorded_values():
    histogram = histogram_of([1, 300, 300, 70_000])

    buckets = histogram.buckets()

    assert [count for _, _, count in buckets] == [1, 2, 1]
    for value in (1, 300, 70_000):
        assert any(low <= value <= high for low, high, _ in buckets)


def test_histogram_empty_has_no_percentiles():
    histogram = LatencyHistogram()

    assert histogram.percentile(50) is None
    assert histogram.summary_ms()["p95"] is None
    assert histogram.mean() is None


def test_histogram_summary_in_milliseconds():
    histogram = histogram_of([1_000, 2_000, 3_000, 4_000])

    summary = histogram.summary_ms()

    assert summary["min"] == 1.0
    assert summary["p50"] == pytest.approx(2.0, rel=histogram.relative_error)
    assert summary["max"] == 4.0
    assert summary["mean"] == 2.5
    assert list(summary) == ["min", "p50", "p90", "p95", "p99", "max", "mean"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(-1, "latency -1 is invalid", id="negative"),
        pytest.param(1.5, "latency 1.5 is invalid", id="float"),
    ],
)
def test_histogram_record_rejects_invalid(value, message):
    with pytest.raises(ValueError, match=message):
        LatencyHistogram().record(value)


def test_histogram_percentile_rejects_out_of_range():
    with pytest.raises(ValueError, match="percentile 101 is out of range"):
        histogram_of([1]).percentile(101)


def test_histogram_octaves_group_by_power_of_two():
    histogram = histogram_of([0, 1, 3, 700, 1000, 1023, 1024, 5_000_000])

    assert histogram.octaves() == [
        (0, 0, 1),
        (1, 1, 1),
        (2, 3, 1),
        (512, 1023, 3),
        (1024, 2047, 1),
        (4_194_304, 8_388_607, 1),
    ]
