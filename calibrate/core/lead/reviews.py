"""Whether spaced review works: on the cases a reviewer was given again in review sessions,
accuracy on the first attempt against each later review, per team, with Wilson intervals.

Only reviewer × case pairs with at least one answer from a `review` session count, so the
first attempt and the reviews are the same cases answered by the same people (retakes and
live answers between them are left out of this section). The n-th review is the n-th
non-skipped review answer of the pair; "review 3+" gathers the third and later ones.
Answers are scored as in every other section (against the golden they were given against,
or the current one when the dashboard says so). The team is the one each answer carries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import Scored, wilsons
from calibrate.core.lead.sections.reviews import LATER_REVIEWS, ReviewRow, ReviewSection
from calibrate.core.metrics.answer_table import SESSION_KIND_CODES, AnswerTable

REVIEW_CODE = SESSION_KIND_CODES.index("review")


def review_outcomes(table: AnswerTable, s: Scored) -> ReviewSection:
    """The section (empty when no answer in view came from a review session)."""
    rows = np.flatnonzero(s.scored)
    if rows.size == 0 or not np.any(table.session_kind[rows] == REVIEW_CODE):
        return ReviewSection((), 0)
    pair = table.case[rows].astype(np.int64) * max(len(table.profile_ids), 1) + table.profile[rows]
    by_pair = np.lexsort((s.rank[rows], pair))  # by pair, oldest answer first
    in_order, pair = rows[by_pair], pair[by_pair]
    new_pair = np.r_[True, pair[1:] != pair[:-1]]
    starts, group = np.flatnonzero(new_pair), np.cumsum(new_pair) - 1
    is_review = table.session_kind[in_order] == REVIEW_CODE
    # The n-th review of its pair: reviews counted from the pair's start.
    reviews_so_far = np.cumsum(is_review)
    before_pair = np.r_[0, reviews_so_far][starts][group]
    ordinal = np.where(is_review, np.minimum(reviews_so_far - before_pair, LATER_REVIEWS), -1)
    first = np.zeros(in_order.size, dtype=bool)
    first[starts] = True
    reviewed = np.bincount(group, weights=is_review, minlength=starts.size) > 0
    ordinal = np.where(first & ~is_review, 0, ordinal)
    keep = (ordinal >= 0) & reviewed[group]
    return ReviewSection(_rows(table, s, in_order[keep], ordinal[keep]), int(reviewed.sum()))


def _rows(
    table: AnswerTable, s: Scored, rows: NDArray[Any], ordinal: NDArray[Any]
) -> tuple[ReviewRow, ...]:
    """Counts per (team, attempt), then per attempt for everyone."""
    slots = LATER_REVIEWS + 1
    out: list[ReviewRow] = []
    teams = sorted(range(len(table.teams)), key=lambda t: table.teams[t])
    for team in [*teams, -1]:
        mine = ordinal if team < 0 else np.where(table.team[rows] == team, ordinal, -1)
        n = np.bincount(mine[mine >= 0], minlength=slots)
        right = np.bincount(mine[(mine >= 0) & s.correct[rows]], minlength=slots)
        present = np.flatnonzero(n)
        for k, (accuracy, ci) in zip(present, wilsons(right[present], n[present]), strict=True):
            name = "" if team < 0 else table.teams[team]
            out.append(ReviewRow(name, int(k), int(n[k]), int(right[k]), accuracy, ci))
    return tuple(out)
