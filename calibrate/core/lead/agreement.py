"""Agreement for the lead: per pack, per golden clause, and per week, on first answers.

Each reviewer contributes one rating per case: their first non-skipped answer in view (a
retake after the reveal would measure memory, not agreement). Packs are never pooled: their
decision lists and case mixes differ, so every figure is per pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import case_counts, group_codes
from calibrate.core.lead.sections.agreement import AgreementRow
from calibrate.core.metrics.agreement import (
    MIN_PAIRED_CASES,
    Estimate,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    paired_cases,
    percent_agreement,
    too_few_cases,
)
from calibrate.core.metrics.answer_table import AnswerTable
from calibrate.core.metrics.weighted import decision_ladder_weights, gwet_ac2_weighted

ALPHA_BOOTSTRAP = 200  # resamples for α's interval: stable to ~0.01 at demo sizes, fast
TOO_FEW = "too few cases"  # what a lead reads where a coefficient is not shown
COEFFICIENT_RANGE = (-1.0, 1.0)  # where κ, α and AC1 live: intervals are shown cut to it
# How each interval is had, in the words the dashboard and the report print.
INTERVAL_METHODS = {
    "fleiss": "Gwet's analytic variance, t(n−1) quantile",
    "ac1": "Gwet's analytic variance, t(n−1) quantile",
    "ac2": "Gwet's analytic variance, t(n−1) quantile",
    "alpha": f"percentile bootstrap over cases, {ALPHA_BOOTSTRAP} resamples",
}
AC2_METHOD = (
    "Gwet (2014) analytic variance, quadratic weights over the pack's ladder (a decision off "
    "it, e.g. escalate, agrees only with itself), t(n-1) quantile, upper bound capped at 1"
)
NO_LADDER = "undefined: the pack's ladder has fewer than two rungs"
# The decision columns of a pack's AC2 and their rungs (−1 off the ladder).
Ladder = tuple[NDArray[Any], NDArray[Any]]


def why_not_shown(estimate: Estimate) -> str:
    """The short reason a coefficient has no value: "too few cases", or "undefined"."""
    note = estimate.note or ""
    return TOO_FEW if note.startswith(TOO_FEW) else "undefined" if note else "—"


def agreement_row(
    pack: str,
    clause: str,
    case: NDArray[Any],
    rater: NDArray[Any],
    code: NDArray[Any],
    k: int,
    bootstrap: int = ALPHA_BOOTSTRAP,
    ladder: Ladder | None = None,
    decisions: Sequence[str] = (),
) -> AgreementRow:
    """Fleiss κ, Krippendorff α (nominal), Gwet AC1, AC2 on the pack's `ladder` and percent
    agreement of some ratings, with the most common decision (`decisions` names the codes).

    Below MIN_PAIRED_CASES cases rated by two or more reviewers the chance-corrected
    coefficients are None with the "too few cases" note: read from a handful of cases they
    swing from −1 to 1 (a single case compares itself with itself)."""
    counts = case_counts(case, code, k)
    n_cases = int(counts.shape[0])
    paired = paired_cases(counts)
    if paired < MIN_PAIRED_CASES:
        none = Estimate(None, None, "", too_few_cases(paired), n=n_cases)
        fleiss = alpha = ac1 = ac2 = none
    else:
        fleiss, ac1 = fleiss_kappa(counts), gwet_ac1(counts)
        alpha = krippendorff_alpha(counts, "nominal", bootstrap=bootstrap, seed=0)
        ac2 = _ladder_ac2(counts, ladder)
    per_decision = counts.sum(axis=0)
    top = int(np.argmax(per_decision)) if per_decision.size else 0
    total = int(per_decision.sum())
    return AgreementRow(
        pack=pack,
        clause=clause,
        n_cases=n_cases,
        n_paired=paired,
        n_raters=int(np.unique(rater).size),
        n_ratings=int(code.size),
        fleiss=fleiss,
        alpha=alpha,
        ac1=ac1,
        percent=percent_agreement(counts),
        ac2=ac2,
        dominant=decisions[top] if top < len(decisions) else str(top),
        dominant_share=int(per_decision[top]) / total if total else None,
    )


def _ladder_ac2(counts: NDArray[Any], ladder: Ladder | None) -> Estimate:
    """AC2 (quadratic) over the pack's decisions: its ladder's rungs, each off-ladder
    decision its own category."""
    if ladder is None or int(np.max(ladder[1], initial=-1)) < 1:
        return Estimate(None, None, AC2_METHOD, NO_LADDER)
    columns, rungs = ladder
    return gwet_ac2_weighted(counts[:, columns], decision_ladder_weights(rungs), AC2_METHOD)


def pack_ladder(table: AnswerTable, pack_id: str, seen: NDArray[Any]) -> Ladder | None:
    """The decision codes of a pack's AC2 (its ladder, its other decisions, and any other
    decision its answers use) and their rungs; None without the pack's ladder."""
    info = table.pack_info.get(pack_id)
    if info is None:
        return None
    index = {d: i for i, d in enumerate(table.decisions)}
    listed = list(info.ladder) + [d for d in info.decisions if d not in info.ladder]
    codes = [index[d] for d in listed if d in index]
    codes += [int(c) for c in seen if int(c) not in codes]
    rungs = [
        info.ladder.index(table.decisions[c]) if table.decisions[c] in info.ladder else -1
        for c in codes
    ]
    return np.array(codes, dtype=np.int64), np.array(rungs, dtype=np.int64)


@dataclass(frozen=True)
class ShownInterval:
    """A coefficient's 95 % interval as a lead reads it: cut to the coefficient's range, each
    cut end marked (`CUT`), so no bound reads as a value the coefficient cannot take."""

    lo: float
    hi: float
    lo_cut: bool
    hi_cut: bool

    CUT = "†"  # after a bound that was cut: "0.47 to 1.00†"

    def text(self, number: str = "{:.2f}") -> str:
        """ "−0.21 to 1.00†" (minus signs as typeset)."""

        def bound(value: float, cut: bool) -> str:
            return number.format(value).replace("-", "\N{MINUS SIGN}") + (self.CUT if cut else "")

        return f"{bound(self.lo, self.lo_cut)} to {bound(self.hi, self.hi_cut)}"


def estimate_interval(estimate: Estimate) -> ShownInterval | None:
    """`shown_interval` of an Estimate: analytic intervals (Gwet's, Cohen's) carry a standard
    error and are symmetric; the bootstrap's (α) carry none."""
    lo, hi = estimate.ci95 if estimate.ci95 else (None, None)
    return shown_interval(estimate.value, lo, hi, symmetric=estimate.se is not None)


def shown_interval(
    value: float | None, lo: float | None, hi: float | None, *, symmetric: bool
) -> ShownInterval | None:
    """The interval (lo, hi) of a coefficient cut to COEFFICIENT_RANGE.

    symmetric: an analytic interval, value ± half, whose upper end core already capped at 1
    (Gwet's convention) — it was cut there if value + half, i.e. 2·value − lo, passed 1. A
    bootstrap interval (α) is percentiles of values that never pass 1."""
    if value is None or lo is None or hi is None:
        return None
    low, high = COEFFICIENT_RANGE
    raw_hi = 2 * value - lo if symmetric else hi
    return ShownInterval(max(lo, low), min(hi, high), lo < low, raw_hi > high)


def agreement_by_pack(
    table: AnswerTable,
    first: NDArray[Any],
    case_clauses: Mapping[str, Sequence[str]] | None,
    bootstrap: int = ALPHA_BOOTSTRAP,
) -> tuple[tuple[AgreementRow, ...], tuple[AgreementRow, ...]]:
    """Rows per pack, and per (pack, golden clause); a case counts under each of its clauses.

    Cases whose clauses are unknown (not in `case_clauses`) are left out of the clause rows.
    """
    k = max(len(table.decisions), 1)
    case, rater, code, pack = (
        table.case[first],
        table.profile[first],
        table.decision[first],
        table.pack[first],
    )
    by_pack: list[AgreementRow] = []
    by_clause: list[AgreementRow] = []

    def row(pack_id: str, clause: str, rows: NDArray[Any]) -> AgreementRow:
        seen = np.unique(code[rows])
        ladder = pack_ladder(table, pack_id, seen)
        return agreement_row(
            pack_id,
            clause,
            case[rows],
            rater[rows],
            code[rows],
            k,
            bootstrap,
            ladder,
            table.decisions,
        )

    for p, pack_id in sorted(enumerate(table.packs), key=lambda item: item[1]):
        in_pack = pack == p
        if not in_pack.any():
            continue
        by_pack.append(row(pack_id, "", in_pack))
        if case_clauses is None:
            continue
        members: dict[str, list[int]] = {}
        for c in np.unique(case[in_pack]):
            for clause in case_clauses.get(table.cases[c], ()):
                members.setdefault(clause, []).append(int(c))
        for clause in sorted(members):
            by_clause.append(row(pack_id, clause, in_pack & np.isin(case, members[clause])))
    return tuple(by_pack), tuple(by_clause)


def grouped_fleiss(
    group: NDArray[Any], case: NDArray[Any], code: NDArray[Any], k: int, n_groups: int
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Fleiss' κ (Gwet's missing-data form, point value) of many groups of ratings at once.

    Returns κ per group (NaN where undefined) and the cases rated twice or more per group.
    Vectorised because a trend has one κ per week × team × pack.
    """
    kappa = np.full(n_groups, np.nan)
    n2 = np.zeros(n_groups, dtype=np.int64)
    if case.size == 0:
        return kappa, n2
    unit, units = group_codes(group, case)  # one unit per (group, case)
    unit_group = units[:, 0]
    counts = np.bincount(unit * k + code, minlength=units.shape[0] * k).reshape(-1, k).astype(float)
    r = counts.sum(axis=1)
    multi = r >= 2
    pa_i = np.where(multi, (counts * (counts - 1)).sum(axis=1) / np.maximum(r * (r - 1), 1), 0)
    n = np.bincount(unit_group, minlength=n_groups).astype(float)
    n2 = np.bincount(unit_group, weights=multi, minlength=n_groups).astype(np.int64)
    pa_sum = np.bincount(unit_group, weights=pa_i, minlength=n_groups)
    share = counts / r[:, None]
    pi = (
        np.stack(
            [np.bincount(unit_group, weights=share[:, c], minlength=n_groups) for c in range(k)],
            axis=1,
        )
        / np.maximum(n, 1)[:, None]
    )
    pe = (pi**2).sum(axis=1)
    used = (pi > 0).sum(axis=1)
    ok = (n2 > 0) & (used >= 2) & (pe < 1)
    pa = pa_sum / np.maximum(n2, 1)
    kappa[ok] = (pa[ok] - pe[ok]) / (1 - pe[ok])
    return kappa, n2
