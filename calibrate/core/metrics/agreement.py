"""Agreement between raters beyond chance, with 95 % intervals, over a case × category table.

Conventions (DESIGN.md "Metrics"; formulas and sources in docs/metrics.md):
- percent agreement, Fleiss' κ, Gwet's AC1 and Brennan–Prediger follow Gwet's generalisation
  for missing ratings (Handbook of Inter-Rater Reliability, 4th ed., 2014): cases rated once
  count toward category prevalence; q is the number of categories used; intervals use Gwet's
  analytic variance with a t(n − 1) quantile, capped at 1;
- Cohen's κ uses the cases both raters rated; its interval is κ ± z·ASE (Fleiss, Cohen &
  Everitt 1969, as SAS PROC FREQ and statsmodels report it), capped at 1;
- Krippendorff's α drops cases with fewer than two ratings; its interval, when asked for, is
  a seeded percentile bootstrap over cases.
Undefined values are `None` with a note, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.accuracy import Z95
from calibrate.core.metrics.coincidences import (
    Level,
    alpha_from_coincidences,
    alpha_weights,
    bootstrap_draws,
    coincidences,
    pairable,
)
from calibrate.core.metrics.estimate import (
    COHEN_METHOD,
    GWET_METHOD,
    MIN_PAIRED_CASES,
    NO_BOOTSTRAP,
    NO_PAIRS,
    ONE_CATEGORY,
    TOO_FAR_APART,
    Estimate,
    gwet_interval,
    paired_cases,
    too_few_cases,
)
from calibrate.core.metrics.ratings import RatingsTable, RatingsTally
from calibrate.core.metrics.weighted import ALPHA_METHOD, alpha_interval, gwet_ac2

__all__ = [  # the names other layers import from here
    "GWET_METHOD",
    "MIN_PAIRED_CASES",
    "Estimate",
    "paired_cases",
    "too_few_cases",
]

# -- Gwet's family: percent agreement, Fleiss, AC1, Brennan–Prediger -------------------------


@dataclass(frozen=True)
class _Parts:
    counts: NDArray[Any]  # cases with at least one rating × categories, float
    r: NDArray[Any]  # ratings per case
    multi: NDArray[Any]  # case has ≥ 2 ratings
    pa_i: NDArray[Any]  # share of agreeing pairs per case (0 where < 2 ratings)
    pa: float
    pi: NDArray[Any]  # Gwet's prevalence: mean over cases of each category's share

    @property
    def n(self) -> int:
        return int(self.r.size)

    @property
    def n2(self) -> int:
        return int(np.count_nonzero(self.multi))

    @property
    def q(self) -> int:
        return int(np.count_nonzero(self.counts.sum(axis=0)))


def _parts(counts: NDArray[Any]) -> _Parts:
    c = np.asarray(counts, dtype=float)
    c = c[c.sum(axis=1) > 0]
    r = c.sum(axis=1)
    multi = r >= 2
    pairs = r * (r - 1)
    pa_i = np.divide((c * (c - 1)).sum(axis=1), pairs, out=np.zeros_like(r), where=multi)
    pa = float(pa_i[multi].mean()) if multi.any() else math.nan
    pi = (c / r[:, None]).mean(axis=0) if r.size else np.zeros(c.shape[1])
    return _Parts(c, r, multi, pa_i, pa, pi)


def percent_agreement(counts: NDArray[Any]) -> Estimate:
    """Mean share of agreeing rater pairs over cases rated by two or more."""
    p = _parts(counts)
    if p.n2 == 0:
        return Estimate(None, None, GWET_METHOD, NO_PAIRS, n=p.n)
    return gwet_interval(p.pa, (p.n / p.n2) * p.pa_i, p.n, GWET_METHOD)


def _chance_corrected(p: _Parts, pe: float, pe_i: NDArray[Any] | None) -> Estimate:
    if p.n2 == 0:
        return Estimate(None, None, GWET_METHOD, NO_PAIRS, n=p.n)
    if p.q < 2 or pe >= 1.0:
        return Estimate(None, None, GWET_METHOD, ONE_CATEGORY, n=p.n)
    value = (p.pa - pe) / (1 - pe)
    terms = (p.n / p.n2) * (p.pa_i - pe * p.multi) / (1 - pe)
    if pe_i is not None:  # the chance term is estimated too: Gwet's linearisation
        terms = terms - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
    return gwet_interval(value, terms, p.n, GWET_METHOD)


def fleiss_kappa(counts: NDArray[Any]) -> Estimate:
    """Fleiss' κ (Gwet's generalisation to missing ratings)."""
    p = _parts(counts)
    pe = float((p.pi**2).sum())
    pe_i = p.counts @ p.pi / p.r if p.n else None
    return _chance_corrected(p, pe, pe_i)


def gwet_ac1(counts: NDArray[Any]) -> Estimate:
    """Gwet's AC1, chance agreement Σπ(1 − π)/(q − 1) over the q categories used."""
    p = _parts(counts)
    q = p.q
    if q < 2:
        return _chance_corrected(p, 1.0, None)
    pe = float((p.pi * (1 - p.pi)).sum()) / (q - 1)
    pe_i = p.counts @ (1 - p.pi) / p.r / (q - 1)
    return _chance_corrected(p, pe, pe_i)


def brennan_prediger(counts: NDArray[Any]) -> Estimate:
    """Brennan–Prediger coefficient, chance agreement 1/q over the q categories used."""
    p = _parts(counts)
    return _chance_corrected(p, 1.0 / p.q if p.q else 1.0, None)


# -- Cohen's κ ---------------------------------------------------------------------------


def cohen_kappa(first: NDArray[Any], second: NDArray[Any], n_categories: int) -> Estimate:
    """Cohen's κ of two raters' codes per case (-1 = not rated), on the cases both rated."""
    both = (first >= 0) & (second >= 0)
    k = n_categories
    table = np.bincount(first[both].astype(np.int64) * k + second[both], minlength=k * k)
    return cohen_kappa_from_table(table.reshape(k, k))


def cohen_kappa_from_table(table: NDArray[Any]) -> Estimate:
    """Cohen's κ and its asymptotic interval from a rater-1 × rater-2 contingency table."""
    if not np.asarray(table).any():
        return Estimate(None, None, COHEN_METHOD, "undefined: the two raters share no case")
    t = np.asarray(table, dtype=float)
    n = float(t.sum())
    p = t / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(rows @ cols)
    if pe >= 1.0:
        return Estimate(None, None, COHEN_METHOD, ONE_CATEGORY, n=int(n))
    kappa = (po - pe) / (1 - pe)
    # Fleiss, Cohen & Everitt (1969) asymptotic variance, the form statsmodels uses.
    term_a = float((np.diag(p) * (1 - (rows + cols) * (1 - kappa)) ** 2).sum())
    off = p * (cols[:, None] + rows[None, :]) ** 2
    np.fill_diagonal(off, 0.0)
    term_b = (1 - kappa) ** 2 * float(off.sum())
    term_c = (kappa - pe * (1 - kappa)) ** 2
    se = math.sqrt(max(term_a + term_b - term_c, 0.0) / (1 - pe) ** 2 / n)
    return Estimate(
        kappa, (kappa - Z95 * se, min(1.0, kappa + Z95 * se)), COHEN_METHOD, None, se, int(n)
    )


# -- Krippendorff's α (its arithmetic: coincidences.py) ------------------------------------

ORDINAL_NO_INTERVAL = (
    "no interval: ordinal alpha has no analytic variance; pass --bootstrap N for a "
    "percentile bootstrap interval over cases"
)


def krippendorff_alphas(
    counts: NDArray[Any],
    levels: dict[Level, NDArray[Any] | None],
    *,
    bootstrap: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[Level, Estimate]:
    """Krippendorff's α at several levels from one table, each with its 95 % interval:
    Gwet's analytic one (nominal, interval, ratio; ordinal has none), or with `bootstrap`
    resamples the seeded percentile bootstrap (one bootstrap serves every level).

    `levels` maps each level to its category values (None for nominal and ordinal, whose
    distances need only the category order)."""
    units, m = pairable(counts)
    o = coincidences(units, m) if units.size else None
    with np.errstate(over="ignore", invalid="ignore"):  # a value not finite gets a note
        points = {
            lv: (alpha_from_coincidences(o, lv, v) if o is not None else None)
            for lv, v in levels.items()
        }
    draws: dict[Level, NDArray[Any]] = {lv: np.zeros(0) for lv in levels}
    if bootstrap > 0 and units.shape[0] >= 2:
        draws = bootstrap_draws(units, m, levels, bootstrap, seed, progress)
    out: dict[Level, Estimate] = {}
    for lv, value in points.items():
        n = int(units.shape[0])
        method = (
            f"bootstrap over cases: {bootstrap} resamples, percentile, seed {seed}"
            if bootstrap > 0
            else (NO_BOOTSTRAP if lv == "ordinal" else ALPHA_METHOD)
        )
        if value is not None and not math.isfinite(value):
            out[lv] = Estimate(None, None, method, TOO_FAR_APART, n=n)
        elif value is None:
            note: str | None = NO_PAIRS if o is None or n == 0 else ONE_CATEGORY
            out[lv] = Estimate(None, None, method, note, n=n)
        elif bootstrap > 0:
            out[lv] = _bootstrapped(value, draws[lv], bootstrap, method, n)
        elif lv == "ordinal":
            out[lv] = Estimate(value, None, method, ORDINAL_NO_INTERVAL, n=n)
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                weights = alpha_weights(lv, levels[lv], units.shape[1])
                ci, se = alpha_interval(units, weights, value)
            note = None if ci is not None else "no interval: it needs two or more pairable cases"
            out[lv] = Estimate(value, ci, method, note, se, n)
    return out


def _bootstrapped(
    value: float, draws: NDArray[Any], bootstrap: int, method: str, n: int
) -> Estimate:
    """α with its percentile bootstrap interval (resamples with one category dropped)."""
    if not draws.size:
        note = "no interval: the bootstrap needs two or more pairable cases"
        return Estimate(value, None, method, note, n=n)
    lo, hi = np.percentile(draws, [2.5, 97.5])
    dropped = bootstrap - draws.size
    dropped_note = f"{dropped} resamples had one category and were dropped" if dropped else None
    return Estimate(value, (float(lo), float(hi)), method, dropped_note, n=n)


def krippendorff_alpha(
    counts: NDArray[Any],
    level: Level = "nominal",
    values: NDArray[Any] | None = None,
    *,
    bootstrap: int = 0,
    seed: int = 0,
) -> Estimate:
    """Krippendorff's α for one level of measurement (values needed for interval/ratio)."""
    return krippendorff_alphas(counts, {level: values}, bootstrap=bootstrap, seed=seed)[level]


# -- every metric of `calibrate agreement` -------------------------------------------------


def agreement_report(
    table: RatingsTable | RatingsTally,
    *,
    bootstrap: int = 0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    by_order: bool = False,
) -> dict[str, Estimate]:
    """All agreement metrics DESIGN.md's contract names, keyed as in the JSON.

    Everything is read from the case × category counts, plus Cohen's two-rater table.
    `by_order`: the table's categories are the user's --order (AC2 then ranks them)."""
    counts = table.counts
    out: dict[str, Estimate] = {"percent_agreement": percent_agreement(counts)}
    if table.n_raters == 2:
        out["cohen_kappa"] = cohen_kappa_from_table(table.cohen_table())
    out["fleiss_kappa"] = fleiss_kappa(counts)
    out["gwet_ac1"] = gwet_ac1(counts)
    out["brennan_prediger"] = brennan_prediger(counts)
    ladder = _ladder(table, counts, by_order)
    if ladder is not None:
        columns, x = ladder
        out["gwet_ac2_linear"] = gwet_ac2(counts[:, columns], x, "linear")
        out["gwet_ac2_quadratic"] = gwet_ac2(counts[:, columns], x, "quadratic")
    levels: dict[Level, NDArray[Any] | None] = {"nominal": None}
    if table.ordered:
        levels["ordinal"] = None
    if table.numeric:
        levels["interval"] = table.values
        levels["ratio"] = table.values
    alphas = krippendorff_alphas(counts, levels, bootstrap=bootstrap, seed=seed, progress=progress)
    for level, estimate in alphas.items():
        out[f"krippendorff_alpha_{level}"] = estimate
    if table.numeric and table.values is not None and bool((table.values < 0).any()):
        # The ratio metric measures differences relative to a true zero: negative labels have
        # none, and the formula then gives a number that means nothing (0.91 where interval
        # α is −0.16, as the `krippendorff` package also computes it).
        out["krippendorff_alpha_ratio"] = Estimate(
            None,
            None,
            out["krippendorff_alpha_ratio"].method,
            "undefined: ratio α needs labels ≥ 0 (a scale with a true zero); some are negative",
        )
    paired = paired_cases(counts)
    if paired < MIN_PAIRED_CASES:  # the number stays (the contract's bounds), with a warning
        for name, estimate in out.items():
            if name != "percent_agreement" and estimate.value is not None:
                note = "; ".join(filter(None, [estimate.note, too_few_cases(paired)]))
                out[name] = replace(estimate, note=note)
    return out


def _ladder(
    table: RatingsTable | RatingsTally, counts: NDArray[Any], by_order: bool
) -> tuple[NDArray[Any], NDArray[Any]] | None:
    """AC2's categories (columns of `counts`) and their values: every category of --order
    ranked 1..q (it wins over numeric labels), else the numeric labels observed; None for
    text labels without --order."""
    if by_order:
        return np.arange(table.n_categories), np.arange(1.0, table.n_categories + 1)
    if table.numeric and table.values is not None:
        observed = np.flatnonzero(np.asarray(counts).sum(axis=0) > 0)
        return observed, table.values[observed]
    return None
