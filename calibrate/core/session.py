"""The session flow: guidance → case → answered → revealed → … → summary, as pure state.

Every face (self-paced screens, a live room, the CLI, tests) drives the same machine, so the
rule that matters most lives in one place: the golden answer, the rationale and the room's
split may only be shown for a case once that case's answer has been accepted (blind first).
The flow never writes anything; the caller records the answer durably, then calls `accept`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from calibrate.core.errors import SessionFlowError
from calibrate.core.models import Answer


class Step(Enum):
    GUIDANCE = "guidance"
    CASE = "case"  # blind: answering
    REVEAL = "reveal"  # answer accepted, golden visible
    SUMMARY = "summary"


@dataclass(frozen=True)
class Position:
    step: Step
    index: int  # slide index for GUIDANCE, case index for CASE/REVEAL, -1 for SUMMARY


class SessionFlow:
    """Where a moderator is in one lesson, and what may be shown there."""

    def __init__(
        self,
        slides: Sequence[str],
        case_ids: Sequence[str],
        answered: Mapping[str, Answer] | None = None,
    ):
        if not case_ids:
            raise SessionFlowError("a lesson needs at least one case")
        self.slides = tuple(slides)
        self.case_ids = tuple(case_ids)
        self._answers: dict[str, Answer] = dict(answered or {})
        unknown = set(self._answers) - set(self.case_ids)
        if unknown:
            raise SessionFlowError(f"answers for cases not in this lesson: {sorted(unknown)}")
        self._position = self._resume_position()
        self._case_left: int | None = None  # the case the guidance was opened from

    def _resume_position(self) -> Position:
        """New sessions start at the guidance; resumed ones at the first unanswered case."""
        if not self._answers:
            return Position(Step.GUIDANCE, 0) if self.slides else Position(Step.CASE, 0)
        first = self.first_unanswered()
        return Position(Step.SUMMARY, -1) if first is None else Position(Step.CASE, first)

    # --- what is true now -------------------------------------------------------------------
    @property
    def position(self) -> Position:
        return self._position

    @property
    def step(self) -> Step:
        return self._position.step

    @property
    def current_case_id(self) -> str | None:
        if self.step in (Step.CASE, Step.REVEAL):
            return self.case_ids[self._position.index]
        return None

    @property
    def current_slide(self) -> str | None:
        return self.slides[self._position.index] if self.step is Step.GUIDANCE else None

    def may_reveal(self, case_id: str) -> bool:
        """Golden, rationale and the room's split show only after this case was answered."""
        return case_id in self._answers

    def answer_for(self, case_id: str) -> Answer | None:
        return self._answers.get(case_id)

    @property
    def answers(self) -> dict[str, Answer]:
        return dict(self._answers)

    def first_unanswered(self) -> int | None:
        return next((i for i, c in enumerate(self.case_ids) if c not in self._answers), None)

    @property
    def answered_count(self) -> int:
        return len(self._answers)

    @property
    def is_complete(self) -> bool:
        return len(self._answers) == len(self.case_ids)

    # --- moves ------------------------------------------------------------------------------
    def next(self) -> Position:
        """Forward: next slide, first case, or (after a reveal) next unanswered case/summary."""
        step, index = self._position.step, self._position.index
        if step is Step.GUIDANCE:
            if index + 1 < len(self.slides):
                self._position = Position(Step.GUIDANCE, index + 1)
            else:
                first = self.first_unanswered()
                self._position = (
                    Position(Step.SUMMARY, -1) if first is None else Position(Step.CASE, first)
                )
        elif step is Step.REVEAL:
            later = next(
                (
                    i
                    for i in range(index + 1, len(self.case_ids))
                    if self.case_ids[i] not in self._answers
                ),
                None,
            )
            if later is None:
                later = self.first_unanswered()
            self._position = (
                Position(Step.SUMMARY, -1) if later is None else Position(Step.CASE, later)
            )
        elif step is Step.CASE:
            raise SessionFlowError("answer or skip this case before moving on")
        return self._position

    def back(self) -> Position:
        """Back through the guidance; from the first case, back to the last slide."""
        step, index = self._position.step, self._position.index
        if step is Step.GUIDANCE and index > 0:
            self._position = Position(Step.GUIDANCE, index - 1)
        elif step is Step.CASE and self.slides:
            self._case_left = index
            self._position = Position(Step.GUIDANCE, len(self.slides) - 1)
        return self._position

    def open_guidance(self, slide_index: int = 0) -> Position:
        """Re-read the guidance; allowed before a case is answered, never hides an answer."""
        if self.step is Step.REVEAL:
            raise SessionFlowError("continue from the reveal before re-reading the guidance")
        if not 0 <= slide_index < len(self.slides):
            raise SessionFlowError(f"no guidance slide {slide_index}")
        if self.step is Step.CASE:
            self._case_left = self._position.index
        self._position = Position(Step.GUIDANCE, slide_index)
        return self._position

    @property
    def can_return_to_case(self) -> bool:
        """On guidance opened from a case that still waits unanswered."""
        left = self._case_left
        return (
            self.step is Step.GUIDANCE
            and left is not None
            and self.case_ids[left] not in self._answers
        )

    def return_to_case(self) -> Position:
        """From guidance re-read mid-case, straight back to that case (whatever the slide)."""
        left = self._case_left
        if left is None or not self.can_return_to_case:
            raise SessionFlowError("no case to return to from here")
        self._position = Position(Step.CASE, left)
        return self._position

    def accept(self, answer: Answer) -> Position:
        """The current case's answer was recorded durably: move to its reveal."""
        case_id = self.current_case_id
        if self.step is not Step.CASE or case_id is None:
            raise SessionFlowError("there is no open case to answer")
        if answer.case_id != case_id:
            raise SessionFlowError(f"answer is for {answer.case_id!r}, open case is {case_id!r}")
        if case_id in self._answers:
            raise SessionFlowError(f"case {case_id!r} was already answered in this session")
        self._answers[case_id] = answer
        self._position = Position(Step.REVEAL, self._position.index)
        return self._position
