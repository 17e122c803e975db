"""Medians, percentiles and ratios: the only statistics the report quotes."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: with few samples p99 is the worst one, not an interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ratio(value: float, reference: float) -> float:
    return value / reference if reference else math.nan


def ms(seconds: float) -> str:
    """Seconds shown as milliseconds with a precision that suits the size."""
    if math.isnan(seconds):
        return "n/a"
    value = seconds * 1000
    return (
        f"{value:.0f} ms"
        if value >= 100
        else f"{value:.1f} ms"
        if value >= 1
        else f"{value:.3f} ms"
    )


def times(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}×"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"
