"""Runs one lesson for one profile: the core flow decides the step, the store keeps answers.

The controller is the only place that writes during a lesson. An answer is committed to the
database (WAL, synchronous=FULL) before the flow moves to the reveal and the screen says
"recorded"; if the write fails, the case stays open with the moderator's answer still in the
form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from calibrate.core.models import Answer, AnswerDraft, Lesson, Pack, Profile
from calibrate.core.session import SessionFlow, Step
from calibrate.core.summary import summarise
from calibrate.gui import prompts
from calibrate.gui.context import AppContext
from calibrate.gui.errors import show_error
from calibrate.gui.screens.lesson.case import CaseScreen
from calibrate.gui.screens.lesson.exposure import ExposureCare
from calibrate.gui.screens.lesson.guidance import GuidanceScreen
from calibrate.gui.screens.lesson.player_settings import keep_player_settings
from calibrate.gui.screens.lesson.reveal import RevealScreen
from calibrate.gui.screens.lesson.summary import SummaryScreen
from calibrate.workspace.wellness import MemoryExposureLog

if TYPE_CHECKING:
    from calibrate.workspace.preview import PreviewSessions
    from calibrate.workspace.sessions import SessionsManager

log = logging.getLogger(__name__)


class LessonController(QObject):
    finished = Signal()  # back to the lesson list
    retake_requested = Signal(str, str)  # pack id, lesson id
    answer_recorded = Signal(object)  # Answer, once it is committed

    def __init__(
        self,
        context: AppContext,
        pack: Pack,
        lesson: Lesson,
        show_screen: Callable[[QWidget], None],
        *,
        force_new: bool = False,
        sessions: SessionsManager | PreviewSessions | None = None,
        profile: Profile | None = None,
    ):
        """`sessions` and `profile` replace the workspace's and the chosen profile: a
        trainer's preview passes a PreviewSessions, which records nothing."""
        super().__init__()
        self.context = context
        self.pack = pack
        self.lesson = lesson
        self._show_screen = show_screen
        self.sessions = context.sessions if sessions is None else sessions
        profile = profile or context.profile
        assert profile is not None, "a lesson needs a profile"
        self.profile = profile
        opened = self.sessions.open(profile, pack, lesson.id, lesson.case_ids, force_new=force_new)
        self.session_id, self.session_kind = opened.id, opened.kind
        answered = opened.answered
        self.flow = SessionFlow(lesson.guidance, lesson.case_ids, answered)
        self.guidance = GuidanceScreen()
        self.case_screen = CaseScreen()
        self.reveal = RevealScreen()
        self.summary = SummaryScreen()
        if sessions is None:  # a trainer's preview keeps nothing
            keep_player_settings(self.case_screen, self.reveal, context.profiles, profile.id)
        self.guidance.next_requested.connect(self._on_next_requested)
        self.guidance.back_requested.connect(self._on_back_requested)
        self.guidance.leave_requested.connect(self.leave)
        self.guidance.return_requested.connect(self._on_return_requested)
        self.case_screen.answer_submitted.connect(self._on_answer_submitted)
        self.case_screen.guidance_requested.connect(self._on_guidance_requested)
        self.case_screen.leave_requested.connect(self.leave)
        self.reveal.next_requested.connect(self._on_next_requested)
        self.reveal.dispute_requested.connect(self._on_dispute_requested)
        self.summary.done_requested.connect(self.leave)
        self.summary.retake_requested.connect(self._on_retake_requested)
        preview = self.sessions is not context.sessions  # a trainer's preview writes nothing
        log_ = MemoryExposureLog() if preview else context.wellness.log(profile, self.session_id)
        self.care = ExposureCare(self.case_screen, show_screen, log_)
        self.care.went_on.connect(self._render)
        self.care.leave_requested.connect(self.leave)
        if self.flow.step is Step.SUMMARY:
            self.sessions.finish(self.session_id)

    @property
    def screens(self) -> tuple[QWidget, ...]:
        return (self.guidance, self.case_screen, self.reveal, self.summary, *self.care.screens)

    def start(self) -> None:
        self._render()

    def leave(self) -> None:
        """Back to the lesson list; an unfinished session stays open to resume."""
        self.case_screen.stop_playback()
        self.care.stop()
        self.finished.emit()

    def shutdown(self) -> None:
        self.case_screen.stop_playback()
        self.care.stop()
        self.case_screen.player.shutdown()

    # --- rendering the flow's current step ------------------------------------------------
    def _position_text(self, index: int) -> str:
        return f"Case {index + 1} of {len(self.lesson.case_ids)}"

    def _render(self) -> None:
        step, index = self.flow.position.step, self.flow.position.index
        if step is Step.GUIDANCE:
            name = self.flow.current_slide
            self.guidance.show_slide(
                self.pack,
                self.lesson.title,
                self.pack.guidance[name],
                index,
                len(self.lesson.guidance),
                self.flow.answered_count > 0,
            )
            self._show_screen(self.guidance)
        elif step is Step.CASE:
            case = self.pack.cases[self.flow.current_case_id]
            if self.care.hold(case, self.context.wellness.policy(self.profile, self.pack)):
                return  # a break is due: the warned case waits until the moderator goes on
            self._show_screen(self.case_screen)
            self.case_screen.show_case(self.pack, case, self._position_text(index))
        elif step is Step.REVEAL:
            case = self.pack.cases[self.flow.current_case_id]
            answer = self.flow.answer_for(case.id)
            split = self.sessions.room_split(self.pack.id, case.id)
            is_last = self.flow.answered_count == len(self.lesson.case_ids)
            self.reveal.show_reveal(
                self.pack, case, answer, split, self._position_text(index), is_last
            )
            self._show_screen(self.reveal)
        else:
            result = summarise(
                self.flow.answers.values(),
                self.pack.cases,
                len(self.lesson.case_ids),
                self.pack.pass_mark_of(self.lesson),
            )
            self.summary.show_summary(self.pack, self.lesson.title, result)
            self._show_screen(self.summary)

    # --- slots ------------------------------------------------------------------------------
    def _on_next_requested(self) -> None:
        if self.flow.step is Step.CASE:
            return
        revealed = self.flow.current_case_id if self.flow.step is Step.REVEAL else None
        self.flow.next()
        if self.flow.step is Step.SUMMARY:
            self.sessions.finish(self.session_id)
        if revealed is not None and self.flow.step is Step.CASE:
            self.care.after_case(self.pack.cases.get(revealed), self._render)
        else:
            self._render()

    def _on_back_requested(self) -> None:
        self.flow.back()
        self._render()

    def _on_guidance_requested(self) -> None:
        if self.lesson.guidance and self.flow.step is Step.CASE:
            self.case_screen.step_away()
            self.flow.open_guidance(0)
            self._render()

    def _on_return_requested(self) -> None:
        # Esc on a slide: only guidance opened from a case has somewhere to go back to.
        if self.flow.can_return_to_case:
            self.flow.return_to_case()
            self._render()

    def _on_answer_submitted(self, draft: AnswerDraft) -> None:
        case = self.pack.cases[self.flow.current_case_id]
        self.case_screen.form.set_enabled(False)
        try:
            answer = self.sessions.record_answer(
                session_id=self.session_id,
                session_kind=self.session_kind,
                profile=self.profile,
                pack=self.pack,
                lesson_id=self.lesson.id,
                case=case,
                draft=draft,
                **self.case_screen.measurements(),
            )
        except Exception as error:  # the answer stays in the form; nothing was recorded
            log.exception("recording an answer failed")
            self.case_screen.form.set_enabled(True)
            show_error(
                self.case_screen, error, self.context.log_path, title="Your answer was not recorded"
            )
            return
        self.case_screen.stop_playback()
        self.flow.accept(answer)
        self.answer_recorded.emit(answer)
        self._render()

    def _on_dispute_requested(self) -> None:
        answer: Answer | None = self.flow.answer_for(self.flow.current_case_id or "")
        if answer is None:
            return
        note = prompts.ask_text(
            self.reveal,
            "Dispute the golden answer",
            "Why do you think the golden answer is wrong? Trainers read every dispute.",
        )
        if note and note.strip():
            self.sessions.dispute(answer, note)
            self.reveal.mark_disputed()

    def _on_retake_requested(self) -> None:
        self.retake_requested.emit(self.pack.id, self.lesson.id)
