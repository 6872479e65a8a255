"""How one simulated moderator answers one case: time taken, clip watched, decision, clause,
confidence and note, each drawn from their latent skill, bias and habits."""

from __future__ import annotations

from typing import Any

import numpy as np

from calibrate.core.demo_history.moderators import Moderator
from calibrate.core.demo_history.words import AMBIGUOUS, NOTES
from calibrate.core.models import CONFIDENCE_LEVELS, Case, Pack

SPREAD = {"easy": 0.7, "medium": 1.0, "hard": 1.35}
WEEK_MS = 7 * 86_400_000


class Behaviour:
    """The draws of one answer. `rng` is the simulation's own stream (shared, so the order of
    calls is part of the seed's history); `watch_rng` is the watching stream alone."""

    def __init__(
        self, rng: np.random.Generator, watch_rng: np.random.Generator, first_day_ms: int
    ) -> None:
        self.rng = rng
        self.watch_rng = watch_rng
        self.first_day_ms = first_day_ms  # midnight in Lisbon of the first working day
        self.hurry: dict[str, float] = {}  # profile id -> chance of answering unwatched
        # "Where does it show?" marks: their own stream, so adding them shifted nothing else.
        self.mark_rng = np.random.default_rng(0)

    def timing(self, m: Moderator, case: Case, skipped: bool) -> tuple[int, int]:
        """Time to answer and time watched, in ms; a skip happens at the warning card."""
        rng = self.rng
        if skipped:
            return int(rng.integers(3_000, 15_000)), int(rng.integers(0, 2_000))
        clip = (
            int(max([c.at for c in case.cues] + [x.end for x in case.moments] + [5.0]) * 1000)
            + 1500
        )
        median = {"easy": 18_000, "hard": 45_000}.get(case.difficulty or "", 30_000)
        tta = int(median * m.speed * np.exp(rng.normal(0.0, 0.35))) + clip
        watched = min(int(clip * rng.uniform(1.0, 2.4)), tta - int(rng.integers(1_500, 4_000)))
        return tta, max(0, watched)

    def watching(self, m: Moderator, watched_ms: int, skipped: bool) -> dict[str, Any]:
        """watched_ms/watched_share/clip_unavailable of one answer: most moderators watch
        the whole clip; a few hurried ones sometimes answer after a glance (core/watching).
        Every demo clip plays, so none is unavailable."""
        rng = self.watch_rng
        if m.profile.id not in self.hurry:
            self.hurry[m.profile.id] = (
                float(rng.uniform(0.12, 0.3))
                if rng.random() < 0.15
                else float(rng.uniform(0.0, 0.03))
            )
        if skipped:  # skipped at the warning card: the clip never played
            return {"watched_ms": 0, "watched_share": 0.0, "clip_unavailable": False}
        if rng.random() < self.hurry[m.profile.id]:
            share = round(float(rng.uniform(0.05, 0.45)), 3)
            return {
                "watched_ms": int(watched_ms * share),
                "watched_share": share,
                "clip_unavailable": False,
            }
        share = 1.0 if rng.random() < 0.8 else round(float(rng.uniform(0.7, 1.0)), 3)
        return {"watched_ms": watched_ms, "watched_share": share, "clip_unavailable": False}

    def mark(self, m: Moderator, case: Case, skipped: bool) -> float | None:
        """The moment a moderator marks where the case asks (core/moments.py): most mark;
        the sharper (less noisy) ones land on a golden moment, the others nearby or
        anywhere in the clip; a few leave it unmarked."""
        if skipped or not case.mark_moment or not case.moments:
            return None
        rng = self.mark_rng
        if rng.random() < 0.08:
            return None
        moment = case.moments[int(rng.integers(len(case.moments)))]
        if rng.random() < 1.05 - m.noise:  # saw it: a frame within the moment
            at = rng.uniform(moment.start, moment.end)
        else:  # a moment before or after it, or a guess at the clip
            at = moment.start + rng.choice([-1, 1]) * rng.uniform(1.0, 3.5) * (1 + m.noise)
        return round(max(0.0, float(at)), 3)

    def decide(
        self, m: Moderator, pack: Pack, case: Case, kind: str, shown: int
    ) -> tuple[str, str | None, int | None]:
        """The decision, clause and (for ambiguous cases) the reading the moderator took."""
        rng, ladder = self.rng, pack.scale.ladder
        week = (shown - self.first_day_ms) // WEEK_MS
        noise = (
            m.noise
            * SPREAD.get(case.difficulty or "", 1.0)
            * (1 - 0.03 * week)
            * (0.85 if pack.id == m.own_pack else 1.1)
            * {"retake": 0.75, "review": 0.7}.get(kind, 1.0)
        )
        target, clauses, reading = case.golden.decision, case.golden.clauses, None
        if case.id in AMBIGUOUS:
            reading = m.camps[case.id]
            if kind == "retake" and rng.random() < 0.2:
                reading = 1 - reading  # the discussion moved them
            target, clause, _ = AMBIGUOUS[case.id][reading]
            clauses = (clause,)
        if target not in ladder:  # escalate: the one case where removing is the wrong reflex
            if rng.random() < 1 / (1 + np.exp(-(2.4 - 4.0 * (noise - 0.3)))):
                return target, clauses[0], reading
            miss = str(rng.choice(["remove", ladder[-2], ladder[0]], p=[0.7, 0.2, 0.1]))
            return miss, self._clause_for(pack, miss), reading
        if case.severity in ("high", "critical") and rng.random() < 0.012:
            return "escalate", self._clause_for(pack, "escalate"), reading
        x = ladder.index(target) + m.bias + noise * rng.normal()
        decision = ladder[int(np.clip(np.rint(x), 0, len(ladder) - 1))]
        if rng.random() < 0.07:
            return decision, None, reading  # the clause is optional and some leave it out
        if decision == target:
            return decision, clauses[0] if rng.random() < 0.85 else self._any_clause(pack), reading
        return decision, self._clause_for(pack, decision), reading

    def _clause_for(self, pack: Pack, decision: str) -> str:
        """The clause a moderator cites for a decision: one that decides it in another case."""
        fitting = sorted(
            {
                c
                for case in pack.cases.values()
                if case.golden.decision == decision
                for c in case.golden.clauses
            }
        )
        return fitting[int(self.rng.integers(len(fitting)))] if fitting else self._any_clause(pack)

    def _any_clause(self, pack: Pack) -> str:
        return pack.clauses[int(self.rng.integers(len(pack.clauses)))].id

    def confidence(self, m: Moderator, case: Case, correct: bool) -> float | None:
        """A labelled step, higher when right; some moderators are surer than they should be."""
        if self.rng.random() < 0.04:
            return None
        latent = (
            1.3 * correct
            + m.overconfidence
            - 0.5 * (case.difficulty == "hard")
            + self.rng.normal(0.0, 0.7)
        )
        return CONFIDENCE_LEVELS[int(np.searchsorted([-0.4, 0.3, 0.9, 1.7], latent))][0]

    def note(self, m: Moderator, case: Case, decision: str, reading: int | None) -> str:
        if reading is not None and decision == AMBIGUOUS[case.id][reading][0]:
            kind, rate = "ambiguous", 0.3
        elif case.golden.decision == "escalate" and decision != "escalate":
            kind, rate = "missed_escalation", 0.4
        elif decision == case.golden.decision:
            kind, rate = "correct", 0.04
        else:
            kind, rate = "wrong", 0.12
        if self.rng.random() >= rate * m.note_rate:
            return ""
        if kind == "ambiguous":
            return AMBIGUOUS[case.id][reading][2]  # type: ignore[index]
        return NOTES[kind][int(self.rng.integers(len(NOTES[kind])))]
