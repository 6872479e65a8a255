"""What the humans did on the cases a model decided: the room's split per case and the
moderators' accuracy and stated confidence, from the dashboard's answer table.

The room is the dashboard's: each moderator's first non-skipped answer per case
(`first_answers`), whatever session it came from. A model run is never in the answer table,
so it never counts in the room, in human agreement, completion or the roster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import Scored, first_answers, score_table
from calibrate.core.lead.sections.trend import CalibrationRow
from calibrate.core.lead.trend import calibration_row
from calibrate.core.metrics.answer_table import AnswerTable


@dataclass(frozen=True)
class Humans:
    """The moderators on one pack, on their first answers: accuracy per moderator (mean
    and range), pooled, and their stated confidence against being right."""

    moderators: int
    answers: int
    correct: int
    mean: float | None
    lowest: float | None
    highest: float | None
    calibration: CalibrationRow | None


class Room:
    """The first answers of an answer table, scored once, for any number of packs."""

    def __init__(self, table: AnswerTable):
        self.table = table
        self.scored: Scored = score_table(table)
        self.first = first_answers(table, self.scored)

    def counts(self, pack_id: str, labels: Sequence[str], case_ids: Sequence[str]) -> NDArray[Any]:
        """Per case of `case_ids` (in pack `pack_id`), the first answers per label."""
        t, k = self.table, len(labels)
        out = np.zeros((len(case_ids), k), dtype=np.int64)
        if pack_id not in t.packs or not len(case_ids):
            return out
        at = {f"{pack_id}/{case}": i for i, case in enumerate(case_ids)}
        position = np.array([at.get(key, -1) for key in t.cases] + [-1], dtype=np.int64)
        label = np.array([_index(labels, d) for d in t.decisions] + [-1], dtype=np.int64)
        rows = self.first[t.pack[self.first] == t.packs.index(pack_id)]
        where, chosen = position[t.case[rows]], label[t.decision[rows]]
        keep = (where >= 0) & (chosen >= 0)
        flat = np.bincount(where[keep] * k + chosen[keep], minlength=len(case_ids) * k)
        return flat.reshape(len(case_ids), k)

    def humans(self, pack_id: str) -> Humans:
        """The moderators' figures on pack `pack_id` (zeros where nobody answered it)."""
        t = self.table
        if pack_id not in t.packs:
            return Humans(0, 0, 0, None, None, None, None)
        rows = self.first[t.pack[self.first] == t.packs.index(pack_id)]
        size = max(len(t.profile_ids), 1)
        right = self.scored.correct[rows]
        n = np.bincount(t.profile[rows], minlength=size)
        hits = np.bincount(t.profile[rows[right]], minlength=size)
        who = n > 0
        share = hits[who] / n[who]
        stated = ~np.isnan(t.confidence[rows])
        calibration = (
            calibration_row("humans", t.confidence[rows][stated], right[stated])
            if stated.any()
            else None
        )
        return Humans(
            int(np.count_nonzero(who)),
            int(rows.size),
            int(right.sum()),
            float(share.mean()) if share.size else None,
            float(share.min()) if share.size else None,
            float(share.max()) if share.size else None,
            calibration,
        )


def _index(labels: Sequence[str], decision: str) -> int:
    return labels.index(decision) if decision in labels else -1
