"""A model run scored on the golden set and against the room, pack by pack, then pooled.

The arithmetic is the lead dashboard's: `scoring.score_codes` on each pack's ladder for
over/under-enforcement and escalations, Wilson intervals, Cohen's κ with its asymptotic
interval, the Brier score and reliability bins of core/metrics/confidence.py (through
core/lead/trend.calibration_row, as the Confidence tab draws the humans'). The room is the
humans' first non-skipped answer per moderator and case (core/machines/room.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core import scoring
from calibrate.core.lead.scored_answers import Interval, wilson
from calibrate.core.lead.sections.trend import CalibrationRow
from calibrate.core.lead.trend import calibration_row
from calibrate.core.metrics.agreement import Estimate, cohen_kappa
from calibrate.core.metrics.confidence import brier_score
from calibrate.core.metrics.estimate import MIN_PAIRED_CASES, too_few_cases

ACCURACY_METHOD = "Wilson score interval, z = 1.959964"
MIN_ROOM = 3  # human answers a case needs before the room's majority is read


@dataclass(frozen=True)
class PackRun:
    """One run's decisions in one pack, as codes into `labels` (ladder order, off-ladder
    decisions such as escalate last). `room`: per case, the humans' counts per label."""

    pack_id: str
    labels: tuple[str, ...]
    ladder: tuple[str, ...]
    case_ids: tuple[str, ...]
    model: NDArray[Any]  # int code per case
    golden: NDArray[Any]  # int code per case (the golden of the version decided against)
    score: NDArray[Any]  # float per case, NaN without a score
    room: NDArray[Any]  # int, cases × labels


@dataclass(frozen=True)
class Disagreement:
    """A case where the room mostly chose otherwise than the model."""

    pack_id: str
    case_id: str
    golden: str
    model: str
    room_majority: str | None  # None: no unique majority
    room_share_with_model: float  # share of the room that chose the model's decision
    room: tuple[tuple[str, int], ...]  # (decision, answers), label order
    score: float | None


@dataclass(frozen=True)
class PackScore:
    pack_id: str
    labels: tuple[str, ...]
    ladder_size: int  # the first labels are the ladder's rungs
    confusion: NDArray[Any]  # golden × model counts
    summary: scoring.EnforcementSummary
    kappa_golden: Estimate
    kappa_room: Estimate
    room_agreement: tuple[float | None, int]  # share matching the room majority, its n
    brier: tuple[float | None, int]
    calibration: CalibrationRow | None  # the model's scores vs being right (None: no scores)
    disagreements: tuple[Disagreement, ...]

    @property
    def accuracy(self) -> tuple[float | None, Interval]:
        return wilson(self.summary.correct, self.summary.scored)


@dataclass(frozen=True)
class RunScore:
    rater: str
    version: str | None
    packs: tuple[PackScore, ...]

    def pooled(self) -> scoring.EnforcementSummary:
        """The packs' outcome counts added up (rung distances are not comparable across
        packs, so the pooled summary carries none)."""
        total = dict.fromkeys(("scored", "correct", "over", "under", "missed_escalations"), 0) | {
            "unneeded_escalations": 0,
            "skipped": 0,
        }
        for p in self.packs:
            for key in total:
                total[key] += getattr(p.summary, key)
        return scoring.EnforcementSummary(
            **total, mean_over_distance=None, mean_under_distance=None
        )

    def pooled_brier(self) -> tuple[float | None, int]:
        n = sum(p.brier[1] for p in self.packs)
        if n == 0:
            return None, 0
        return sum((p.brier[0] or 0.0) * p.brier[1] for p in self.packs) / n, n


def room_majority(room: NDArray[Any]) -> NDArray[Any]:
    """Per case, the label code the room's unique majority chose, -1 where the room has
    fewer than MIN_ROOM answers or its top count is shared."""
    if room.size == 0:
        return np.full(room.shape[0], -1, dtype=np.int64)
    top = room.max(axis=1)
    unique = (room == top[:, None]).sum(axis=1) == 1
    eligible = (room.sum(axis=1) >= MIN_ROOM) & unique
    return np.where(eligible, room.argmax(axis=1), -1).astype(np.int64)


def kappa(first: NDArray[Any], second: NDArray[Any], k: int) -> Estimate:
    """Cohen's κ as `calibrate agreement` computes it; below MIN_PAIRED_CASES cases it keeps
    its value and says it is too few to read."""
    estimate = cohen_kappa(first, second, k)
    if estimate.note is None and estimate.n < MIN_PAIRED_CASES:
        return Estimate(
            estimate.value,
            estimate.ci95,
            estimate.method,
            too_few_cases(estimate.n),
            estimate.se,
            estimate.n,
        )
    return estimate


def score_pack(p: PackRun, shown: int = 10) -> PackScore:
    """Every figure of one pack; `shown` disagreements at most."""
    k = len(p.labels)
    rungs = scoring.rungs_of(p.labels, p.ladder)
    outcome, distance = scoring.score_codes(p.model, p.golden, rungs)
    correct = p.model == p.golden
    confusion = np.bincount(p.golden * k + p.model, minlength=k * k).reshape(k, k)
    majority = room_majority(p.room)
    with_room = majority >= 0
    agree = int(np.count_nonzero(p.model[with_room] == majority[with_room]))
    n_room = int(np.count_nonzero(with_room))
    scored = ~np.isnan(p.score)
    calibration = (
        calibration_row("model", p.score[scored], correct[scored]) if scored.any() else None
    )
    return PackScore(
        p.pack_id,
        p.labels,
        len(p.ladder),
        confusion,
        scoring.summarize(outcome, distance),
        kappa(p.golden, p.model, k),
        kappa(majority, np.where(with_room, p.model, -1), k),
        (agree / n_room if n_room else None, n_room),
        (brier_score(p.score[scored], correct[scored]), int(np.count_nonzero(scored))),
        calibration,
        disagreements(p, majority, shown),
    )


def disagreements(p: PackRun, majority: NDArray[Any], shown: int) -> tuple[Disagreement, ...]:
    """The cases with a room of MIN_ROOM or more where the fewest humans chose the model's
    decision (ties: the larger room first), those where the majority chose otherwise."""
    total = p.room.sum(axis=1)
    with_model = p.room[np.arange(len(p.case_ids)), p.model] if len(p.case_ids) else total
    share = np.divide(with_model, total, out=np.ones(total.size), where=total > 0)
    candidates = np.flatnonzero((total >= MIN_ROOM) & (share < 0.5))
    order = candidates[np.lexsort((-total[candidates], share[candidates]))][:shown]
    return tuple(
        Disagreement(
            p.pack_id,
            p.case_ids[i],
            p.labels[p.golden[i]],
            p.labels[p.model[i]],
            p.labels[majority[i]] if majority[i] >= 0 else None,
            float(share[i]),
            tuple((p.labels[j], int(n)) for j, n in enumerate(p.room[i]) if n),
            None if np.isnan(p.score[i]) else float(p.score[i]),
        )
        for i in order.tolist()
    )


def score_run(rater: str, version: str | None, packs: list[PackRun]) -> RunScore:
    """Every pack of a run scored (packs in id order)."""
    return RunScore(
        rater, version, tuple(score_pack(p) for p in sorted(packs, key=lambda p: p.pack_id))
    )


def _estimate_json(e: Estimate) -> dict[str, object]:
    out = e.as_json()
    out["note"] = e.note
    return out


def run_json(run: RunScore) -> dict[str, object]:
    """The object `calibrate machine score --json` prints (docs/machine-raters.md)."""
    pooled = run.pooled()
    value, ci = wilson(pooled.correct, pooled.scored)
    n = pooled.scored
    brier, brier_n = run.pooled_brier()
    return {
        "rater": run.rater,
        "version": run.version,
        "cases": n,
        "accuracy": {
            "value": value,
            "correct": pooled.correct,
            "n": n,
            "ci95": list(ci) if ci else None,
            "method": ACCURACY_METHOD,
        },
        "over_enforcement": {"value": pooled.over / n if n else None, "n": n},
        "under_enforcement": {"value": pooled.under / n if n else None, "n": n},
        "missed_escalations": pooled.missed_escalations,
        "unneeded_escalations": pooled.unneeded_escalations,
        "brier": {"value": brier, "n": brier_n},
        "packs": {
            p.pack_id: {
                "confusion_matrix": {
                    "labels": list(p.labels),
                    "counts": p.confusion.astype(int).tolist(),
                },
                "cohen_kappa_vs_golden": _estimate_json(p.kappa_golden),
                "cohen_kappa_vs_room_majority": _estimate_json(p.kappa_room),
                "agreement_with_room_majority": {
                    "value": p.room_agreement[0],
                    "n": p.room_agreement[1],
                },
            }
            for p in run.packs
        },
        "warnings": [],
    }
