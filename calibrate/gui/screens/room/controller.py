"""A live room on a moderator's screen: the self-paced lesson screens in their room mode,
driven by the room's frames (core/live/participant.RoomView decides which screen shows).

The connection (net/participant.RoomParticipant) hands each frame to the moderator's
database first (ws.rooms' Participation: the rejoin token, each acknowledged answer stored
at its reveal), then here. Screens are drawn once per burst of frames (a rejoin brings the
reveals it missed and the current step together), and a screen already showing the current
step is not drawn again: a case keeps its clip and the answer being written.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from calibrate.core.live.join_code import JoinCode
from calibrate.core.live.messages import AnswerMessage, ProfileInfo
from calibrate.core.live.participant import (
    RoomView,
    answer_from_row,
    case_seen,
    failure_sentence,
    screen_case,
    screen_pack,
    waiting_sentence,
)
from calibrate.core.models import Answer, AnswerDraft, GuidanceSlide, Pack
from calibrate.core.profiles import Profile
from calibrate.core.summary import summarise
from calibrate.gui.context import AppContext
from calibrate.gui.screens.lesson.case import CaseScreen
from calibrate.gui.screens.lesson.guidance import GuidanceScreen
from calibrate.gui.screens.lesson.reveal import RevealScreen
from calibrate.gui.screens.lesson.summary import SummaryScreen
from calibrate.gui.screens.room.care import room_care
from calibrate.gui.screens.room.waiting import WaitingScreen
from calibrate.net.participant import RoomParticipant

log = logging.getLogger(__name__)
MAX_WATCHED_MS = 24 * 3600 * 1000


def profile_info(profile: Profile) -> ProfileInfo:
    """The profile as `hello` sends it (the protocol's lengths)."""
    return ProfileInfo(
        id=profile.id,
        name=(profile.name.strip() or "Moderator")[:100],
        team=profile.team[:100],
        site=profile.site[:100],
    )


class RoomController(QObject):
    finished = Signal()  # the moderator left, or the room ended and its summary was read

    def __init__(
        self,
        context: AppContext,
        profile: Profile,
        code: JoinCode,
        show_screen: Callable[[QWidget], None],
        cache: Path,
    ):
        super().__init__()
        self.context, self.profile, self._show_screen = context, profile, show_screen
        self.view = RoomView()
        self.room_pack: Path | None = None  # the room pack unpacked in the cache
        self._cache = cache
        self.pack_problem = ""
        self._pack: Pack | None = None
        self._shown: tuple[str, str] | None = None  # the step the shown screen draws
        self._build_screens()
        self.care = room_care(context, profile, self.case_screen, show_screen)
        self.care.went_on.connect(self._on_care_went_on)
        self.care.skip_requested.connect(self._on_care_skip_requested)
        self.care.leave_requested.connect(self.leave)
        participation = context.rooms.participation(profile, code)
        self.connection = RoomParticipant(
            code, profile_info(profile), participation, cache, self._installed_hash, self
        )
        self.connection.received.connect(self._on_connection_received)
        self.connection.dropped.connect(self._on_connection_dropped)
        self.connection.failed.connect(self._on_connection_failed)
        self.connection.pack_progress.connect(self._on_connection_pack_progress)
        self.connection.pack_ready.connect(self._on_connection_pack_ready)
        self.connection.pack_refused.connect(self._on_connection_pack_refused)
        self._render_timer = QTimer(self, singleShot=True, interval=0)
        self._render_timer.timeout.connect(self.render)
        self.started = False

    def _build_screens(self) -> None:
        self.guidance, self.case_screen = GuidanceScreen(), CaseScreen()
        self.reveal, self.summary = RevealScreen(), SummaryScreen()
        self.waiting = WaitingScreen()
        for screen in (self.guidance, self.case_screen, self.reveal, self.summary):
            screen.set_room_mode()
        self.guidance.leave_requested.connect(self.leave)
        self.case_screen.leave_requested.connect(self.leave)
        self.case_screen.answer_submitted.connect(self._on_answer_submitted)
        self.waiting.leave_requested.connect(self.leave)
        self.summary.done_requested.connect(self.leave)

    @property
    def screens(self) -> tuple[QWidget, ...]:
        return (
            self.waiting,
            self.guidance,
            self.case_screen,
            self.reveal,
            self.summary,
            *self.care.screens,
        )

    def connect_room(self) -> None:
        self.connection.start()

    def start(self) -> None:
        """The room's screens take over the window (after the join dialog's welcome)."""
        self.started = True
        self.render()

    def leave(self) -> None:
        """Out of the room (rejoin later with the code: the answers recorded are kept)."""
        self.shutdown()
        self.finished.emit()

    def shutdown(self) -> None:
        self.connection.leave()
        self.case_screen.stop_playback()
        self.care.stop()
        self.case_screen.player.shutdown()

    # --- what the room sends ----------------------------------------------------------------
    def _on_connection_received(self, message: object) -> None:
        self.view.apply(message)  # type: ignore[arg-type]
        self._render_soon()

    def _on_connection_dropped(self, _attempt: int) -> None:
        self.view.dropped()
        self._render_soon()

    def _on_connection_failed(self, code: str, reason: str) -> None:
        where = f"{self.connection.code.host} port {self.connection.code.port}"
        self.view.failed(failure_sentence(code, reason, where))
        self._render_soon()

    def _on_connection_pack_progress(self, received: int, size: int) -> None:
        if self.started and self._shown == ("waiting", "receiving"):
            self.waiting.show_progress(received, size)

    def _on_connection_pack_ready(self, folder: object) -> None:
        self.room_pack, self._pack = Path(str(folder)), None
        self._render_soon()

    def _on_connection_pack_refused(self, reason: str) -> None:
        log.warning("room pack refused: %s", reason)
        self.pack_problem = reason  # the cases show, their clips unavailable
        self._render_soon()

    def _render_soon(self) -> None:
        if self.started:
            self._render_timer.start()

    # --- the screens ------------------------------------------------------------------------
    def _installed(self) -> Pack | None:
        welcome = self.view.welcome
        if welcome is None:
            return None
        wanted = welcome.pack.hash
        return next((p for p in self.context.library.packs if p.content_hash == wanted), None)

    def _installed_hash(self, pack_hash: str) -> bool:
        return any(p.content_hash == pack_hash for p in self.context.library.packs)

    @property
    def pack(self) -> Pack:
        welcome = self.view.welcome
        assert welcome is not None, "the room's pack is known from its welcome"
        if self._pack is None:
            folder = self.room_pack or self._cache / "not-received"  # clips: unavailable
            self._pack = screen_pack(welcome.pack, self._installed(), folder)
        return self._pack

    @property
    def clips_ready(self) -> bool:
        return (
            self._installed() is not None or self.room_pack is not None or bool(self.pack_problem)
        )

    def _heading(self) -> str:
        welcome = self.view.welcome
        title = welcome.lesson_title if welcome is not None else "Live session"
        case = self.view.case
        where = "" if case is None else f" · case {case.index + 1} of {len(welcome.case_ids)}"
        return f"Live session · {title}{where}" if welcome is not None else title

    def render(self) -> None:
        """Show the screen the room's current step asks for."""
        stage, view = self.view.stage, self.view
        if self.care.on_break and stage not in ("ended", "failed"):
            if stage == "case" and view.case is not None:
                self._show_case()  # a case the room opens meanwhile is skipped
            return
        if stage == "slide" and view.slide is not None and view.connected:
            self._show_slide()
        elif stage in ("case", "sending") and view.case is not None:
            if self.clips_ready or self._shown == ("case", view.case.case_id):
                self._show_case()
            else:
                self._show_waiting("receiving", "Receiving the room's clips…")
        elif stage == "reveal" and view.reveal is not None:
            self._show_reveal()
        elif stage == "ended" and view.reveals:
            self._show_summary()
        else:
            busy = stage == "connecting" or (not view.connected and stage != "failed")
            self._show_waiting(stage, waiting_sentence(view), busy=busy)

    def _show(self, screen: QWidget, key: tuple[str, str]) -> None:
        if self._shown is not None and self._shown[0] == "case" and key[0] != "case":
            self.case_screen.stop_playback()
        self._shown = key
        self._show_screen(screen)

    def _show_waiting(self, stage: str, sentence: str, busy: bool = False) -> None:
        self.waiting.show_waiting(self._heading(), sentence, busy=busy, alert=stage == "failed")
        self._show(self.waiting, ("waiting", stage))

    def _show_slide(self) -> None:
        slide, welcome = self.view.slide, self.view.welcome
        assert slide is not None and welcome is not None
        key = ("slide", str(slide.index))
        if key != self._shown:
            source = GuidanceSlide(slide.name, slide.markdown, Path(slide.name))
            title = f"Live session · {welcome.lesson_title}"  # the trainer turns the slides
            self.guidance.show_slide(self.pack, title, source, slide.index, welcome.slides, False)
            self._show(self.guidance, key)

    def _show_case(self) -> None:
        case, welcome = self.view.case, self.view.welcome
        assert case is not None and welcome is not None
        key = ("case", case.case_id)
        if self.care.on_break or key != self._shown:
            shown = screen_case(self.pack, case)
            if self.care.hold(shown, self.care.policy_for(self._installed())):
                self._shown = ("break", case.case_id)  # on a break: skipped
                return
        if key != self._shown:
            position = f"Live · case {case.index + 1} of {len(welcome.case_ids)}"
            self._show(self.case_screen, key)
            self.case_screen.show_case(self.pack, shown, position)
        form = self.case_screen.form
        form.set_enabled(self.view.answerable)
        if not self.view.connected:
            form.missing.setText(waiting_sentence(self.view))
        elif self.view.stage == "sending":
            form.missing.setText("Sending your answer…")
        elif self.view.notice:
            form.missing.setText(self.view.notice)

    def _show_reveal(self) -> None:
        reveal = self.view.reveal
        assert reveal is not None
        key = ("reveal", reveal.case_id)
        if key == self._shown:
            return
        opened = case_seen(self.view, self.pack, reveal.case_id, reveal.case_hash)
        try:
            case = screen_case(self.pack, opened, reveal)
        except ValueError as error:  # a reveal naming a decision the pack lacks
            self._show_waiting("reveal", f"This case's reveal cannot be shown: {error}.")
            return
        answer = self._answer(reveal.case_id)
        total = len(self.view.welcome.case_ids) if self.view.welcome is not None else 0
        position = f"Live · case {opened.index + 1} of {total}"
        self._show(self.reveal, key)
        self.reveal.show_reveal(
            self.pack, case, answer, Counter(reveal.split), position, is_last=False
        )

    def _show_summary(self) -> None:
        if self._shown == ("summary", ""):
            return
        welcome = self.view.welcome
        assert welcome is not None
        cases, answers = {}, []
        for case_id, reveal in self.view.reveals.items():
            opened = case_seen(self.view, self.pack, case_id, reveal.case_hash)
            try:
                cases[case_id] = screen_case(self.pack, opened, reveal)
            except ValueError:
                continue
            answer = self._answer(case_id)
            if answer is not None:
                answers.append(answer)
        result = summarise(answers, cases, len(welcome.case_ids), welcome.pack.pass_mark)
        self._show(self.summary, ("summary", ""))
        self.summary.show_summary(self.pack, welcome.lesson_title, result)

    def _answer(self, case_id: str) -> Answer | None:
        """This moderator's answer as the room acknowledged it (None: none, or unreadable)."""
        row = self.view.acked.get(case_id)
        try:
            return answer_from_row(row) if row is not None else None
        except (TypeError, ValueError):
            log.warning("the room's acknowledgement of %s cannot be read", case_id)
            return None

    # --- exposure care: a break skips the case on screen, the room goes on ----------------
    def _on_care_skip_requested(self) -> None:
        case = self.view.case
        watched = case is not None and self._shown == ("case", case.case_id)  # mid-clip
        draft = AnswerDraft(decision=None, skipped=True)
        self._on_answer_submitted(draft, on_break=True, watched=watched)

    def _on_care_went_on(self) -> None:
        self._shown = None
        self.render()

    # --- the moderator's answer -------------------------------------------------------------
    def _on_answer_submitted(
        self, draft: AnswerDraft, on_break: bool = False, watched: bool = True
    ) -> None:
        case = self.view.case
        if case is None or not self.view.answerable:
            return
        screen = self.case_screen
        share = min(1.0, max(0.0, float(screen.watched_share))) if watched else 0.0
        self.connection.send_answer(
            AnswerMessage(
                case_id=case.case_id,
                decision=draft.decision,
                clause=draft.clause,
                confidence=draft.confidence,
                note=draft.note[:2000],
                skipped=draft.skipped,
                watched_share=round(share, 4),
                watched_ms=min(MAX_WATCHED_MS, max(0, int(screen.watched_ms))) if watched else 0,
            )
        )
        self.view.sent(case.case_id)
        if not on_break:  # on a break, the break screen stays
            self.render()
