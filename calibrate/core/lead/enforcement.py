"""Accuracy per reviewer, confusion per pack, over/under per team and site, critical errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import Scored, latest_per, wilsons
from calibrate.core.lead.sections.enforcement import (
    ConfusionMatrix,
    ConfusionSection,
    CriticalError,
    CriticalSection,
    EnforcementRow,
    EnforcementSection,
    ReviewerAccuracy,
    ReviewerRow,
    TeamPackRow,
)
from calibrate.core.metrics.accuracy import Z95
from calibrate.core.metrics.answer_table import SESSION_KIND_CODES, AnswerTable
from calibrate.core.scoring import Outcome
from calibrate.core.watching import NOT_WATCHED, UNKNOWN


def reviewer_accuracy(table: AnswerTable, s: Scored, target: float) -> ReviewerAccuracy:
    """Accuracy of every reviewer with an answer in view (skips excluded from n)."""
    size = len(table.profile_ids)
    n = np.bincount(table.profile[s.scored], minlength=size)
    correct = np.bincount(table.profile[s.correct], minlength=size)
    answered = np.bincount(table.profile, minlength=size) > 0
    latest = latest_per(table.profile, s, size)
    answered_known = ~table.skipped & (table.not_watched != UNKNOWN)
    known = np.bincount(table.profile[answered_known], minlength=size)
    unwatched = np.bincount(
        table.profile[answered_known & (table.not_watched == NOT_WATCHED)], minlength=size
    )
    rows: list[ReviewerRow] = []
    shown = np.flatnonzero(answered)
    for p, (accuracy, ci) in zip(shown, wilsons(correct[shown], n[shown]), strict=True):
        i = latest[p]
        rows.append(
            ReviewerRow(
                profile_id=table.profile_ids[p],
                name=table.profile_names[p],
                team=table.teams[table.team[i]],
                site=table.sites[table.site[i]],
                n=int(n[p]),
                correct=int(correct[p]),
                accuracy=accuracy,
                ci=ci,
                below_target=accuracy is not None and accuracy < target,
                clearly_below=ci is not None and ci[1] < target,
                not_watched=float(unwatched[p] / known[p]) if known[p] else None,
            )
        )
    rows.sort(
        key=lambda r: (math.inf if r.accuracy is None else r.accuracy, -r.n, r.name, r.profile_id)
    )
    return ReviewerAccuracy(target, tuple(rows))


def confusion(table: AnswerTable, s: Scored) -> ConfusionSection:
    """Golden × chosen counts per pack: ladder order first, then off-ladder decisions."""
    matrices: list[ConfusionMatrix] = []
    k = len(table.decisions)
    for p, pack_id in sorted(enumerate(table.packs), key=lambda item: item[1]):
        rows = s.scored & (table.pack == p)
        if not rows.any():
            continue
        info = table.pack_info.get(pack_id)
        ladder = list(info.ladder) if info else []
        seen = np.flatnonzero(
            np.bincount(np.concatenate([table.decision[rows], table.golden[rows]]), minlength=k)
        )
        listed = ladder + [d for d in (info.decisions if info else ()) if d not in ladder]
        labels = listed + sorted(
            table.decisions[c] for c in seen if table.decisions[c] not in listed
        )
        local = np.array(
            [labels.index(d) if d in labels else 0 for d in table.decisions], dtype=np.int64
        )
        m = len(labels)
        flat = np.bincount(
            local[table.golden[rows]] * m + local[table.decision[rows]], minlength=m * m
        )
        matrices.append(ConfusionMatrix(pack_id, tuple(labels), len(ladder), flat.reshape(m, m)))
    return ConfusionSection(tuple(matrices))


def net_enforcement(
    over: int, under: int, n: int
) -> tuple[float | None, tuple[float, float] | None]:
    """(over − under) / n with a delta-method 95 % interval on the multinomial."""
    if n <= 0:
        return None, None
    p_o, p_u = over / n, under / n
    net = p_o - p_u
    half = Z95 * math.sqrt(max(p_o + p_u - net * net, 0.0) / n)
    return net, (net - half, net + half)


def _tallies(codes: NDArray[Any], size: int, s: Scored) -> list[tuple[Any, ...]]:
    """Per group code with scored answers: (code, n, correct, over, under, missed
    escalations, unneeded escalations, net, net interval)."""
    # One counting pass for every (group, outcome) rather than a masked pass per outcome.
    kinds = len(Outcome)
    tally = np.bincount(codes.astype(np.int64) * kinds + s.outcome, minlength=size * kinds).reshape(
        size, kinds
    )
    n = np.bincount(codes[s.scored], minlength=size)
    out = []
    for g in np.flatnonzero(n):
        over, under = int(tally[g, Outcome.OVER]), int(tally[g, Outcome.UNDER])
        net, ci = net_enforcement(over, under, int(n[g]))
        out.append(
            (
                int(g),
                int(n[g]),
                int(tally[g, Outcome.CORRECT]),
                over,
                under,
                int(tally[g, Outcome.MISSED_ESCALATION]),
                int(tally[g, Outcome.UNNEEDED_ESCALATION]),
                net,
                ci,
            )
        )
    return out


def _enforcement_rows(
    level: str, codes: NDArray[Any], names: tuple[str, ...], s: Scored
) -> tuple[EnforcementRow, ...]:
    rows = [EnforcementRow(level, names[g], *rest) for g, *rest in _tallies(codes, len(names), s)]
    return tuple(sorted(rows, key=lambda r: r.group))


def _team_pack_rows(table: AnswerTable, s: Scored) -> tuple[TeamPackRow, ...]:
    """Per team × pack: where a team's lean on one policy hides in its overall figure."""
    n_packs = max(len(table.packs), 1)
    codes = table.team.astype(np.int64) * n_packs + table.pack
    rows = [
        TeamPackRow(table.teams[g // n_packs], table.packs[g % n_packs], *rest)
        for g, *rest in _tallies(codes, len(table.teams) * n_packs, s)
    ]
    return tuple(sorted(rows, key=lambda r: (r.team, r.pack)))


def enforcement(table: AnswerTable, s: Scored) -> EnforcementSection:
    """Over/under counts and net enforcement per team, per site (as answered) and per team ×
    pack."""
    return EnforcementSection(
        _enforcement_rows("team", table.team, table.teams, s),
        _enforcement_rows("site", table.site, table.sites, s),
        _team_pack_rows(table, s),
    )


def critical_errors(table: AnswerTable, s: Scored) -> CriticalSection:
    """Every missed escalation as its own row, newest first; unneeded escalations counted."""
    missed = np.flatnonzero(s.outcome == Outcome.MISSED_ESCALATION)
    missed = missed[np.argsort(table.answered_at[missed], kind="stable")[::-1]]
    answer_ids = table.answer_ids(missed)
    rows = tuple(
        CriticalError(
            answer_id=answer_id,
            reviewer=table.profile_names[table.profile[i]],
            team=table.teams[table.team[i]],
            site=table.sites[table.site[i]],
            pack=table.packs[table.pack[i]],
            case=table.cases[table.case[i]].split("/", 1)[-1],
            chosen=table.decisions[table.decision[i]],
            session_kind=SESSION_KIND_CODES[table.session_kind[i]],
            answered_at=table.answered_at[i].astype("datetime64[ms]").item(),
        )
        for i, answer_id in zip(missed, answer_ids, strict=True)
    )
    unneeded = s.outcome == Outcome.UNNEEDED_ESCALATION
    per_team = np.bincount(table.team[unneeded], minlength=len(table.teams))
    return CriticalSection(
        rows,
        int(unneeded.sum()),
        tuple((table.teams[t], int(per_team[t])) for t in np.flatnonzero(per_team)),
    )
