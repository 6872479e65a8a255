"""Accuracy against golden answers: Wilson intervals, per-rater accuracy, confusion matrix,
over/under-enforcement tallied from the confusion matrix.

Also the two quantiles every interval here needs (normal and Student's t), computed without
SciPy so that core stays numpy-only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core import scoring
from calibrate.core.metrics.ratings import RatingsTable, RatingsTally

Table = RatingsTable | RatingsTally

Z95 = NormalDist().inv_cdf(0.975)  # 1.959964…


def normal_quantile(p: float) -> float:
    """The standard normal quantile."""
    return NormalDist().inv_cdf(p)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularised incomplete beta (modified Lentz)."""
    tiny, eps = 1e-300, 1e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def _t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for t ≥ 0, as ½·I_x(df/2, ½) with x = df/(df + t²)."""
    a, b = df / 2.0, 0.5
    x, one_minus_x = df / (df + t * t), t * t / (df + t * t)
    if one_minus_x == 0.0:
        return 0.5
    # Logs from log1p: x is close to 1 for large df, where log(x) would lose digits.
    log_x, log_1mx = -math.log1p(t * t / df), math.log(one_minus_x)
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * log_x + b * log_1mx
    if x < (a + 1.0) / (a + b + 2.0):
        return 0.5 * math.exp(log_front) * _betacf(a, b, x) / a
    return 0.5 * (1.0 - math.exp(log_front) * _betacf(b, a, one_minus_x) / b)


def _t_quantile_expansion(z: float, df: float) -> float:
    """Abramowitz & Stegun 26.7.5: t from the normal quantile, exact to double for large df."""
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def t_quantile(p: float, df: float) -> float:
    """Student's t quantile for 0.5 < p < 1 (Newton on the exact tail, safeguarded)."""
    if not 0.5 < p < 1.0 or df <= 0:
        raise ValueError("t_quantile needs 0.5 < p < 1 and df > 0")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    tail = 1.0 - p
    z = normal_quantile(p)
    t = _t_quantile_expansion(z, df)
    if df > 20_000:  # lgamma of huge arguments loses more digits than the series omits
        return t
    # Newton steps from the expansion, kept inside a bracket.
    lo, hi = 0.0, max(2 * t, 10.0)
    while _t_upper_tail(hi, df) > tail:
        hi *= 2
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    for _ in range(100):
        f = _t_upper_tail(t, df) - tail
        if f > 0:
            lo = t
        else:
            hi = t
        density = math.exp(log_c - (df + 1) / 2 * math.log1p(t * t / df))
        step = f / density
        nxt = t + step
        if not lo < nxt < hi:
            nxt = (lo + hi) / 2
        if abs(nxt - t) <= 1e-15 * max(1.0, abs(t)):
            return nxt
        t = nxt
    return t


def wilson_interval(
    correct: NDArray[Any] | int, n: NDArray[Any] | int, z: float = Z95
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Wilson score interval for correct/n, within [0, 1]; NaN where n is 0."""
    k = np.asarray(correct, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z / (1 + z * z / m) * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    # At 0 of n (n of n) the bound is exactly 0 (1); rounding left −1e-17 ("−0%" on screen).
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


@dataclass(frozen=True)
class RaterAccuracy:
    """Per-rater accuracy against golden answers (arrays indexed like table.rater_ids)."""

    rater_ids: tuple[str, ...]
    n: NDArray[Any]
    correct: NDArray[Any]
    accuracy: NDArray[Any]
    lo: NDArray[Any]
    hi: NDArray[Any]
    total_n: int
    total_correct: int

    @property
    def overall(self) -> tuple[float | None, tuple[float, float] | None]:
        """Pooled accuracy over every rating with a golden answer, and its Wilson interval."""
        if self.total_n == 0:
            return None, None
        lo, hi = wilson_interval(self.total_correct, self.total_n)
        return self.total_correct / self.total_n, (float(lo), float(hi))


def gold_codes(table: Table, gold: Mapping[str, str] | Iterable[tuple[str, str]]) -> NDArray[Any]:
    """Golden category code per case of the table, -1 where a case has none.

    `gold` maps case ids to golden labels (a mapping or (case, label) pairs). A golden label
    that is not a category of the table raises KeyError; build the table with
    `add_reference_label` for every golden label so that never happens."""
    codes = np.full(table.n_cases, -1, dtype=np.int32)
    index = table.case_index
    code_of: dict[str, int | None] = {}  # one look-up per distinct label, not per case
    pairs = gold.items() if isinstance(gold, Mapping) else gold
    for case_id, label in pairs:
        i = index.get(case_id.strip())
        if i is None:
            continue
        code = code_of.get(label, -1)
        if code == -1:
            code = code_of[label] = table.code_of(label)
        if code is None:
            raise KeyError(f"golden label {label!r} of case {case_id!r} is not a category")
        codes[i] = code
    return codes


def accuracy_by_rater(table: Table, gold: NDArray[Any]) -> RaterAccuracy:
    """How often each rater chose the golden answer, over cases that have one."""
    n, correct = table.rater_tally(gold)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = correct / n
    lo, hi = wilson_interval(correct, n)
    return RaterAccuracy(
        table.rater_ids, n, correct, accuracy, lo, hi, int(n.sum()), int(correct.sum())
    )


def confusion_matrix(table: Table, gold: NDArray[Any]) -> NDArray[Any]:
    """Golden × chosen counts over ratings of cases with a golden answer (from the case ×
    category counts: row g sums the counts of the cases whose golden code is g)."""
    k = table.n_categories
    counts = table.counts
    out = np.zeros((k, k), dtype=np.int64)
    for g in np.unique(gold[gold >= 0]):
        out[g] = counts[gold == g].sum(axis=0, dtype=np.int64)
    return out


def enforcement(confusion: NDArray[Any], rungs: NDArray[Any]) -> scoring.EnforcementSummary:
    """`scoring.summarize` over every rating of a golden × chosen confusion matrix, without
    one entry per rating: each cell is scored once and weighted by its count."""
    k = confusion.shape[0]
    golden, chosen = (axis.reshape(-1) for axis in np.indices((k, k)))
    outcome, distance = scoring.score_codes(chosen, golden, rungs)
    weight = np.asarray(confusion, dtype=np.int64).reshape(-1)
    Outcome = scoring.Outcome

    def total(kind: scoring.Outcome) -> int:
        return int(weight[outcome == kind].sum())

    def mean(kind: scoring.Outcome) -> float | None:
        mine = outcome == kind
        n = int(weight[mine].sum())
        return float(int((distance[mine].astype(np.int64) * weight[mine]).sum())) / n if n else None

    under = mean(Outcome.UNDER)
    return scoring.EnforcementSummary(
        scored=int(weight.sum()) - total(Outcome.SKIPPED),
        correct=total(Outcome.CORRECT),
        over=total(Outcome.OVER),
        under=total(Outcome.UNDER),
        missed_escalations=total(Outcome.MISSED_ESCALATION),
        unneeded_escalations=total(Outcome.UNNEEDED_ESCALATION),
        skipped=total(Outcome.SKIPPED),
        mean_over_distance=mean(Outcome.OVER),
        mean_under_distance=-under if under is not None else None,
    )
