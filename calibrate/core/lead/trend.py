"""Weekly trend per team (accuracy, κ), attempts by session kind, confidence calibration."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.agreement import grouped_fleiss
from calibrate.core.lead.scored_answers import Scored, as_date, first_answers, group_codes, wilsons
from calibrate.core.lead.sections.trend import (
    AttemptRow,
    CalibrationRow,
    CalibrationSection,
    TrendPoint,
    TrendSection,
)
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES
from calibrate.core.metrics.answer_table import SESSION_KIND_CODES, AnswerTable
from calibrate.core.metrics.confidence import brier_score, reliability_curve

CONFIDENCE_BINS = 5  # the answer form offers five steps (0.2 … 0.95): one bin each


def _week_kappa(
    table: AnswerTable, first: NDArray[Any], slot: NDArray[Any], n_slots: int
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Per slot (a week, or a week × team): the case-weighted mean over packs of Fleiss' κ.

    κ is computed per slot × pack on the week's first answers; packs weigh by their cases
    rated twice or more, the cases that carry agreement information. Returns κ (NaN where
    undefined or resting on fewer than MIN_PAIRED_CASES such cases) and that count."""
    if first.size == 0:
        return np.full(n_slots, np.nan), np.zeros(n_slots, np.int64)
    k = max(len(table.decisions), 1)
    n_packs = max(len(table.packs), 1)
    group = slot[first].astype(np.int64) * n_packs + table.pack[first]
    kappa, n2 = grouped_fleiss(
        group, table.case[first], table.decision[first], k, n_slots * n_packs
    )
    kappa, n2 = kappa.reshape(n_slots, n_packs), n2.reshape(n_slots, n_packs)
    weight = np.where(np.isnan(kappa), 0, n2)
    total = weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(
            total >= max(MIN_PAIRED_CASES, 1),
            (np.nan_to_num(kappa) * weight).sum(axis=1) / total,
            np.nan,
        )
    return mean, total


def trend(table: AnswerTable, s: Scored) -> TrendSection:
    """Accuracy and κ per ISO week (Monday start, UTC), per team and for everyone.

    κ uses each reviewer's first answer per case within the week, under the team that
    answer was given in."""
    if len(table) == 0:
        return TrendSection((), (), (), ())
    week_slot, weeks = group_codes(s.week.astype(np.int64))
    first = first_answers(table, s, group=week_slot, n_groups=weeks.shape[0])
    points: list[TrendPoint] = []
    for per_team in (True, False):
        if per_team:
            slot, combos = group_codes(week_slot, table.team)
        else:
            slot, combos = (
                week_slot,
                np.stack([np.arange(weeks.shape[0]), np.full(weeks.shape[0], -1)], axis=1),
            )
        n_slots = combos.shape[0]
        n = np.bincount(slot[s.scored], minlength=n_slots)
        right = np.bincount(slot[s.correct], minlength=n_slots)
        kappa, cases = _week_kappa(table, first, slot, n_slots)
        for g, (accuracy, ci) in enumerate(wilsons(right, n)):
            team = table.teams[combos[g, 1]] if combos[g, 1] >= 0 else ""
            points.append(
                TrendPoint(
                    as_date(np.datetime64(int(weeks[combos[g, 0], 0]), "D")),
                    team,
                    int(n[g]),
                    int(right[g]),
                    accuracy,
                    ci,
                    None if math.isnan(kappa[g]) else float(kappa[g]),
                    int(cases[g]),
                )
            )
    points.sort(key=lambda p: (p.team == "", p.team, p.week))
    return TrendSection(
        weeks=tuple(sorted({p.week for p in points})),
        teams=tuple(sorted({p.team for p in points if p.team})),
        points=tuple(points),
        attempts=attempts(table, s),
    )


def attempts(table: AnswerTable, s: Scored) -> tuple[AttemptRow, ...]:
    """Accuracy per team and session kind (first attempt vs retake, review, live)."""
    kinds = len(SESSION_KIND_CODES)
    slot = table.team.astype(np.int64) * kinds + table.session_kind
    size = len(table.teams) * kinds
    n = np.bincount(slot[s.scored], minlength=size)
    right = np.bincount(slot[s.correct], minlength=size)
    rows = []
    present = np.flatnonzero(n)
    for g, (accuracy, ci) in zip(present, wilsons(right[present], n[present]), strict=True):
        rows.append(
            AttemptRow(
                table.teams[g // kinds],
                SESSION_KIND_CODES[g % kinds],
                int(n[g]),
                int(right[g]),
                accuracy,
                ci,
            )
        )
    kind_order = {kind: i for i, kind in enumerate(SESSION_KIND_CODES)}
    return tuple(sorted(rows, key=lambda r: (r.team, kind_order[r.kind])))


def calibration_row(team: str, confidence: NDArray[Any], correct: NDArray[Any]) -> CalibrationRow:
    curve = reliability_curve(confidence, correct, bins=CONFIDENCE_BINS)

    def opt(values: NDArray[Any]) -> tuple[float | None, ...]:
        return tuple(None if math.isnan(v) else float(v) for v in values)

    return CalibrationRow(
        team=team,
        n=int(confidence.size),
        brier=brier_score(confidence, correct),
        calibration_error=curve.calibration_error,
        edges=tuple(float(e) for e in curve.edges),
        bin_count=tuple(int(c) for c in curve.count),
        bin_confidence=opt(curve.mean_confidence),
        bin_accuracy=opt(curve.accuracy),
    )


def calibration(table: AnswerTable, s: Scored) -> CalibrationSection:
    """Brier score and reliability bins per team, then for everyone (team "")."""
    rated = np.flatnonzero(s.scored & ~np.isnan(table.confidence))
    # Rated answers grouped by team once (stable: each team keeps its answers' order; numpy
    # radix-sorts 16-bit keys, a linear pass).
    team = table.team[rated]
    by_team = rated[
        np.argsort(team.astype(np.int16) if len(table.teams) < 1 << 15 else team, kind="stable")
    ]
    bounds = np.searchsorted(table.team[by_team], np.arange(len(table.teams) + 1))
    rows = [
        calibration_row(
            name,
            table.confidence[by_team[bounds[t] : bounds[t + 1]]],
            s.correct[by_team[bounds[t] : bounds[t + 1]]],
        )
        for t, name in sorted(enumerate(table.teams), key=lambda item: item[1])
        if bounds[t + 1] > bounds[t]
    ]
    if rated.size:
        rows.append(calibration_row("", table.confidence[rated], s.correct[rated]))
    return CalibrationSection(tuple(rows))
