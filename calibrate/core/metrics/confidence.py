"""Confidence calibration: Brier score and the reliability curve of stated confidence.

Confidence is the moderator's stated probability of being right (DESIGN.md "Scoring").
Bins of the reliability curve are right-closed, (lo, hi], with the first bin also holding 0,
the convention of scikit-learn's `calibration_curve`, so a confidence of exactly 0.6 falls
in the bin ending at 0.6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


def _checked(
    confidence: NDArray[Any] | Sequence[float], correct: NDArray[Any] | Sequence[bool]
) -> tuple[NDArray[Any], NDArray[Any]]:
    p = np.asarray(confidence, dtype=float)
    y = np.asarray(correct, dtype=float)
    if p.shape != y.shape:
        raise ValueError("confidence and correct must have the same length")
    if p.size and (np.isnan(p).any() or p.min() < 0 or p.max() > 1):
        raise ValueError("confidence must be a probability between 0 and 1")
    return p, y


def brier_score(
    confidence: NDArray[Any] | Sequence[float], correct: NDArray[Any] | Sequence[bool]
) -> float | None:
    """Mean squared gap between stated confidence and being right; None for no answers."""
    p, y = _checked(confidence, correct)
    return float(np.mean((p - y) ** 2)) if p.size else None


@dataclass(frozen=True)
class ReliabilityCurve:
    """Per bin: answers, mean stated confidence, share right (NaN in empty bins)."""

    edges: NDArray[Any]
    count: NDArray[Any]
    mean_confidence: NDArray[Any]
    accuracy: NDArray[Any]

    @property
    def calibration_error(self) -> float | None:
        """Expected calibration error: |confidence − accuracy| weighted by bin size."""
        total = int(self.count.sum())
        if total == 0:
            return None
        filled = self.count > 0
        gap = np.abs(self.mean_confidence[filled] - self.accuracy[filled])
        return float((gap * self.count[filled]).sum() / total)


def reliability_curve(
    confidence: NDArray[Any] | Sequence[float],
    correct: NDArray[Any] | Sequence[bool],
    bins: int | Sequence[float] = 10,
) -> ReliabilityCurve:
    """Bin answers by stated confidence: equal-width bins on [0, 1], or the given edges."""
    p, y = _checked(confidence, correct)
    edges = (
        np.linspace(0.0, 1.0, bins + 1) if isinstance(bins, int) else np.asarray(bins, dtype=float)
    )
    if edges.size < 2 or np.any(np.diff(edges) <= 0) or edges[0] > 0 or edges[-1] < 1:
        raise ValueError("bin edges must rise strictly from 0 to 1")
    which = np.searchsorted(edges[1:-1], p, side="left")
    nbins = edges.size - 1
    count = np.bincount(which, minlength=nbins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, weights=p, minlength=nbins) / count
        accuracy = np.bincount(which, weights=y, minlength=nbins) / count
    return ReliabilityCurve(edges, count, mean_conf, accuracy)
