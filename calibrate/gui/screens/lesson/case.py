"""A case, answered blind: the clip (shielded when warned), its context, and the answer form.

Nothing here shows the golden answer, the rationale or the room's split: those live on the
reveal screen, which the core flow opens only after the answer is recorded.
"""

from __future__ import annotations

import html
import time
from bisect import bisect_right
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.models import CONFIDENCE_LEVELS, AnswerDraft, Case, Pack
from calibrate.core.stamps import utc_now
from calibrate.core.watching import Coverage, answered_unwatched
from calibrate.core.wellness import WellnessPolicy
from calibrate.gui import plain_text, prompts, theme
from calibrate.gui.screens.lesson.warning_card import WarningCard, warning_words
from calibrate.gui.shortcuts import bind_keys, focus_is_typing, mark_typing_place
from calibrate.gui.widgets.answer_form import AnswerForm
from calibrate.gui.widgets.moment_mark import MARK_KEY
from calibrate.gui.widgets.player_controls import PlayerPanel
from calibrate.player.playback import PlayerState


class _SpacePlaysEnterPresses(QObject):
    """On the case screen's buttons: Space is play/pause, as everywhere on this screen (a
    space typed with a button focused by mistake must not skip or submit); Enter presses."""

    def __init__(self, screen: CaseScreen):
        super().__init__(screen)
        self._screen = screen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or event.modifiers() & ~_SHIFT_OR_KEYPAD:
            return False
        key = event.key()
        if key == Qt.Key.Key_Space:
            self._screen.handle_player_key(event)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(watched, QPushButton):
            watched.click()
            return True
        return False


SHIELDS_BACK_KEY = "Shift+S"
_SHIFT_OR_KEYPAD = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
_NO_PICTURE = (PlayerState.EMPTY, PlayerState.UNAVAILABLE)


class CaseScreen(QWidget):
    answer_submitted = Signal(object)  # AnswerDraft
    guidance_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._case: Case | None = None
        self._away: tuple[bool, int] | None = None  # (was watching, at ms) while in guidance
        self._watched_before = 0  # ms watched before a visit to the guidance
        self._opened = False  # this case's clip was loaded (not just its warning card shown)
        self._seen_before: Coverage | None = None  # positions shown before the guidance
        self._unavailable_before = False  # the clip failed before a visit to the guidance
        self._asked_unwatched = False  # "Submit without watching?" is asked once per case
        self._in_room = False  # a live room: the trainer paces, no question before submit
        self._shown_monotonic = 0.0
        self.shown_at = ""
        self._cue_times: list[float] = []
        self._start_shields = WellnessPolicy().shield_flags()  # what a warned clip starts with
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.addLayout(self._build_header())
        columns = QHBoxLayout()
        columns.setSpacing(16)
        outer.addLayout(columns, stretch=1)
        columns.addLayout(self._build_video_column(), stretch=3)
        columns.addLayout(self._build_answer_column(), stretch=2)
        self.player.player.position_changed.connect(self._on_position_changed)
        self.player.player.state_changed.connect(self._on_player_state_changed)
        self._bind_keys()

    # --- building ---------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.heading = plain_text.fit_to_width(QLabel(objectName="caseHeading"))
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        header.addWidget(self.heading, stretch=1)
        self.guidance_button = QPushButton("Guidance  (G)", objectName="openGuidanceButton")
        self.guidance_button.setAccessibleName("Re-read the guidance")
        self.guidance_button.clicked.connect(self.guidance_requested)
        header.addWidget(self.guidance_button)
        self.leave_button = QPushButton("Lessons", objectName="caseLeaveButton")
        self.leave_button.setAccessibleName("Back to the lesson list; answered cases are kept")
        self.leave_button.clicked.connect(self.leave_requested)
        header.addWidget(self.leave_button)
        return header

    def set_room_mode(self) -> None:
        """A live room: the trainer paces (no guidance to page back to), and an answer goes
        in without "Submit without watching?" — the room's time runs while it is asked."""
        self._in_room = True
        self.guidance_button.hide()
        self.leave_button.setText("Leave the room")
        self.leave_button.setAccessibleName("Leave the live room (you can rejoin with the code)")

    def _build_video_column(self) -> QVBoxLayout:
        """The warning card or the player, and the cue line under them."""
        left = QVBoxLayout()
        self.video_stack = QStackedWidget(objectName="videoStack")
        self.warning_card = WarningCard(self)
        self.warning_card.watch_requested.connect(self._on_watch_requested)
        self.warning_card.skip_requested.connect(self._on_skip_requested)
        self.player = PlayerPanel(self)
        self.video_stack.addWidget(self.warning_card)
        self.video_stack.addWidget(self.player)
        left.addWidget(self.video_stack, stretch=1)
        self.cue = QLabel(objectName="cueLine")
        self.cue.setAccessibleName("What is happening in the clip now")
        plain_text.fit_to_width(self.cue)
        self.cue.setTextFormat(Qt.TextFormat.PlainText)  # a cue is the pack's words, not HTML
        self.cue.setMinimumHeight(40)
        self.cue.setStyleSheet("font-size: 12pt; padding: 4px;")
        left.addWidget(self.cue)
        return left

    def _build_answer_column(self) -> QVBoxLayout:
        """The case's context (scrolling), then the answer form."""
        right = QVBoxLayout()
        self.context_label = QLabel(objectName="caseContext")
        self.context_label.setAccessibleName("Case context")
        self.context_label.setTextFormat(Qt.TextFormat.RichText)
        plain_text.fit_to_width(self.context_label)
        self.context_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.context_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea(objectName="caseContextScroll")
        scroll.setWidget(self.context_label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        right.addWidget(scroll, stretch=2)
        self.form = AnswerForm(self)
        mark_typing_place(self.form)  # keys there are the form's: Esc gives them back
        self.form.submitted.connect(self._on_form_submitted)
        self.form.skip_requested.connect(self._on_skip_requested)
        self.form.moment.mark_requested.connect(self.mark_moment)
        self.form.moment.seek_requested.connect(self._on_seek_to_mark)
        right.addWidget(self.form, stretch=3)
        return right

    def _bind_keys(self) -> None:
        """The screen's keys (the player's are PlayerPanel's), and Space/Enter on buttons."""
        for index in range(9):
            self._shortcut(str(index + 1), lambda i=index: self.form.choose_decision(i))
        for index in range(len(CONFIDENCE_LEVELS)):
            self._shortcut(f"Ctrl+{index + 1}", lambda i=index: self.form.choose_confidence(i))
        self._shortcut("C", self.form.focus_clause)
        self._shortcut("Ctrl+Return", self.form.submit)
        self._shortcut("Ctrl+Enter", self.form.submit)
        self._shortcut("G", self.guidance_requested.emit)
        self._shortcut("W", self._on_watch_requested)
        self._shortcut("N", self.form.focus_note)
        self._shortcut(MARK_KEY, self.mark_moment)
        self._shortcut(SHIELDS_BACK_KEY, self.shields_back_on)
        buttons = _SpacePlaysEnterPresses(self)
        for button in self.findChildren(QPushButton):  # the decisions take no focus at all
            button.installEventFilter(buttons)

    def set_wellness(self, policy: WellnessPolicy) -> None:
        """The shields a warned clip starts with (core/wellness.py: pack's + moderator's)."""
        self._start_shields = policy.shield_flags()
        self.warning_card.set_shield_words(policy.shield_words())

    def shields_back_on(self) -> None:
        """Shift+S: the starting shields on again (all three if it starts with none)."""
        if self.video_stack.currentWidget() is self.player:
            wanted = self._start_shields if any(self._start_shields.values()) else None
            self.player.set_shields(**(wanted or dict.fromkeys(self._start_shields, True)))

    def _shortcut(self, key: str, slot) -> None:
        bind_keys(self, (key,), slot)

    # --- showing a case ---------------------------------------------------------------------
    def show_case(self, pack: Pack, case: Case, position: str) -> None:
        if self._away is not None and self._case is not None and self._case.id == case.id:
            self._come_back()  # from the guidance: the case as it was left
            return
        self._away = None
        self._watched_before = 0
        self._opened, self._seen_before, self._unavailable_before = False, None, False
        self._asked_unwatched = False
        self._case = case
        self.shown_at = utc_now()
        self._shown_monotonic = time.monotonic()
        chips = ""
        if case.warnings:
            chips = (
                f" &nbsp;<span style='color:{theme.WARNING}'>⚠ "
                f"{html.escape(warning_words(case.warnings))}</span>"
            )
        self.heading.setText(
            f"<span style='font-size:13pt'><b>{position}</b> · "
            f"{html.escape(case.title)}</span>{chips}"
        )
        self.context_label.setText(self._context_html(case))
        self._cue_times = [cue.at for cue in case.cues]
        self.cue.setText("")
        self.form.set_case(pack, allow_skip=case.is_warned, mark_moment=case.mark_moment)
        self.player.unload()
        if case.is_warned:
            self.warning_card.show_warnings(case)
            self.video_stack.setCurrentWidget(self.warning_card)
            self.warning_card.watch.setFocus()
        else:
            self.player.set_shields(grayscale=False, blurred=False, muted=False)
            self.video_stack.setCurrentWidget(self.player)
            self._opened = True
            self.player.load(case.video)
            self.setFocus()
        self._on_player_state_changed(None)  # no mark while the warning card is up

    @staticmethod
    def _context_html(case: Case) -> str:
        ctx = case.context
        rows = []

        def row(label: str, value: str) -> None:
            if value:
                rows.append(f"<p><span style='color:gray'>{label}</span><br>{value}</p>")

        row("Caption", html.escape(ctx.caption))
        row("On-screen text", html.escape(ctx.on_screen_text))
        row("Hashtags", html.escape(" ".join(ctx.hashtags)))
        row("Reported for", f"<b>{html.escape(ctx.report_reason)}</b>" if ctx.report_reason else "")
        row("Account", "<br>".join(html.escape(a) for a in ctx.account))
        row("Audio", html.escape(ctx.audio))
        return "".join(rows) or "<p>No context was given with this case.</p>"

    def stop_playback(self) -> None:
        self.player.unload()

    def step_away(self) -> None:
        """Off to the guidance mid-case: the clip stops, and what the moderator had — the
        answer so far, the position and shields, the time taken — waits for their return."""
        watching = self.video_stack.currentWidget() is self.player
        if watching:  # what was shown before stays shown when the clip reloads
            self._seen_before = self._seen()
            self._unavailable_before = bool(self.clip_unavailable)
        self._away = (watching, self.player.player.position) if watching else (False, 0)
        self._watched_before += self.player.player.watched_ms
        self.player.unload()

    def _come_back(self) -> None:
        watching, at_ms = self._away
        self._away = None
        if watching and self._case is not None:  # paused where they left it, same shields
            self.player.load(self._case.video, autoplay=False, start_ms=at_ms)
        self.setFocus()

    @property
    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self._shown_monotonic) * 1000)

    @property
    def watched_ms(self) -> int:
        now = 0 if self._away is not None else self.player.player.watched_ms  # none: unloaded
        return self._watched_before + now

    def _seen(self) -> Coverage | None:
        """The positions of this case's clip shown so far, across visits to the guidance."""
        now = self.player.player.coverage if self._opened and self._away is None else None
        if now is None or not now.duration_ms:
            return self._seen_before or now
        if self._seen_before is not None:
            merged = Coverage(now.duration_ms)
            merged.merge(self._seen_before)
            merged.merge(now)
            return merged
        return now

    @property
    def watched_share(self) -> float:
        """Share of the clip's positions shown so far (core/watching); 0 when never opened."""
        seen = self._seen()
        share = seen.share if seen is not None else None
        return 0.0 if share is None else share

    @property
    def clip_unavailable(self) -> bool | None:
        """True once the clip failed to play; None while it was never opened (warned)."""
        if not self._opened:
            return None
        failed = self._away is None and self.player.player.state is PlayerState.UNAVAILABLE
        return failed or self._unavailable_before

    def measurements(self) -> dict[str, Any]:
        """What an answer records of this showing (record_answer's keyword arguments)."""
        return {
            "shown_at": self.shown_at,
            "time_to_answer_ms": self.elapsed_ms,
            "watched_ms": self.watched_ms,
            "watched_share": self.watched_share,
            "clip_unavailable": self.clip_unavailable,
        }

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Player keys (Space, J/K/L, arrows, comma/period…) work wherever focus is not typing;
        Escape leaves the note or the form (Enter too, from the clause list) so that the
        case's keys work again."""
        key = event.key()
        if key == Qt.Key.Key_Escape or (
            key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.form.clause.hasFocus()
        ):
            self.setFocus()
            event.accept()
            return
        if self.handle_player_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def handle_player_key(self, event) -> bool:
        """A player key while the clip is up and focus is not typing; True if it was one."""
        return (
            self.video_stack.currentWidget() is self.player
            and not focus_is_typing()
            and self.player.handle_key(event)
        )

    # --- slots ------------------------------------------------------------------------------
    def _on_watch_requested(self) -> None:
        if self._case is None or self.video_stack.currentWidget() is self.player:
            return
        self.player.set_shields(**self._start_shields)
        self.video_stack.setCurrentWidget(self.player)
        self._opened = True
        self.player.load(self._case.video)
        self._on_player_state_changed(None)
        self.setFocus()

    def _on_position_changed(self, ms: int) -> None:
        if self._case is None or not self._cue_times:
            return
        index = bisect_right(self._cue_times, ms / 1000) - 1
        self.cue.setText(self._case.cues[index].text if index >= 0 else "")

    def mark_moment(self) -> None:
        """T or "Mark moment": the player's time (the picture on screen) becomes the mark."""
        if self._case is not None and self._case.mark_moment and self._can_mark():
            self.form.moment.set_mark(self.player.player.position)

    def _can_mark(self) -> bool:
        return (
            self.form.moment.isEnabled()
            and self.video_stack.currentWidget() is self.player
            and self.player.player.state not in _NO_PICTURE
        )

    def _on_player_state_changed(self, _state: object) -> None:
        self.form.moment.set_can_mark(self._can_mark())

    def _on_seek_to_mark(self, ms: int) -> None:
        if self._can_mark():
            self.player.player.pause()
            self.player.player.seek(ms)
            self.setFocus()

    def _on_form_submitted(self, draft: AnswerDraft) -> None:
        if (
            not self._in_room
            and not self._asked_unwatched
            and answered_unwatched(self.watched_share, self.clip_unavailable)
        ):
            self._asked_unwatched = True  # once per case: a second submit goes through
            submit = prompts.ask_submit_unwatched(self, self.watched_share)
            self.activateWindow()  # back from the question (not every platform does it)
            if not submit:
                self.setFocus()  # the answer form stays as it was; the clip is one key away
                return
        self.answer_submitted.emit(draft)

    def _on_skip_requested(self) -> None:
        if self._case is not None and self._case.is_warned:
            self.answer_submitted.emit(AnswerDraft(decision=None, skipped=True))
