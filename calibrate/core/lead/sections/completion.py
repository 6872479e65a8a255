"""Who took and passed which lesson, and the disputes raised at the reveal."""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.core.lead.sections.rows import Rows


@dataclass(frozen=True)
class CompletionRow:
    """One roster profile × one lesson."""

    team: str  # the profile's current team (roster)
    site: str
    profile_id: str
    name: str
    pack: str
    lesson: str
    lesson_title: str
    taken: bool  # a session in the period answered every case of the lesson
    sessions: int  # such complete sessions
    best_score: float | None  # share right among answered cases, best complete session
    passed: bool | None  # best_score ≥ the pack's pass mark


@dataclass(frozen=True)
class LessonCompletion:
    """Per team and lesson: how many of the roster took and passed it."""

    team: str
    pack: str
    lesson: str
    lesson_title: str
    roster: int
    taken: int
    passed: int


@dataclass(frozen=True)
class CompletionSection:
    entries: tuple[CompletionRow, ...]  # team, lesson, name order
    summary: tuple[LessonCompletion, ...]

    @property
    def gaps(self) -> tuple[CompletionRow, ...]:
        """Who has not taken, or not passed, a lesson."""
        return tuple(r for r in self.entries if not r.taken or r.passed is False)

    def rows(self) -> Rows:
        header = (
            "team",
            "site",
            "reviewer",
            "pack",
            "lesson",
            "taken",
            "sessions",
            "best_score",
            "passed",
        )
        return header, [
            (r.team, r.site, r.name, r.pack, r.lesson, r.taken, r.sessions, r.best_score, r.passed)
            for r in self.entries
        ]


@dataclass(frozen=True)
class DisputeRow:
    pack: str
    case: str
    note: str
    created_at: str  # ISO 8601 UTC as stored
    chosen: str | None
    split: bool | None  # the case's split flag; None when it has no answers in view
    id: str = ""  # the dispute's UUID (a trainer resolves it by this)
    resolution: str | None = None  # the newest resolution: "upheld", "changed", None: open
    reply: str | None = None  # the trainer's reply with it
    resolved_at: str | None = None  # ISO 8601 UTC as stored
    new_case_hash: str | None = None  # the changed golden's case version, when named


@dataclass(frozen=True)
class DisputeSection:
    disputes: tuple[DisputeRow, ...]  # newest first

    def rows(self) -> Rows:
        header = (
            "created_at",
            "pack",
            "case",
            "case_split",
            "chosen",
            "note",
            "resolution",
            "reply",
            "resolved_at",
            "new_case_hash",
            "dispute_id",
        )
        return header, [
            (
                d.created_at,
                d.pack,
                d.case,
                d.split,
                d.chosen,
                d.note,
                d.resolution,
                d.reply,
                d.resolved_at,
                d.new_case_hash,
                d.id,
            )
            for d in self.disputes
        ]
