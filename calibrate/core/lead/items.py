"""Item analysis for the trainer: which cases split strong reviewers, which most get wrong."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import Scored, latest_per
from calibrate.core.lead.sections.items import ItemRow, ItemSection
from calibrate.core.metrics.answer_table import AnswerTable
from calibrate.core.metrics.items import item_analysis
from calibrate.core.metrics.ratings import RatingsTable


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def current_golden(table: AnswerTable, s: Scored) -> NDArray[Any]:
    """Golden decision code per case code: that of the case's newest answer (its current
    version, should a golden answer have changed)."""
    latest = latest_per(table.case, s, len(table.cases))
    return np.where(latest >= 0, table.golden[np.maximum(latest, 0)], -1).astype(np.int32)


def items(
    table: AnswerTable, s: Scored, first: NDArray[Any], disputes: Iterable[Mapping[str, object]]
) -> ItemSection:
    """Per case, on first answers: facility, discrimination, agreement, the split flag.

    Order: split cases first, most divided strong reviewers first; then the rest by lowest
    facility — the list a trainer fixes guidance from."""
    if first.size == 0:
        return ItemSection(())
    case_codes, case_local = np.unique(table.case[first], return_inverse=True)
    rater_codes, rater_local = np.unique(table.profile[first], return_inverse=True)
    ratings = RatingsTable(
        case_ids=tuple(table.cases[c] for c in case_codes),
        rater_ids=tuple(table.profile_ids[r] for r in rater_codes),
        categories=table.decisions,
        case=case_local.reshape(-1).astype(np.int32),
        rater=rater_local.reshape(-1).astype(np.int32),
        code=table.decision[first].astype(np.int32),
    )
    gold = current_golden(table, s)[case_codes]
    analysis = item_analysis(ratings, gold)
    counts = ratings.counts
    disputed = Counter(f"{d['pack_id']}/{d['case_id']}" for d in disputes)
    rows: list[ItemRow] = []
    for i, key in enumerate(ratings.case_ids):
        pack, case = key.split("/", 1)
        strong_code = int(analysis.strong_modal_code[i])
        rows.append(
            ItemRow(
                pack=pack,
                case=case,
                golden=table.decisions[gold[i]] if gold[i] >= 0 else "",
                n=int(analysis.answers[i]),
                facility=_opt(analysis.facility[i]),
                discrimination=_opt(analysis.discrimination[i]),
                agreement=_opt(analysis.agreement[i]),
                strong=int(analysis.strong[i]),
                strong_majority=table.decisions[strong_code] if strong_code >= 0 else None,
                strong_majority_share=_opt(analysis.strong_modal_share[i]),
                split=bool(analysis.split[i]),
                distribution=_distribution(table, pack, counts[i]),
                disputes=disputed.get(key, 0),
            )
        )
    return ItemSection(tuple(sorted(rows, key=_trainer_order)))


def _distribution(
    table: AnswerTable, pack: str, counts: NDArray[Any]
) -> tuple[tuple[str, int], ...]:
    """(decision, answers) of one case: the pack's decisions in its order, each even when
    nobody chose it, then any other decision chosen."""
    info = table.pack_info.get(pack)
    own = tuple(info.decisions) if info else ()
    order = list(own) + sorted(d for d in table.decisions if d not in own)
    index = {d: j for j, d in enumerate(table.decisions)}
    return tuple(
        (d, int(counts[index[d]])) for d in order if d in index and (counts[index[d]] or d in own)
    )


def _trainer_order(r: ItemRow) -> tuple[Any, ...]:
    """Split cases first, most divided strong reviewers first; then lowest facility."""
    if r.split:
        return (
            0,
            r.strong_majority_share if r.strong_majority_share is not None else 1.0,
            r.pack,
            r.case,
        )
    return (1, r.facility if r.facility is not None else math.inf, -r.n, r.pack, r.case)
