"""One agreement coefficient with its interval (`Estimate`), the texts of its methods and
notes, Gwet's analytic interval, and the minimum of cases a chance-corrected coefficient
needs. Shared by `agreement` (the unweighted coefficients) and `weighted` (AC2, α's interval).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.errors import counted
from calibrate.core.metrics.accuracy import t_quantile

GWET_METHOD = "Gwet (2014) analytic variance, t(n-1) quantile, upper bound capped at 1"
COHEN_METHOD = (
    "asymptotic standard error (Fleiss, Cohen & Everitt 1969; SAS PROC FREQ), "
    "normal quantile, upper bound capped at 1"
)
NO_BOOTSTRAP = "none: pass --bootstrap N for a percentile bootstrap interval over cases"
ONE_CATEGORY = "undefined: every rating is in the same category, so chance agreement is 1"
NO_PAIRS = "undefined: no case was rated by two or more raters"
TOO_FAR_APART = "undefined: the label values are too far apart to compute with"
# Below this many cases rated by two or more raters a chance-corrected coefficient (κ, α,
# AC1, Brennan–Prediger) is noise: its chance term and its interval rest on a handful of
# cases (two cases gave κ 0.66, interval −1.49 to 1.00). The dashboard and the report show
# none; `calibrate agreement` keeps the number and adds `too_few_cases(n)` as its note.
MIN_PAIRED_CASES = 5


def paired_cases(counts: NDArray[Any]) -> int:
    """Cases rated by two or more raters in a case × category count table."""
    return int(np.count_nonzero(np.asarray(counts).sum(axis=1) >= 2))


def too_few_cases(paired: int) -> str:
    """The note of a chance-corrected coefficient read from fewer than MIN_PAIRED_CASES."""
    return (
        f"too few cases: {counted(paired, 'case')} rated by two or more raters; a "
        f"chance-corrected coefficient needs {MIN_PAIRED_CASES} or more to be read"
    )


@dataclass(frozen=True)
class Estimate:
    """One coefficient: its value (None where undefined), 95 % interval and how it was had."""

    value: float | None
    ci95: tuple[float, float] | None = None
    method: str = ""
    note: str | None = None
    se: float | None = None
    n: int = 0

    def as_json(self) -> dict[str, object]:
        """The object `calibrate agreement --json` prints for this metric."""
        out: dict[str, object] = {
            "value": _finite(self.value),
            "ci95": [_finite(self.ci95[0]), _finite(self.ci95[1])] if self.ci95 else None,
            "method": self.method,
        }
        if self.note:
            out["note"] = self.note
        return out


def _finite(x: float | None) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def gwet_interval(
    value: float, terms: NDArray[Any], n: int, method: str, note: str | None = None
) -> Estimate:
    """Gwet's variance Σ(termᵢ − value)² / (n(n − 1)) and a t(n − 1) interval capped at 1."""
    if n < 2:
        return Estimate(value, None, method, note or "no interval: it needs two or more cases", n=n)
    se = math.sqrt(float(((terms - value) ** 2).sum()) / (n * (n - 1)))
    half = t_quantile(0.975, n - 1) * se
    return Estimate(value, (value - half, min(1.0, value + half)), method, note, se, n)
