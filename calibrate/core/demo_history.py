"""A seeded, realistic demo history for `calibrate demo`: profiles, sessions, answers, disputes.

Pure simulation (a numpy Generator; no SQL, no Qt). Each moderator has a latent noise (the
inverse of skill) and a leniency bias on the pack's ladder: the chosen rung is
round(target + bias + noise), so a biased moderator's wrong answers lean one way and a site
whose people share a bias over-enforces. Each ambiguous case splits the room into two camps
paired by skill, so strong reviewers disagree. Same packs, seed and day → the same rows,
UUIDs included (they come from their own seeded stream). The names and notes it draws
from are in demo_words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from calibrate.core.answer_rules import demo_id
from calibrate.core.demo_words import AMBIGUOUS, DEFAULT_SEED, DISPUTE_NOTES, NAMES, NOTES
from calibrate.core.models import CONFIDENCE_LEVELS, Answer, Case, Lesson, Pack, Profile

WEEKS = 6
SITE_UTC_OFFSET = {"Lisbon": 0, "Manila": 8}  # hours; Lisbon's winter time, Manila has no DST
OVER_ENFORCING_SITE = "Manila"
SITE_BIAS = 0.22  # rungs: how far the over-enforcing site's judgement sits above the golden
DEMO_PACKS = ("graphic-content", "harassment", "regulated-goods")
RELEASE_DAYS = (0, 2, 7, 12, 18, 25)  # working day each lesson is assigned, in rollout order
SPREAD = {"easy": 0.7, "medium": 1.0, "hard": 1.35}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Team:
    name: str
    site: str
    pack_id: str  # the policy the team enforces day to day
    size: int


TEAMS = (
    Team("Graphic EU", "Lisbon", "graphic-content", 14),
    Team("Harassment EU", "Lisbon", "harassment", 13),
    Team("Graphic APAC", "Manila", "graphic-content", 13),
)


@dataclass(frozen=True)
class DemoProfile:
    profile: Profile
    created_at: str


@dataclass(frozen=True)
class SessionRecord:
    """One lesson attempt as the sessions table holds it."""

    id: str
    profile_id: str
    pack_id: str
    lesson_id: str
    pack_hash: str
    kind: str
    team: str
    site: str
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class DisputeRecord:
    id: str
    answer_id: str
    profile_id: str
    pack_id: str
    case_id: str
    case_hash: str
    note: str
    created_at: str


@dataclass(frozen=True)
class DemoHistory:
    seed: int
    profiles: tuple[DemoProfile, ...]
    sessions: tuple[SessionRecord, ...]
    answers: tuple[Answer, ...]
    disputes: tuple[DisputeRecord, ...]
    starts_at: str  # the first profile's creation: when the packs were first seen


@dataclass
class _Moderator:
    profile: Profile
    own_pack: str
    noise: float
    bias: float
    overconfidence: float
    speed: float
    skip_rate: float
    note_rate: float
    join_day: int
    camps: dict[str, int] = field(default_factory=dict)
    busy: set[tuple[int, int]] = field(default_factory=set)


@dataclass(frozen=True)
class _Attempt:
    day: int
    answers: list[Answer]
    finished: bool


def working_days(today: date, count: int) -> list[date]:
    """The `count` weekdays ending on today, or on the last weekday before it at a weekend."""
    day = today - timedelta(days=max(0, today.weekday() - 4))
    days: list[date] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as the store's ISO 8601 UTC text."""
    text = (_EPOCH + timedelta(milliseconds=int(ms))).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


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
        streams = np.random.SeedSequence(seed).spawn(3)
        self.rng = np.random.default_rng(streams[0])
        self.id_rng = np.random.default_rng(streams[1])  # ids never shift the simulation
        # How much of each clip was shown: its own stream, so adding it shifted nothing else.
        self.watch_rng = np.random.default_rng(streams[2])
        self.hurry: dict[str, float] = {}  # profile id -> chance of answering unwatched
        self.seed = seed
        self.packs = packs
        self.days = working_days(today, WEEKS * 5)
        self.sessions: list[SessionRecord] = []
        self.answers: list[Answer] = []
        self.disputes: list[DisputeRecord] = []
        self.moderators = self._hire()
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

    # -- people ------------------------------------------------------------------------

    def _hire(self) -> list[_Moderator]:
        rng, moderators = self.rng, list[_Moderator]()
        for team in TEAMS:
            pool = NAMES[team.site]
            taken = {m.profile.name for m in moderators}
            names = [n for n in (pool[i] for i in rng.permutation(len(pool))) if n not in taken]
            for k in range(team.size):
                bias = rng.normal(0.0, 0.1) + (
                    SITE_BIAS if team.site == OVER_ENFORCING_SITE else 0.0
                )
                moderators.append(
                    _Moderator(
                        profile=Profile(self.new_id(), names[k], team.name, team.site),
                        own_pack=team.pack_id,
                        noise=float(np.clip(np.exp(rng.normal(np.log(0.3), 0.35)), 0.14, 0.8)),
                        bias=float(bias),
                        overconfidence=float(rng.normal(0.2, 0.4)),
                        speed=float(np.exp(rng.normal(0.0, 0.25))),
                        skip_rate=float(rng.choice([0.01, 0.2], p=[0.88, 0.12])),
                        note_rate=float(rng.choice([0.5, 1.0, 2.5], p=[0.4, 0.45, 0.15])),
                        # The last hire of each team joined mid-way and catches up.
                        join_day=int(rng.integers(10, 18)) if k == team.size - 1 else 0,
                    )
                )
        # Pair moderators of similar skill into opposite camps of each ambiguous case.
        ordered = sorted(moderators, key=lambda m: m.noise)
        for case_id in AMBIGUOUS:
            for i in range(0, len(ordered), 2):
                flip = int(rng.integers(2))
                for j, m in enumerate(ordered[i : i + 2]):
                    m.camps[case_id] = (j + flip) % 2
        return moderators

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
                    tta, watched = self._timing(m, case, skipped=False)
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
        self, m: _Moderator, pack: Pack, lesson: Lesson, attempt: _Attempt, depth: int
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
        self, m: _Moderator, pack: Pack, lesson: Lesson, day: int, kind: str, cases: list[Case]
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
            tta, watched = self._timing(m, case, skipped)
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
        m: _Moderator,
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

    def _slot(self, m: _Moderator, day: int) -> tuple[int, int] | None:
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

    def _local_ms(self, day: int, hour: int, minute: int, site: str) -> int:
        """Epoch ms of a local wall-clock time at a site on working day `day`."""
        d = self.days[day]
        local = datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)
        return int((local - _EPOCH).total_seconds()) * 1000 - SITE_UTC_OFFSET[site] * 3_600_000

    def _timing(self, m: _Moderator, case: Case, skipped: bool) -> tuple[int, int]:
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

    def _watching(self, m: _Moderator, watched_ms: int, skipped: bool) -> dict[str, Any]:
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

    def _answer(
        self,
        m: _Moderator,
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
        decision = clause = confidence = None
        note = ""
        if not skipped:
            decision, clause, reading = self._decide(m, pack, case, kind, shown)
            confidence = self._confidence(m, case, decision == case.golden.decision)
            note = self._note(m, case, decision, reading)
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
            **self._watching(m, watched, skipped),
        )
        self.answers.append(answer)
        wrong = not skipped and decision != case.golden.decision
        # Disputes come from the reveal of an ambiguous case the moderator read the other way.
        if (
            wrong
            and case.id in DISPUTE_NOTES
            and kind in ("first_attempt", "live")
            and self.rng.random() < 0.15
        ):
            notes = DISPUTE_NOTES[case.id]
            created = shown + tta + int(self.rng.integers(10_000, max(11_000, reveal_ms)))
            self.disputes.append(
                DisputeRecord(
                    self.new_id(),
                    answer.id,
                    m.profile.id,
                    pack.id,
                    case.id,
                    case.content_hash,
                    notes[int(self.rng.integers(len(notes)))],
                    iso_ms(created),
                )
            )
        return answer, wrong

    def _decide(
        self, m: _Moderator, pack: Pack, case: Case, kind: str, shown: int
    ) -> tuple[str, str | None, int | None]:
        """The decision, clause and (for ambiguous cases) the reading the moderator took."""
        rng, ladder = self.rng, pack.scale.ladder
        week = (shown - self._local_ms(0, 0, 0, "Lisbon")) // (7 * 86_400_000)
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

    def _confidence(self, m: _Moderator, case: Case, correct: bool) -> float | None:
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

    def _note(self, m: _Moderator, case: Case, decision: str, reading: int | None) -> str:
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

    # -- the result --------------------------------------------------------------------

    def _finish(self, not_after: datetime | None) -> DemoHistory:
        """Sort, drop what has not happened yet, and date each profile's creation."""
        cutoff = "~"  # sorts after any ISO timestamp
        if not_after is not None:
            cutoff = iso_ms(int((not_after - _EPOCH).total_seconds() * 1000))
        last: dict[str, str] = {}
        for a in self.answers:
            last[a.session_id] = max(last.get(a.session_id, ""), a.answered_at)
        sessions = sorted(
            (
                s
                for s in self.sessions
                if max(s.finished_at or "", last.get(s.id, s.started_at)) <= cutoff
            ),
            key=lambda s: (s.started_at, s.id),
        )
        kept = {s.id for s in sessions}
        answers = sorted(
            (a for a in self.answers if a.session_id in kept), key=lambda a: (a.answered_at, a.id)
        )
        kept_answers = {a.id for a in answers}
        disputes = sorted(
            (d for d in self.disputes if d.answer_id in kept_answers and d.created_at <= cutoff),
            key=lambda d: (d.created_at, d.id),
        )
        first_start: dict[str, str] = {}
        for s in sessions:
            first_start.setdefault(s.profile_id, s.started_at)
        profiles = []
        for m in self.moderators:  # on the day they joined, before their first session
            joined = iso_ms(self._local_ms(m.join_day, 8, 30, m.profile.site))
            profiles.append(
                DemoProfile(m.profile, min(first_start.get(m.profile.id, joined), joined))
            )
        starts_at = min(p.created_at for p in profiles)
        return DemoHistory(
            self.seed, tuple(profiles), tuple(sessions), tuple(answers), tuple(disputes), starts_at
        )


def as_rows(history: DemoHistory) -> dict[str, list[dict[str, Any]]]:
    """The history as plain rows per table (skipped as 0/1), ready for a store to insert."""
    answers = [
        {
            **asdict(a),
            "skipped": int(a.skipped),
            "clip_unavailable": None if a.clip_unavailable is None else int(a.clip_unavailable),
        }
        for a in history.answers
    ]
    return {
        "profiles": [
            {**p.profile._asdict(), "role": "moderator", "created_at": p.created_at}
            for p in history.profiles
        ],
        "sessions": [asdict(s) for s in history.sessions],
        "answers": answers,
        "disputes": [asdict(d) for d in history.disputes],
    }
