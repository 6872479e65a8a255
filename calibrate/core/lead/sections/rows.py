"""What every section's CSV rows share: the Rows shape, and intervals as lo/hi cells."""

from __future__ import annotations

from calibrate.core.metrics.agreement import Estimate

Rows = tuple[tuple[str, ...], list[tuple[object, ...]]]
Interval = tuple[float, float] | None


def ci_lo(ci: Interval) -> float | None:
    return None if ci is None else float(ci[0])


def ci_hi(ci: Interval) -> float | None:
    return None if ci is None else float(ci[1])


def estimate_cells(e: Estimate) -> tuple[float | None, float | None, float | None]:
    """An estimate as its value, lo and hi cells."""
    return e.value, ci_lo(e.ci95), ci_hi(e.ci95)
