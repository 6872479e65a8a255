"""A review session: the due cases of several packs, through the same blind → reveal screens.

The lesson's case, reveal and summary screens and the core session flow run it; what differs
is where each case comes from (ws.review's due cases, each with its own pack) and where its
answer goes (a ReviewRun: one `review` session per pack). The reveal, with the room's split,
opens only after the answer is recorded, exactly as in a lesson (DESIGN.md, "Blind means
blind"); the case screen shows nothing of the earlier answer or of the golden answer.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from calibrate.core.models import Answer, AnswerDraft
from calibrate.core.session import SessionFlow, Step
from calibrate.core.stamps import new_id
from calibrate.core.summary import summarise
from calibrate.gui import prompts, theme
from calibrate.gui.errors import show_error
from calibrate.gui.screens.lesson.case import CaseScreen
from calibrate.gui.screens.lesson.exposure import ExposureCare
from calibrate.gui.screens.lesson.player_settings import keep_player_settings
from calibrate.gui.screens.lesson.reveal import RevealScreen
from calibrate.gui.screens.lesson.summary import SummaryScreen, duration

if TYPE_CHECKING:
    from calibrate.gui.context import AppContext
    from calibrate.workspace.review import DueCase, ReviewRun

log = logging.getLogger(__name__)
TITLE = "Spaced review"


class ReviewController(QObject):
    finished = Signal()  # back to the lesson list
    answer_recorded = Signal(object)  # Answer, once it is committed

    def __init__(self, context: AppContext, run: ReviewRun, show_screen: Callable[[QWidget], None]):
        super().__init__()
        self.context = context
        self.run = run
        self._show_screen = show_screen
        self.session_kind = "review"
        self.items: dict[str, DueCase] = {item.key: item for item in run.items}
        # The flow knows cases by "pack/case" (two packs may share a case id); the answers
        # it holds carry that key as their case id (see _on_answer_submitted).
        self.flow = SessionFlow((), list(self.items))
        self.case_screen = CaseScreen()
        self.case_screen.findChild(QPushButton, "openGuidanceButton").hide()  # no lesson here
        self.reveal = RevealScreen()
        self.summary = SummaryScreen()
        self.summary.findChild(QPushButton, "retakeButton").hide()
        keep_player_settings(self.case_screen, self.reveal, context.profiles, run.profile.id)
        self.case_screen.answer_submitted.connect(self._on_answer_submitted)
        self.case_screen.leave_requested.connect(self.leave)
        self.reveal.next_requested.connect(self._on_next_requested)
        self.reveal.dispute_requested.connect(self._on_dispute_requested)
        self.summary.done_requested.connect(self.leave)
        # Exposure is kept per review run (its answers go to one session per pack).
        exposure_log = context.wellness.log(run.profile, f"review-{new_id()}")
        self.care = ExposureCare(self.case_screen, show_screen, exposure_log)
        self.care.went_on.connect(self._render)
        self.care.leave_requested.connect(self.leave)

    @property
    def screens(self) -> tuple[QWidget, ...]:
        return (self.case_screen, self.reveal, self.summary, *self.care.screens)

    @property
    def current(self) -> DueCase | None:
        key = self.flow.current_case_id
        return None if key is None else self.items[key]

    def start(self) -> None:
        self._render()

    def leave(self) -> None:
        """Back to the lesson list; the cases not answered stay due for the next review."""
        self.case_screen.stop_playback()
        self.care.stop()
        self.run.finish()
        self.finished.emit()

    def shutdown(self) -> None:
        self.case_screen.stop_playback()
        self.care.stop()
        self.case_screen.player.shutdown()
        self.run.finish()

    def _position_text(self, index: int) -> str:
        return f"Review {index + 1} of {len(self.items)}"

    def _render(self) -> None:
        step, index = self.flow.position.step, self.flow.position.index
        item = self.current
        if step is Step.CASE and item is not None:
            if self.care.hold(item.case, self.context.wellness.policy(self.run.profile, item.pack)):
                return  # a break is due: the warned case waits until the moderator goes on
            self._show_screen(self.case_screen)
            self.case_screen.show_case(item.pack, item.case, self._position_text(index))
        elif step is Step.REVEAL and item is not None:
            answer = self.flow.answer_for(item.key)
            assert answer is not None  # the flow reveals only what was answered
            split = self.run.room_split(item.pack.id, item.case.id)
            shown = dataclasses.replace(answer, case_id=item.case.id)
            is_last = self.flow.is_complete
            self.reveal.show_reveal(
                item.pack, item.case, shown, split, self._position_text(index), is_last
            )
            self._show_screen(self.reveal)
        else:
            self._show_summary()
            self._show_screen(self.summary)

    def _show_summary(self) -> None:
        """How the review went, and each case still missed with its golden answer."""
        answers = self.flow.answers
        result = summarise(
            answers.values(), {k: i.case for k, i in self.items.items()}, len(self.items), 0.0
        )
        score = (
            "No scored answers — every case was skipped."
            if result.score is None
            else f"{result.correct} of {result.answered} right ({result.score:.0%})"
        )
        colour = theme.WRONG if result.misses else theme.CORRECT
        self.summary.headline.setText(
            f"<p style='font-size:11pt'>{TITLE} · summary</p>"
            f"<span style='font-size:24pt; color:{colour}'>"
            f"<b>{html.escape(score)}</b></span>"
            f"<p style='font-size:11.5pt'>Skipped: {result.skipped} (never scored as wrong) · "
            f"time taken: {duration(result.seconds)}. A case you missed comes back tomorrow; "
            "one you got right comes back later, the surer you were the later.</p>"
        )
        parts = (
            ["## Still to get right\n"]
            if result.misses
            else ["## Every case right\n\nEach comes back later, spaced out until it sticks.\n"]
        )
        for miss in result.misses:
            item = self.items[miss.answer.case_id]
            chosen = item.pack.scale.get(miss.answer.decision or "")
            golden = item.pack.scale.get(item.case.golden.decision)
            parts.append(
                f"### {item.case.title} ({item.pack.title})\n\nYou chose "
                f"**{chosen.label if chosen else '?'}**; the golden answer is "
                f"**{golden.label if golden else '?'}** under "
                f"{', '.join(item.case.golden.clauses)}.\n\n{item.case.rationale}\n"
            )
        clauses = sorted({c.id for i in self.items.values() for c in i.pack.clauses})
        self.summary.misses.set_markdown("\n".join(parts), clauses)
        self.summary.done_button.setFocus()

    # --- slots ------------------------------------------------------------------------------
    def _on_next_requested(self) -> None:
        if self.flow.step is Step.CASE:
            return
        revealed = self.current if self.flow.step is Step.REVEAL else None
        self.flow.next()
        if self.flow.step is Step.SUMMARY:
            self.run.finish()
        if revealed is not None and self.flow.step is Step.CASE:
            self.care.after_case(revealed.case, self._render)
        else:
            self._render()

    def _on_answer_submitted(self, draft: AnswerDraft) -> None:
        item = self.current
        if item is None:
            return
        self.case_screen.form.set_enabled(False)
        try:
            answer = self.run.record_answer(
                item,
                draft=draft,
                **self.case_screen.measurements(),
            )
        except Exception as error:  # the answer stays in the form; nothing was recorded
            log.exception("recording a review answer failed")
            self.case_screen.form.set_enabled(True)
            show_error(
                self.case_screen, error, self.context.log_path, title="Your answer was not recorded"
            )
            return
        self.case_screen.stop_playback()
        self.flow.accept(dataclasses.replace(answer, case_id=item.key))
        self.answer_recorded.emit(answer)
        self._render()

    def _on_dispute_requested(self) -> None:
        item = self.current
        answer: Answer | None = None if item is None else self.flow.answer_for(item.key)
        if item is None or answer is None:
            return
        note = prompts.ask_text(
            self.reveal,
            "Dispute the golden answer",
            "Why do you think the golden answer is wrong? Trainers read every dispute.",
        )
        if note and note.strip():
            self.run.dispute(dataclasses.replace(answer, case_id=item.case.id), note)
            self.reveal.mark_disputed()
