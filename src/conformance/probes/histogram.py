"""Latency histogram with log-linear buckets and a bounded relative error.

Values are integer microseconds. A value below 2**precision_bits has a bucket of
its own, so small values are exact. A larger value shares its bucket with the
values that have the same top `precision_bits` bits, so a bucket is 2**shift wide
and starts at 2**(precision_bits - 1) * 2**shift or above. The bucket midpoint is
then within 2**-precision_bits of every value in the bucket, relative to that
value, which is the bound `relative_error` states. This is the layout HdrHistogram
uses, written out for this one purpose: memory grows with the number of distinct
buckets touched, not with the number of samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

DEFAULT_PRECISION_BITS = 8
REPORTED_PERCENTILES = (50.0, 90.0, 95.0, 99.0)


class LatencyHistogram:
    """Counts of latencies in microseconds, with exact count, min, max and sum."""

    def __init__(self, precision_bits: int = DEFAULT_PRECISION_BITS) -> None:
        if not 2 <= precision_bits <= 20:
            raise ValueError(
                f"precision_bits {precision_bits!r} is out of range: use 2 to 20"
            )
        self.precision_bits = precision_bits
        self._counts: dict[int, int] = {}
        self.count = 0
        self.total_us = 0
        self._min: int | None = None
        self._max: int | None = None

    @property
    def relative_error(self) -> float:
        """Upper bound of |reported - exact| / exact for any percentile."""
        return 2.0**-self.precision_bits

    @property
    def min(self) -> int | None:
        return self._min

    @property
    def max(self) -> int | None:
        return self._max

    def record(self, value_us: int, count: int = 1) -> None:
        """Add `count` samples of `value_us` microseconds."""
        if not isinstance(value_us, int) or value_us < 0:
            raise ValueError(
                f"latency {value_us!r} is invalid: record a non-negative integer "
                "number of microseconds"
            )
        if count < 1:
            raise ValueError(f"count {count!r} is invalid: record at least 1 sample")
        index = self._bucket_index(value_us)
        self._counts[index] = self._counts.get(index, 0) + count
        self.count += count
        self.total_us += value_us * count
        self._min = value_us if self._min is None else min(self._min, value_us)
        self._max = value_us if self._max is None else max(self._max, value_us)

    def merge(self, other: LatencyHistogram) -> None:
        """Add every sample of `other` to this histogram."""
        if other.precision_bits != self.precision_bits:
            raise ValueError(
                f"cannot merge a histogram of precision_bits {other.precision_bits} "
                f"into one of precision_bits {self.precision_bits}: build both with "
                "the same precision"
            )
        for index, count in other._counts.items():
            self._counts[index] = self._counts.get(index, 0) + count
        self.count += other.count
        self.total_us += other.total_us
        for bound in (other._min, other._max):
            if bound is not None:
                self._min = bound if self._min is None else min(self._min, bound)
                self._max = bound if self._max is None else max(self._max, bound)

    def mean(self) -> float | None:
        return self.total_us / self.count if self.count else None

    def percentile(self, p: float) -> int | None:
        """Return the nearest-rank `p`th percentile in microseconds, or None if empty.

        The exact value is the sample at rank ceil(p / 100 * count), and rank 1
        for p = 0. This returns the midpoint of that sample's bucket, kept within
        [min, max], except for the first and last ranks, which are exact.
        """
        if not 0.0 <= p <= 100.0:
            raise ValueError(f"percentile {p!r} is out of range: use 0 to 100")
        if self.count == 0 or self._min is None or self._max is None:
            return None
        rank = nearest_rank(p, self.count)
        # The first and last ranks are the exact min and max, which are tracked.
        if rank == 1:
            return self._min
        if rank == self.count:
            return self._max
        seen = 0
        for index in sorted(self._counts):
            seen += self._counts[index]
            if seen >= rank:
                return min(max(self._bucket_midpoint(index), self._min), self._max)
        return self._max

    def buckets(self) -> list[tuple[int, int, int]]:
        """Return (lowest_us, highest_us, count) of each non-empty bucket, in order."""
        return [
            (*self._bucket_range(index), self._counts[index])
            for index in sorted(self._counts)
        ]

    def octaves(self) -> list[tuple[int, int, int]]:
        """Return (lowest_us, highest_us, count) per power-of-two range, in order.

        Every bucket lies inside one power-of-two range, so the counts are exact.
        """
        merged: dict[int, int] = {}
        for low, _, count in self.buckets():
            octave = low.bit_length()
            merged[octave] = merged.get(octave, 0) + count
        return [
            ((1 << octave) >> 1, (1 << octave) - 1, count)
            for octave, count in sorted(merged.items())
        ]

    def summary_ms(self) -> dict[str, float | None]:
        """Return min, p50, p90, p95, p99, max and mean in milliseconds."""
        summary: dict[str, float | None] = {"min": _to_ms(self._min)}
        for p in REPORTED_PERCENTILES:
            summary[f"p{p:g}"] = _to_ms(self.percentile(p))
        summary["max"] = _to_ms(self._max)
        mean = self.mean()
        summary["mean"] = None if mean is None else round(mean / 1000.0, 3)
        return summary

    def _bucket_index(self, value: int) -> int:
        shift = max(0, value.bit_length() - self.precision_bits)
        if shift == 0:
            return value
        half = 1 << (self.precision_bits - 1)
        return (1 << self.precision_bits) + (shift - 1) * half + (value >> shift) - half

    def _bucket_range(self, index: int) -> tuple[int, int]:
        size = 1 << self.precision_bits
        if index < size:
            return index, index
        half = size >> 1
        shift = (index - size) // half + 1
        top_bits = (index - size) % half + half
        low = top_bits << shift
        return low, low + (1 << shift) - 1

    def _bucket_midpoint(self, index: int) -> int:
        low, high = self._bucket_range(index)
        return (low + high + 1) // 2


def nearest_rank(p: float, count: int) -> int:
    """Return the 1-based nearest rank of the `p`th percentile of `count` values."""
    # Rounding first keeps float noise from moving a rank up: 99.9 / 100 * 1000 is
    # 999.0000000000001 in binary floating point, and its ceiling would be 1000.
    return max(1, math.ceil(round(p / 100.0 * count, 9)))


def exact_percentile(values: Sequence[int | float], p: float) -> int | float:
    """Return the nearest-rank `p`th percentile of `values` by sorting them."""
    if not values:
        raise ValueError("cannot take a percentile of no values: record one first")
    ordered = sorted(values)
    if p == 0.0:
        return ordered[0]
    return ordered[nearest_rank(p, len(ordered)) - 1]


def histogram_of(
    values_us: Iterable[int], precision_bits: int = DEFAULT_PRECISION_BITS
) -> LatencyHistogram:
    """Build a histogram from microsecond values."""
    histogram = LatencyHistogram(precision_bits)
    for value in values_us:
        histogram.record(value)
    return histogram


def _to_ms(value_us: int | None) -> float | None:
    return None if value_us is None else round(value_us / 1000.0, 3)
