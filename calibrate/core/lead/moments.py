""" "Where does it show?" on the dashboard: moment hit rates per case and per reviewer.

Every scored answer in view to a case version that asks for a mark counts (as accuracy
does: retakes and reviews included); the rate is hits over marks given, with its Wilson
interval, and answers without a mark are counted beside it (docs/dashboard-metrics.md,
"Marked moments"). Never folded into decision accuracy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import wilson, wilsons
from calibrate.core.lead.sections.moments import MomentRow, MomentSection
from calibrate.core.metrics.answer_table import AnswerTable
from calibrate.core.moments import HIT, MISSED


def moments(table: AnswerTable) -> MomentSection:
    """The moment section of the answers in `table`."""
    asked = table.moment >= 0  # skips are NOT_ASKED already
    marked = asked & (table.moment >= MISSED)
    hit = table.moment == HIT
    cases = _tallies(table.case, len(table.cases), asked, marked, hit)
    reviewers = _tallies(table.profile, len(table.profile_ids), asked, marked, hit)
    by_case = []
    for c, counts in cases:
        pack, _, case = table.cases[c].partition("/")
        by_case.append(MomentRow(table.cases[c], case, pack, *counts))
    by_reviewer = [
        MomentRow(table.profile_ids[p], table.profile_names[p], "", *counts)
        for p, counts in reviewers
    ]
    n_hits, n_marked = int(hit.sum()), int(marked.sum())
    overall = MomentRow(
        "", "all answers", "", int(asked.sum()), n_marked, n_hits, *wilson(n_hits, n_marked)
    )
    return MomentSection(
        tuple(sorted(by_case, key=_order)), tuple(sorted(by_reviewer, key=_order)), overall
    )


def _tallies(
    codes: NDArray[Any], size: int, asked: NDArray[Any], marked: NDArray[Any], hit: NDArray[Any]
) -> list[tuple[int, tuple[Any, ...]]]:
    """Per code with answers asked for a mark: (code, (asked, marked, hits, rate, ci))."""
    n_asked = np.bincount(codes[asked], minlength=size)
    n_marked = np.bincount(codes[marked], minlength=size)
    n_hit = np.bincount(codes[hit], minlength=size)
    shown = np.flatnonzero(n_asked)
    rates = wilsons(n_hit[shown], n_marked[shown])
    return [
        (int(g), (int(n_asked[g]), int(n_marked[g]), int(n_hit[g]), rate, ci))
        for g, (rate, ci) in zip(shown.tolist(), rates, strict=True)
    ]


def _order(row: MomentRow) -> tuple[float, int, str, str]:
    return (math.inf if row.rate is None else row.rate, -row.marked, row.name, row.key)
