"""Loaded lesson content and answers as frozen dataclasses, shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from calibrate.core.errors import Problem
from calibrate.core.profiles import Profile as Profile  # re-exported: models name it too
from calibrate.core.wellness import WellnessPolicy


@dataclass(frozen=True)
class Decision:
    id: str
    label: str
    description: str = ""
    on_ladder: bool = True


@dataclass(frozen=True)
class DecisionScale:
    """A pack's decisions: the ladder (least → most restrictive) and those outside it."""

    decisions: tuple[Decision, ...]

    @property
    def ladder(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.decisions if d.on_ladder)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.decisions)

    def rung(self, decision_id: str) -> int | None:
        """Position on the ladder (0 = least restrictive), None for off-ladder decisions."""
        ladder = self.ladder
        return ladder.index(decision_id) if decision_id in ladder else None

    def get(self, decision_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == decision_id), None)


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Cue:
    at: float  # seconds
    text: str


@dataclass(frozen=True)
class Moment:
    start: float  # seconds
    end: float
    label: str = ""


@dataclass(frozen=True)
class CaseContext:
    caption: str = ""
    on_screen_text: str = ""
    hashtags: tuple[str, ...] = ()
    report_reason: str = ""
    account: tuple[str, ...] = ()
    audio: str = ""


@dataclass(frozen=True)
class Golden:
    decision: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    id: str
    pack_id: str
    title: str
    video: Path  # absolute, inside assets/<pack>/
    severity: str
    difficulty: str | None
    warnings: tuple[str, ...]
    context: CaseContext
    golden: Golden
    rationale: str  # Markdown
    cues: tuple[Cue, ...]
    moments: tuple[Moment, ...]
    source: Path
    content_hash: str
    # "Where does it show?": the moderator marks a time, scored against `moments` widened by
    # the tolerance (seconds each side; core/moments.py).
    mark_moment: bool = False
    moment_tolerance: float = 1.0

    @property
    def is_warned(self) -> bool:
        return bool(self.warnings)


@dataclass(frozen=True)
class GuidanceSlide:
    name: str  # file name inside guidance/
    markdown: str
    source: Path


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    description: str
    guidance: tuple[str, ...]  # slide names, in order
    case_ids: tuple[str, ...]
    pass_mark: float | None = None  # None: the pack's


@dataclass(frozen=True)
class UnavailableLesson:
    """A lesson whose slides or cases have problems: listed (greyed) with them, not taken."""

    lesson: Lesson
    problems: tuple[Problem, ...]
    position: int = 0  # among all of the pack's lessons, in pack.toml order


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    policy: str
    policy_version: str
    description: str
    pass_mark: float
    scale: DecisionScale
    clauses: tuple[Clause, ...]
    lessons: tuple[Lesson, ...]  # the lessons that can be taken
    cases: dict[str, Case] = field(hash=False, compare=False)
    guidance: dict[str, GuidanceSlide] = field(hash=False, compare=False)
    folder: Path = Path()
    assets: Path = Path()
    content_hash: str = ""
    unavailable: tuple[UnavailableLesson, ...] = ()  # lessons with problems, in file order
    wellness: WellnessPolicy = WellnessPolicy()  # the organisation's [wellness] defaults

    @property
    def offered_lessons(self) -> tuple[Lesson, ...]:
        """The lessons a moderator is offered: available ones with at least one case (a
        lesson without cases is valid, e.g. a new pack's, and simply not offered)."""
        return tuple(lesson for lesson in self.lessons if lesson.case_ids)

    @property
    def every_lesson(self) -> tuple[Lesson, ...]:
        """The available lessons and then the unavailable ones: what history may name."""
        return (*self.lessons, *(x.lesson for x in self.unavailable))

    def lesson(self, lesson_id: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise KeyError(lesson_id)

    def pass_mark_of(self, lesson: Lesson) -> float:
        """The share of cases right to pass `lesson`: its own mark, else the pack's."""
        return self.pass_mark if lesson.pass_mark is None else lesson.pass_mark

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def cases_of(self, lesson: Lesson) -> list[Case]:
        return [self.cases[case_id] for case_id in lesson.case_ids]

    def slides_of(self, lesson: Lesson) -> list[GuidanceSlide]:
        return [self.guidance[name] for name in lesson.guidance]


SESSION_KINDS = ("first_attempt", "retake", "review", "live")

# What the moderator says about being right, in words, and the probability the store keeps
# (DESIGN.md, Scoring: Brier scores and reliability curves need a probability).
CONFIDENCE_LEVELS: tuple[tuple[float, str], ...] = (
    (0.2, "Guessing"),
    (0.4, "Unsure"),
    (0.6, "Leaning"),
    (0.8, "Fairly sure"),
    (0.95, "Certain"),
)


@dataclass(frozen=True)
class AnswerDraft:
    """What a moderator submits for one case; skipped drafts carry no decision."""

    decision: str | None
    clause: str | None = None
    confidence: float | None = None
    note: str = ""
    skipped: bool = False
    marked_moment: float | None = None  # seconds into the clip, when the case asks for a mark


@dataclass(frozen=True)
class Answer:
    """An accepted answer as stored: immutable, keyed by UUID, with its grouping facts."""

    id: str
    session_id: str
    profile_id: str
    pack_id: str
    lesson_id: str
    case_id: str
    case_hash: str
    pack_hash: str
    team: str
    site: str
    session_kind: str
    decision: str | None
    clause: str | None
    confidence: float | None
    note: str
    skipped: bool
    shown_at: str  # ISO 8601 UTC
    answered_at: str  # ISO 8601 UTC
    time_to_answer_ms: int
    watched_ms: int  # wall time the clip played (kept for older readers)
    # Share of the clip's positions shown and whether it could not be played (core/watching);
    # None where unknown: answers recorded before these were kept, imported history.
    watched_share: float | None = None
    clip_unavailable: bool | None = None
    # "Where does it show?": the time marked, seconds into the clip (core/moments.py); None
    # when the case asked for no mark, none was given, or the answer was skipped.
    marked_moment: float | None = None
