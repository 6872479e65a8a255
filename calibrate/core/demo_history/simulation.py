"""The demo's six weeks: live rooms, self-paced first attempts, retakes and reviews.

`generate_history` is the entry. Every random draw comes from one seeded stream in a fixed
order (ids and watching from their own streams), so the same packs, seed and day give the
same rows: moving a draw changes the demo for every seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from calibrate.core.answer_rules import demo_id
from calibrate.core.demo_history.behaviour import Behaviour
from calibrate.core.demo_history.moderators import TEAMS, Moderator, hire
from calibrate.core.demo_history.records import (
    DemoHistory,
    DisputeRecord,
    SessionRecord,
    assemble_history,
    iso_ms,
)
from calibrate.core.demo_history.words import DEFAULT_SEED, DISPUTE_NOTES
from calibrate.core.demo_history.workdays import local_ms, working_days
from calibrate.core.models import Answer, Case, Lesson, Pack

WEEKS = 6
DEMO_PACKS = ("graphic-content", "harassment", "regulated-goods")
RELEASE_DAYS = (0, 2, 7, 12, 18, 25)  # working day each lesson is assigned, in rollout order


@dataclass(frozen=True)
class _Attempt:
    day: int
    answers: list[Answer]
    finished: bool


def generate_history(
    packs: Sequence[Pack],
    *,
    today: date,
    seed: int = DEFAULT_SEED,
    not_after: datetime | None = None,
) -> DemoHistory:
    """Six weeks of calibration ending today; sessions later than not_after are left out.

    Raises ValueError when a demo pack is missing from `packs`."""
    by_id = {p.id: p for p in packs}
    missing = [pack_id for pack_id in DEMO_PACKS if pack_id not in by_id]
    if missing:
        raise ValueError(f"the demo needs the bundled packs; missing: {', '.join(missing)}")
    return _Simulation([by_id[p] for p in DEMO_PACKS], today, seed).run(not_after)


class _Simulation:
    def __init__(self, packs: list[Pack], today: date, seed: int) -> None:
        streams = np.random.SeedSequence(seed).spawn(4)  # spawn(n)'s first children stay put
        self.rng = np.random.default_rng(streams[0])
        self.id_rng = np.random.default_rng(streams[1])  # ids never shift the simulation
        self.seed = seed
        self.packs = packs
        self.days = working_days(today, WEEKS * 5)
        # How much of each clip was shown: its own stream, so adding it shifted nothing else.
        watch_rng = np.random.default_rng(streams[2])
        self.behaviour = Behaviour(self.rng, watch_rng, self._local_ms(0, 0, 0, "Lisbon"))
        self.behaviour.mark_rng = np.random.default_rng(streams[3])  # marked moments alone
        self.sessions: list[SessionRecord] = []
        self.answers: list[Answer] = []
        self.disputes: list[DisputeRecord] = []
        self.moderators = hire(self.rng, self.new_id)
        ranked = sorted(
            ((i, n, p, lesson) for n, p in enumerate(packs) for i, lesson in enumerate(p.lessons)),
            key=lambda r: (r[0], r[1]),
        )
        self.lessons = [
            (p, lesson, RELEASE_DAYS[min(k, len(RELEASE_DAYS) - 1)])
            for k, (_, _, p, lesson) in enumerate(ranked)
        ]

    def new_id(self) -> str:
        """A demo UUID: seeded, and carrying the demo mark that keeps it out of real data."""
        return demo_id(self.id_rng.bytes(16))

    def _local_ms(self, day: int, hour: int, minute: int, site: str) -> int:
        return local_ms(self.days, day, hour, minute, site)

    # -- the schedule ------------------------------------------------------------------

    def run(self, not_after: datetime | None) -> DemoHistory:
        attended = self._live_rooms()
        for m in self.moderators:
            for pack, lesson, release in self.lessons:
                first = attended.get((m.profile.id, lesson.id))
                if first is None:
                    late = release < m.join_day
                    if self.rng.random() < (0.15 if late else 0.05):
                        continue  # not taken: the completion list has gaps
                    day = max(release, m.join_day) + int(self.rng.geometric(0.3)) - 1
                    first = self._self_paced(
                        m, pack, lesson, day, "first_attempt", pack.cases_of(lesson)
                    )
                if first is not None:  # None: not yet, the day is still to come
                    self._follow_up(m, pack, lesson, first, depth=0)
        return self._finish(not_after)

    def _live_rooms(self) -> dict[tuple[str, str], _Attempt]:
        """Each team meets once, led by a trainer, for the first lesson of its own policy."""
        attended: dict[tuple[str, str], _Attempt] = {}
        for team in TEAMS:
            pack, lesson, release = next(e for e in self.lessons if e[0].id == team.pack_id)
            day, hour = release + 1, 10
            room = [
                m
                for m in self.moderators
                if m.profile.team == team.name and m.join_day <= day and self.rng.random() < 0.85
            ]
            start = self._local_ms(day, hour, 0, team.site)
            shown = start + int(self.rng.integers(8, 15)) * 60_000  # the trainer's slides
            ids = {m.profile.id: self.new_id() for m in room}
            answers: dict[str, list[Answer]] = {m.profile.id: [] for m in room}
            for case in pack.cases_of(lesson):
                slowest = 0
                for m in room:
                    tta, watched = self.behaviour.timing(m, case, skipped=False)
                    tta = min(tta, 150_000)  # the trainer closes answers after 2.5 minutes
                    answer, _ = self._answer(
                        m,
                        pack,
                        lesson,
                        case,
                        ids[m.profile.id],
                        "live",
                        shown,
                        tta,
                        watched,
                        reveal_ms=240_000,
                    )
                    answers[m.profile.id].append(answer)
                    slowest = max(slowest, tta)
                shown += slowest + int(self.rng.integers(120, 360)) * 1000  # the discussion
            for m in room:
                m.busy.add((day, hour))
                self.sessions.append(
                    self._session(m, pack, lesson, ids[m.profile.id], "live", start, shown + 60_000)
                )
                attended[(m.profile.id, lesson.id)] = _Attempt(day, answers[m.profile.id], True)
        return attended

    def _follow_up(
        self, m: Moderator, pack: Pack, lesson: Lesson, attempt: _Attempt, depth: int
    ) -> None:
        """Retake a failed lesson, or review the missed cases a week or so later."""
        scored = [a for a in attempt.answers if not a.skipped]
        if depth >= 2 or not scored or not attempt.finished:
            return
        missed = [a.case_id for a in scored if a.decision != pack.cases[a.case_id].golden.decision]
        score = 1 - len(missed) / len(scored)
        rng, day = self.rng, attempt.day
        if depth == 0 and (score < pack.pass_mark and rng.random() < 0.7 or rng.random() < 0.04):
            day += int(rng.integers(2, 8))
            kind, cases = "retake", pack.cases_of(lesson)
        elif missed and rng.random() < 0.4:
            day += int(rng.integers(5, 11))
            kind, cases = "review", [pack.cases[c] for c in missed]
        else:
            return
        result = self._self_paced(m, pack, lesson, day, kind, cases)
        if result is not None:
            self._follow_up(m, pack, lesson, result, depth=depth + 1)

    # -- one session -------------------------------------------------------------------

    def _self_paced(
        self, m: Moderator, pack: Pack, lesson: Lesson, day: int, kind: str, cases: list[Case]
    ) -> _Attempt | None:
        rng = self.rng
        slot = self._slot(m, day)
        if slot is None:
            return None
        day, hour = slot
        start = self._local_ms(day, hour, int(rng.integers(0, 46)), m.profile.site) + int(
            rng.integers(0, 60_000)
        )
        slides = len(lesson.guidance) if kind != "review" else 0
        clock = (
            start
            + sum(int(rng.integers(60, 300)) * 1000 for _ in range(slides))
            + int(rng.integers(5, 30)) * 1000
        )
        session_id = self.new_id()
        # A few first attempts are left half-way (app closed, shift over) and never resumed.
        stop = len(cases)
        if kind == "first_attempt" and stop > 1 and rng.random() < 0.03:
            stop = int(rng.integers(1, stop))
        answers = []
        for case in cases[:stop]:
            rate = m.skip_rate * (1.5 if {"graphic", "self_harm"} & set(case.warnings) else 1.0)
            skipped = case.is_warned and bool(rng.random() < rate)
            tta, watched = self.behaviour.timing(m, case, skipped)
            reveal = int(rng.integers(15, 90)) * 1000
            answer, wrong = self._answer(
                m,
                pack,
                lesson,
                case,
                session_id,
                kind,
                clock,
                tta,
                watched,
                reveal_ms=reveal,
                skipped=skipped,
            )
            answers.append(answer)
            clock += tta + reveal + (int(rng.integers(20, 90)) * 1000 if wrong else 0)
        finished = clock + int(rng.integers(3, 20)) * 1000 if stop == len(cases) else None
        self.sessions.append(self._session(m, pack, lesson, session_id, kind, start, finished))
        return _Attempt(day, answers, finished is not None)

    def _session(
        self,
        m: Moderator,
        pack: Pack,
        lesson: Lesson,
        session_id: str,
        kind: str,
        start: int,
        finished: int | None,
    ) -> SessionRecord:
        return SessionRecord(
            session_id,
            m.profile.id,
            pack.id,
            lesson.id,
            pack.content_hash,
            kind,
            m.profile.team,
            m.profile.site,
            iso_ms(start),
            iso_ms(finished) if finished is not None else None,
        )

    def _slot(self, m: Moderator, day: int) -> tuple[int, int] | None:
        """A free working hour (not lunch) on `day` or the next one; None past the last day."""
        while day < len(self.days):
            # An hour either side stays free too, so one person's sessions never overlap.
            free = [
                h
                for h in (9, 10, 11, 13, 14, 15, 16)
                if not {(day, h - 1), (day, h), (day, h + 1)} & m.busy
            ]
            if free:
                hour = free[int(self.rng.integers(len(free)))]
                m.busy.add((day, hour))
                return day, hour
            day += 1
        return None

    def _answer(
        self,
        m: Moderator,
        pack: Pack,
        lesson: Lesson,
        case: Case,
        session_id: str,
        kind: str,
        shown: int,
        tta: int,
        watched: int,
        *,
        reveal_ms: int,
        skipped: bool = False,
    ) -> tuple[Answer, bool]:
        """One answer (and perhaps a dispute); returns it and whether it missed the golden."""
        behaviour = self.behaviour
        decision = clause = confidence = None
        note = ""
        if not skipped:
            decision, clause, reading = behaviour.decide(m, pack, case, kind, shown)
            confidence = behaviour.confidence(m, case, decision == case.golden.decision)
            note = behaviour.note(m, case, decision, reading)
        answer = Answer(
            id=self.new_id(),
            session_id=session_id,
            profile_id=m.profile.id,
            pack_id=pack.id,
            lesson_id=lesson.id,
            case_id=case.id,
            case_hash=case.content_hash,
            pack_hash=pack.content_hash,
            team=m.profile.team,
            site=m.profile.site,
            session_kind=kind,
            decision=decision,
            clause=clause,
            confidence=confidence,
            note=note,
            skipped=skipped,
            shown_at=iso_ms(shown),
            answered_at=iso_ms(shown + tta),
            time_to_answer_ms=tta,
            **behaviour.watching(m, watched, skipped),
            marked_moment=behaviour.mark(m, case, skipped or kind == "live"),  # rooms: no mark yet
        )
        self.answers.append(answer)
        wrong = not skipped and decision != case.golden.decision
        if wrong and kind in ("first_attempt", "live"):
            self._maybe_dispute(answer, case, answered_ms=shown + tta, reveal_ms=reveal_ms)
        return answer, wrong

    def _maybe_dispute(
        self, answer: Answer, case: Case, *, answered_ms: int, reveal_ms: int
    ) -> None:
        """Disputes come from the reveal of an ambiguous case the moderator read the other
        way: some of those wrong answers are disputed while the reveal is on screen."""
        if case.id not in DISPUTE_NOTES or self.rng.random() >= 0.15:
            return
        notes = DISPUTE_NOTES[case.id]
        created = answered_ms + int(self.rng.integers(10_000, max(11_000, reveal_ms)))
        self.disputes.append(
            DisputeRecord(
                self.new_id(),
                answer.id,
                answer.profile_id,
                answer.pack_id,
                case.id,
                case.content_hash,
                notes[int(self.rng.integers(len(notes)))],
                iso_ms(created),
            )
        )

    # -- the result --------------------------------------------------------------------

    def _finish(self, not_after: datetime | None) -> DemoHistory:
        """The history up to not_after; each profile dated on the day they joined, 8:30."""
        joined = [
            (m.profile, iso_ms(self._local_ms(m.join_day, 8, 30, m.profile.site)))
            for m in self.moderators
        ]
        return assemble_history(
            self.seed, joined, self.sessions, self.answers, self.disputes, not_after
        )
