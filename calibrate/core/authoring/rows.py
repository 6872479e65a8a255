"""The editor's rows: what a screen lists of a pack or a case, as plain tuples."""

from __future__ import annotations

from typing import NamedTuple


class DecisionRow(NamedTuple):
    id: str
    label: str
    description: str
    ladder: bool  # False: stands outside the order (escalate)
    locked: bool  # recorded answers name it: its id cannot be renamed or removed


class ClauseRow(NamedTuple):
    id: str
    title: str
    summary: str


class LessonRow(NamedTuple):
    id: str
    title: str
    description: str
    guidance: tuple[str, ...]  # slide file names, in order
    cases: tuple[str, ...]  # case ids, in order
    pass_mark: object = None  # as written (checked by check()); None: the pack's


class CueRow(NamedTuple):
    at: float | None  # seconds; None when the file's text is not a time
    text: str


class MomentRow(NamedTuple):
    start: float | None
    end: float | None
    label: str


class GoldenChange(NamedTuple):
    """What saving a case with a changed golden answer means for the answers recorded."""

    earlier_answers: int  # answers given against a golden other than the new one
    all_answers: int  # answers recorded for this case (any version)
