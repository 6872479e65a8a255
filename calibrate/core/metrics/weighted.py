"""Agreement on an ordered scale: Gwet's AC2 with linear or quadratic weights, and the
analytic 95 % interval of Krippendorff's α (Gwet 2014), both as the `irrCAC` package
computes them (`CAC(..., weights=..., categories=...).gwet()` and `.krippendorff()`).

Weights are over the category values x: w_kl = 1 − |x_k − x_l| / (x_max − x_min) (linear) or
1 − (x_k − x_l)² / (x_max − x_min)² (quadratic). Gwet's missing-data generalisation: cases
rated once count toward prevalence, q is the number of categories given. Formulas and
sources: docs/metrics.md.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.accuracy import t_quantile
from calibrate.core.metrics.estimate import (
    NO_PAIRS,
    ONE_CATEGORY,
    TOO_FAR_APART,
    Estimate,
    gwet_interval,
)

Weighting = Literal["linear", "quadratic"]
AC2_METHOD = (
    "Gwet (2014) analytic variance, {weighting} weights, t(n-1) quantile, upper bound capped at 1"
)
ALPHA_METHOD = (
    "Gwet (2014) analytic variance of Krippendorff's alpha, t(n-1) quantile over the "
    "pairable cases, upper bound capped at 1"
)


def _scaled(values: NDArray[Any]) -> NDArray[Any]:
    """The values divided by a power of two (exact) so their differences cannot overflow:
    the weights are ratios of differences, unchanged by a common scale."""
    v = np.asarray(values, dtype=float)
    top = float(np.abs(v).max()) if v.size else 0.0
    return np.ldexp(v, -math.frexp(top)[1]) if top > 0 and math.isfinite(top) else v


def ladder_weights(values: NDArray[Any], weighting: Weighting) -> NDArray[Any] | None:
    """The q × q weight matrix over category values; None when they do not span a range."""
    v = _scaled(values)
    span = float(v.max() - v.min()) if v.size else 0.0
    if not span > 0 or not math.isfinite(span):
        return None
    apart = np.abs(v[:, None] - v[None, :]) / span
    weights: NDArray[Any] = 1.0 - (apart if weighting == "linear" else apart**2)
    return weights


def gwet_ac2(counts: NDArray[Any], values: NDArray[Any], weighting: Weighting) -> Estimate:
    """Gwet's AC2 of a case × category count table whose columns have `values`.

    Every column is a category (q = columns), used or not: pass only the categories that
    count (those observed, or all an ordered list names)."""
    method = AC2_METHOD.format(weighting=weighting)
    q = int(np.asarray(counts).shape[1])
    weights = ladder_weights(np.asarray(values), weighting) if q >= 2 else None
    if weights is None:
        if q >= 2 and np.ptp(values) != 0:
            return Estimate(None, None, method, TOO_FAR_APART)
        weights = np.eye(max(q, 1))  # one value: undefined below, or no pairs
    return gwet_ac2_weighted(counts, weights, method)


def decision_ladder_weights(rungs: NDArray[Any]) -> NDArray[Any]:
    """Quadratic weights over a pack's decisions: rung r of L on the ladder (least → most
    restrictive) against rung s weighs 1 − (r − s)²/(L − 1)²; a decision off the ladder
    (rung −1, e.g. `escalate`) is its own category, agreeing only with itself."""
    r = np.asarray(rungs)
    on = r >= 0
    top = int(r.max()) if on.any() else 0
    weights = np.eye(r.size)
    if top > 0:
        apart = (r[:, None] - r[None, :]) / top
        both = on[:, None] & on[None, :]
        weights = np.where(both, 1.0 - apart**2, weights)
    return weights


def gwet_ac2_weighted(counts: NDArray[Any], weights: NDArray[Any], method: str) -> Estimate:
    """Gwet's AC2 with a q × q weight matrix over the table's q columns (Gwet 2014, ch. 3;
    missing ratings as for AC1)."""
    c = np.asarray(counts, dtype=float)
    c = c[c.sum(axis=1) > 0]
    r = c.sum(axis=1)
    multi = r >= 2
    n, n2, q = int(r.size), int(np.count_nonzero(multi)), int(c.shape[1])
    if n2 == 0:
        return Estimate(None, None, method, NO_PAIRS, n=n)
    if q < 2:
        return Estimate(None, None, method, ONE_CATEGORY, n=n)
    pairs = np.where(multi, r * (r - 1), 1.0)
    pa_i = np.where(multi, (c * (c @ weights.T - 1)).sum(axis=1) / pairs, 0.0)
    # Exactly rounded sums: the result must not depend on the order cases were read in.
    pa = math.fsum(pa_i[multi]) / n2
    pi = np.array([math.fsum(share) for share in (c / r[:, None]).T]) / n
    chance = float(weights.sum()) / (q * (q - 1))
    pe = chance * float((pi * (1 - pi)).sum())
    if pe >= 1.0:
        return Estimate(None, None, method, ONE_CATEGORY, n=n)
    value = (pa - pe) / (1 - pe)
    pe_i = chance * (c @ (1 - pi)) / r
    terms = (n / n2) * (pa_i - pe * multi) / (1 - pe) - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
    return gwet_interval(value, terms, n, method)


def alpha_interval(
    counts: NDArray[Any], weights: NDArray[Any], value: float
) -> tuple[tuple[float, float] | None, float | None]:
    """Gwet's (2014) analytic 95 % interval of Krippendorff's α (`value`) and its standard
    error, with agreement weights over the table's columns (identity for nominal, 1 − δ/max δ
    for interval and ratio); (None, None) below two pairable cases."""
    c = np.asarray(counts, dtype=float)
    r = c.sum(axis=1)
    c, r = c[r >= 2], r[r >= 2]
    n = int(r.size)
    if n < 2:
        return None, None
    r_mean = float(r.mean())
    epsilon = 1.0 / float(r.sum())
    agreeing = (c * (c @ weights.T - 1)).sum(axis=1) / (r_mean * (r - 1))
    pa_prime = math.fsum(agreeing) / n  # exactly rounded: independent of the cases' order
    pa = (1 - epsilon) * pa_prime + epsilon
    pi = c.sum(axis=0) / (n * r_mean)
    pe = float(pi @ weights @ pi)
    alpha_prime = (pa_prime - pe) / (1 - pe)
    alpha_i = (agreeing - pa * (r - r_mean) / r_mean - pe) / (1 - pe)
    pi_w = (weights @ pi + weights.T @ pi) / 2
    pe_i = c @ pi_w / r_mean - pe * (r - r_mean) / r_mean
    terms = alpha_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe)
    se = math.sqrt(math.fsum((terms - alpha_prime) ** 2) / (n * (n - 1)))
    half = t_quantile(0.975, n - 1) * se
    return (value - half, min(1.0, value + half)), se
