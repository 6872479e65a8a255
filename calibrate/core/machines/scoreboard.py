"""The scoreboard: each model run's figures per pack beside the humans' on the same pack,
and the pieces a run is built from (the catalog's rows turned into per-pack codes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from calibrate.core.machines.room import Humans, Room
from calibrate.core.machines.score import PackRun, PackScore, RunScore, score_run


@dataclass(frozen=True)
class RunDecisions:
    """A run's decisions as the store reads them, with the goldens they were recorded
    against and each pack version's (ladder, decisions)."""

    pack_id: Sequence[str]
    case_id: Sequence[str]
    decision: Sequence[str]
    golden: Sequence[str]
    score: Sequence[float | None]
    ladders: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]


@dataclass(frozen=True)
class ScoreboardEntry:
    """One run on one pack, beside the humans on that pack."""

    rater: str
    version: str | None
    imported_at: str
    pack: PackScore
    humans: Humans


@dataclass(frozen=True)
class Scoreboard:
    entries: tuple[ScoreboardEntry, ...]

    def figures(self) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
        """Header and rows of the figures table: one row per run and pack."""
        return FIGURES_HEADER, [figures_row(e) for e in self.entries]

    def disagreements(self) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
        """Header and rows of every entry's disagreements."""
        return DISAGREEMENTS_HEADER, [r for e in self.entries for r in disagreement_rows(e)]


def labels_of(
    ladder: Sequence[str], decisions: Sequence[str], *seen: Sequence[str]
) -> tuple[str, ...]:
    """A pack's decisions in ladder order, those off the ladder (escalate) last, then any
    decision an older case version or the run holds that the pack no longer lists."""
    out = list(ladder) + [d for d in decisions if d not in ladder]
    for values in seen:
        out += [v for v in dict.fromkeys(values) if v not in out]
    return tuple(out)


def pack_runs(rows: RunDecisions, room: Room) -> list[PackRun]:
    """The decisions grouped by pack (rows come in pack order), the room's split beside."""
    out: list[PackRun] = []
    start = 0
    n = len(rows.pack_id)
    while start < n:
        pack_id = rows.pack_id[start]
        end = start
        while end < n and rows.pack_id[end] == pack_id:
            end += 1
        ladder, decisions = rows.ladders.get(pack_id, ((), ()))
        model, golden = rows.decision[start:end], rows.golden[start:end]
        labels = labels_of(ladder, decisions, golden, model)
        code = {label: i for i, label in enumerate(labels)}
        case_ids = tuple(rows.case_id[start:end])
        scores = [np.nan if s is None else s for s in rows.score[start:end]]
        out.append(
            PackRun(
                pack_id,
                labels,
                tuple(ladder),
                case_ids,
                np.array([code[d] for d in model], dtype=np.int64),
                np.array([code[d] for d in golden], dtype=np.int64),
                np.array(scores, dtype=float),
                room.counts(pack_id, labels, case_ids),
            )
        )
        start = end
    return out


def scored(rater: str, version: str | None, rows: RunDecisions, room: Room) -> RunScore:
    """One run scored against the golden set and the room."""
    return score_run(rater, version, pack_runs(rows, room))


def entries_of(run: RunScore, imported_at: str, room: Room) -> list[ScoreboardEntry]:
    """The scoreboard's rows of one scored run."""
    return [
        ScoreboardEntry(run.rater, run.version, imported_at, p, room.humans(p.pack_id))
        for p in run.packs
    ]


FIGURES_HEADER = (
    "rater",
    "version",
    "pack",
    "cases",
    "accuracy",
    "accuracy_ci_low",
    "accuracy_ci_high",
    "humans_mean_accuracy",
    "humans_lowest_accuracy",
    "humans_highest_accuracy",
    "moderators",
    "kappa_vs_golden",
    "kappa_vs_golden_ci_low",
    "kappa_vs_golden_ci_high",
    "kappa_vs_room",
    "agreement_with_room",
    "room_cases",
    "over_enforcement",
    "under_enforcement",
    "missed_escalations",
    "unneeded_escalations",
    "brier",
    "humans_brier",
)
DISAGREEMENTS_HEADER = (
    "rater",
    "version",
    "pack",
    "case",
    "golden",
    "model",
    "model_score",
    "room_majority",
    "room_share_with_model",
    "room_answers",
    "room_split",
)


def figures_row(e: ScoreboardEntry) -> tuple[object, ...]:
    """One run × pack as the figures table (and its CSV) shows it."""
    p, s = e.pack, e.pack.summary
    accuracy, ci = p.accuracy
    kappa_ci = p.kappa_golden.ci95
    return (
        e.rater,
        e.version or "",
        p.pack_id,
        s.scored,
        accuracy,
        ci[0] if ci else None,
        ci[1] if ci else None,
        e.humans.mean,
        e.humans.lowest,
        e.humans.highest,
        e.humans.moderators,
        p.kappa_golden.value,
        kappa_ci[0] if kappa_ci else None,
        kappa_ci[1] if kappa_ci else None,
        p.kappa_room.value,
        p.room_agreement[0],
        p.room_agreement[1],
        s.over / s.scored if s.scored else None,
        s.under / s.scored if s.scored else None,
        s.missed_escalations,
        s.unneeded_escalations,
        p.brier[0],
        e.humans.calibration.brier if e.humans.calibration else None,
    )


def disagreement_rows(e: ScoreboardEntry) -> list[tuple[object, ...]]:
    """The entry's cases where the room mostly chose otherwise, most disagreement first."""
    return [
        (
            e.rater,
            e.version or "",
            d.pack_id,
            d.case_id,
            d.golden,
            d.model,
            d.score,
            d.room_majority,
            d.room_share_with_model,
            sum(n for _, n in d.room),
            "; ".join(f"{label}={n}" for label, n in d.room),
        )
        for d in e.pack.disagreements
    ]
