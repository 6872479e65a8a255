"""The words a lead reads for the ids answers carry: decision labels, case and lesson titles,
session kinds. Tables and CSV exports keep the ids; screens and the report show these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from calibrate.core.models import Pack

SESSION_KIND_WORDS = {
    "first_attempt": "first attempt",
    "retake": "retake",
    "review": "review",
    "live": "live session",
}


def readable(identifier: str) -> str:
    """An id no pack names, in words: `warning_screen` → "warning screen"."""
    return identifier.replace("_", " ")


def session_kind_words(kind: str) -> str:
    """`first_attempt` → "first attempt"; `live` → "live session"."""
    return SESSION_KIND_WORDS.get(kind, readable(kind))


@dataclass(frozen=True)
class Labels:
    """Each loaded pack's decision labels and its case and lesson titles, by (pack, id).
    An id no loaded pack names (its pack is not loaded) reads as itself, in words."""

    decisions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    cases: Mapping[tuple[str, str], str] = field(default_factory=dict)
    lessons: Mapping[tuple[str, str], str] = field(default_factory=dict)
    packs: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of_packs(cls, packs: Iterable[Pack]) -> Labels:
        decisions, cases, lessons = {}, {}, {}
        titles = {pack.id: pack.title for pack in packs}
        for pack in packs:
            decisions.update(
                {(pack.id, d.id): d.label or readable(d.id) for d in pack.scale.decisions}
            )
            cases.update({(pack.id, c.id): c.title for c in pack.cases.values()})
            # A lesson made unavailable by a broken file keeps its title: its history stays.
            lessons.update({(pack.id, x.id): x.title for x in pack.every_lesson})
        return cls(decisions, cases, lessons, titles)

    def decision(self, pack: str, decision: str | None) -> str | None:
        """The pack's label for `decision` (None stays None: no answer)."""
        if decision is None:
            return None
        return self.decisions.get((pack, decision)) or readable(decision)

    def case(self, pack: str, case: str) -> str:
        """The case's title, or "" when its pack is not loaded."""
        return self.cases.get((pack, case), "")

    def pack(self, pack: str) -> str:
        """The pack's title, or its id when it is not loaded."""
        return self.packs.get(pack) or pack

    def lesson(self, pack: str, lesson: str) -> str:
        """The lesson's title, or its id when its pack is not loaded."""
        return self.lessons.get((pack, lesson)) or lesson
