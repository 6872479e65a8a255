"""Item analysis per case: facility, discrimination, agreement, and the "split" flag.

"Strong" reviewers of a case are the top third, among those who answered it, by accuracy on
the *other* cases they answered (so a case never vouches for itself); "weak" are the bottom
third. Ties at a third's boundary join it, so equally accurate reviewers are treated alike.
A case is "split" when at least 3 strong reviewers answered it and their most common answer
has a share below 0.6: the sign of unclear guidance (DESIGN.md "Scoring").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.ratings import RatingsTable

SPLIT_MIN_STRONG = 3
SPLIT_SHARE = 0.6


@dataclass(frozen=True)
class ItemAnalysis:
    """Per-case arrays, indexed like `table.case_ids`; NaN where a figure is undefined."""

    case_ids: tuple[str, ...]
    answers: NDArray[Any]  # ratings of the case
    facility: NDArray[Any]  # share who chose the golden answer (NaN: no golden answer)
    discrimination: NDArray[Any]  # facility among strong − among weak reviewers
    agreement: NDArray[Any]  # share of agreeing reviewer pairs (NaN: fewer than 2 answers)
    modal_code: NDArray[Any]  # most common answer's category code
    modal_share: NDArray[Any]
    strong: NDArray[Any]  # strong reviewers who answered
    strong_modal_code: NDArray[Any]  # strong reviewers' most common answer (-1: none)
    strong_modal_share: NDArray[Any]
    split: NDArray[Any]  # bool: guidance unclear

    def unclear_cases(self) -> list[str]:
        """Ids of the split cases, most divided strong reviewers first."""
        idx = np.flatnonzero(self.split)
        idx = idx[np.argsort(self.strong_modal_share[idx], kind="stable")]
        return [self.case_ids[i] for i in idx]

    def rows(self) -> list[dict[str, object]]:
        """One plain dict per case (None for undefined figures), for tables and exports."""

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return [
            {
                "case_id": cid,
                "answers": int(self.answers[i]),
                "facility": num(self.facility[i]),
                "discrimination": num(self.discrimination[i]),
                "agreement": num(self.agreement[i]),
                "modal_share": num(self.modal_share[i]),
                "strong": int(self.strong[i]),
                "strong_modal_share": num(self.strong_modal_share[i]),
                "split": bool(self.split[i]),
            }
            for i, cid in enumerate(self.case_ids)
        ]


def reviewer_strength(
    table: RatingsTable, gold: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Per rating: is its rater strong / weak for that case (by leave-this-case-out accuracy),
    and is that accuracy defined at all (the rater answered another case with a golden one)."""
    golden = gold[table.case]
    scored = golden >= 0
    right = scored & (table.code == golden)
    n_r = np.bincount(table.rater, weights=scored, minlength=table.n_raters)
    c_r = np.bincount(table.rater, weights=right, minlength=table.n_raters)
    n_other = n_r[table.rater] - scored
    with np.errstate(invalid="ignore", divide="ignore"):
        loo = np.where(n_other > 0, (c_r[table.rater] - right) / n_other, np.nan)
    valid = ~np.isnan(loo)
    n_cases = table.n_cases
    # Sort each case's ratings by accuracy, best first, undefined last.
    order = np.lexsort((np.where(valid, -loo, np.inf), table.case))
    per_case = np.bincount(table.case, minlength=n_cases)
    start = np.concatenate(([0], np.cumsum(per_case)[:-1]))
    m = np.bincount(table.case[valid], minlength=n_cases)
    third = np.ceil(m / 3).astype(np.int64)
    has = m > 0
    sorted_loo = loo[order]
    top = np.full(n_cases, np.inf)
    bottom = np.full(n_cases, -np.inf)
    top[has] = sorted_loo[start[has] + third[has] - 1]
    bottom[has] = sorted_loo[start[has] + m[has] - third[has]]
    strong = valid & (loo >= top[table.case])
    weak = valid & (loo <= bottom[table.case])
    return strong, weak, valid


def item_analysis(table: RatingsTable, gold: NDArray[Any]) -> ItemAnalysis:
    """Facility, discrimination, agreement and the split flag of every case."""
    n, k = table.n_cases, table.n_categories
    counts = table.counts.astype(float)
    answers = counts.sum(axis=1)
    golden = gold[table.case]
    scored = golden >= 0
    right = (scored & (table.code == golden)).astype(float)
    strong, weak, ranked = reviewer_strength(table, gold)

    def share(mask: NDArray[Any]) -> NDArray[Any]:
        num = np.bincount(table.case, weights=right * mask, minlength=n)
        den = np.bincount(table.case, weights=scored * mask, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    ones = np.ones(table.n_ratings)
    facility = share(ones)
    # With fewer than 3 ranked reviewers the top and bottom thirds are the same people.
    ranked_n = np.bincount(table.case, weights=ranked, minlength=n)
    discrimination = np.where(ranked_n >= 3, share(strong) - share(weak), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(
            answers >= 2, (counts * (counts - 1)).sum(axis=1) / (answers * (answers - 1)), np.nan
        )
        modal_share = np.where(answers > 0, counts.max(axis=1) / answers, np.nan)
    strong_counts = np.bincount(
        table.case[strong].astype(np.int64) * k + table.code[strong], minlength=n * k
    ).reshape(n, k)
    n_strong = strong_counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        strong_share = np.where(n_strong > 0, strong_counts.max(axis=1) / n_strong, np.nan)
    split = (n_strong >= SPLIT_MIN_STRONG) & (strong_share < SPLIT_SHARE)
    return ItemAnalysis(
        case_ids=table.case_ids,
        answers=answers.astype(np.int64),
        facility=facility,
        discrimination=discrimination,
        agreement=agreement,
        modal_code=counts.argmax(axis=1) if k else np.zeros(n, np.int64),
        modal_share=modal_share,
        strong=n_strong,
        strong_modal_code=np.where(n_strong > 0, strong_counts.argmax(axis=1) if k else -1, -1),
        strong_modal_share=strong_share,
        split=split,
    )
