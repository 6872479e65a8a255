"""Exposure care on the case screens: warned-clip time measured while it plays and written
as it goes, the break screen at the threshold, and the neutral pause after a warned case.

One `ExposureCare` per lesson, review or live room; its controller asks it before showing
a case (`hold`) and before the case after a warned one (`after_case`). The rules are
core/wellness.py's; the writes are ws.wellness's (a trainer's preview keeps them in memory).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from calibrate.core.models import Case
from calibrate.core.wellness import FLUSH_EVERY_MS, Exposure, WellnessPolicy
from calibrate.gui.screens.lesson.break_screen import BreakScreen, InterstitialScreen
from calibrate.gui.screens.lesson.case import CaseScreen
from calibrate.player.playback import PlayerState

TICK_MS = 1000  # how often a playing warned clip is looked at (writes: FLUSH_EVERY_MS)


class ExposureLog(Protocol):
    def record(self, case_id: str, ms: int) -> None: ...
    def exposure(self) -> Exposure: ...
    def go_on(self) -> None: ...


class ExposureCare(QObject):
    """`went_on`: the moderator chose to go on after a break (the controller draws its
    step again); `skip_requested`: in a room, the break skips the case on screen."""

    went_on = Signal()
    skip_requested = Signal()
    leave_requested = Signal()

    def __init__(
        self,
        case_screen: CaseScreen,
        show_screen: Callable[[QWidget], None],
        log: ExposureLog,
        *,
        in_room: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ):
        super().__init__(case_screen)
        self._screen, self._show_screen, self.log = case_screen, show_screen, log
        self.in_room, self.clock = in_room, clock
        self.policy = WellnessPolicy()
        self.on_break = False
        self._case: Case | None = None
        self._since: float | None = None  # the warned clip plays since (a clock reading)
        self._pending_s = 0.0  # seconds played, not written yet
        self.break_screen = BreakScreen(in_room=in_room)
        self.break_screen.go_on_requested.connect(self._on_go_on_requested)
        self.break_screen.leave_requested.connect(self.leave_requested)
        self.interstitial = InterstitialScreen()
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.tick)
        case_screen.player.player.state_changed.connect(self._on_player_state_changed)

    @property
    def screens(self) -> tuple[QWidget, ...]:
        return (self.break_screen, self.interstitial)

    # --- what the controllers ask ---------------------------------------------------------
    def hold(self, case: Case, policy: WellnessPolicy) -> bool:
        """Before `case` shows: True when it is held — a warned case while a break is due,
        or any case while the break screen shows (only the moderator ends a break; a room
        skips the case). Otherwise the case screen gets the policy's shields."""
        self.flush()
        self._case, self.policy = case, policy
        self._screen.set_wellness(policy)
        if self.on_break or (case.is_warned and self.exposure().break_due(policy)):
            self._take_break()
            return True
        return False

    def after_case(self, case: Case | None, then: Callable[[], None]) -> None:
        """Moving on from `case`: a neutral pause first when it was warned and the moderator
        asked for one, then `then`."""
        seconds = self.policy.interstitial_seconds
        if case is None or not case.is_warned or seconds <= 0:
            then()
            return
        self._show_screen(self.interstitial)
        self.interstitial.pause_for(seconds, then)

    def exposure(self) -> Exposure:
        """What was written, plus what is measured and not written yet."""
        written = self.log.exposure()
        extra = self._measured_ms()
        return Exposure(
            written.today_ms + extra, written.session_ms + extra, written.since_break_ms + extra
        )

    def stop(self) -> None:
        """The screens close: what was measured is written."""
        self._timer.stop()
        self._pause_clock()
        self.flush()

    # --- measuring ----------------------------------------------------------------------
    def _measured_ms(self) -> int:
        running = self.clock() - self._since if self._since is not None else 0.0
        return int((self._pending_s + max(0.0, running)) * 1000)

    def _pause_clock(self) -> None:
        if self._since is not None:
            self._pending_s += max(0.0, self.clock() - self._since)
            self._since = None

    def flush(self) -> None:
        """Write what was measured (a crash then loses nothing of it)."""
        ms = self._measured_ms()
        if ms <= 0 or self._case is None:
            return
        self.log.record(self._case.id, ms)
        self._pending_s = 0.0
        if self._since is not None:
            self._since = self.clock()

    def tick(self) -> None:
        """While a warned clip plays: write every few seconds, and look at the threshold."""
        if self._measured_ms() >= FLUSH_EVERY_MS:
            self.flush()
        if self._since is not None and self.exposure().break_due(self.policy):
            self._take_break(mid_clip=True)

    def _on_player_state_changed(self, state: object) -> None:
        warned = self._case is not None and self._case.is_warned
        if state is PlayerState.PLAYING and warned and not self.on_break:
            if self._since is None:
                self._since = self.clock()
            self._timer.start()
        else:
            self._timer.stop()
            self._pause_clock()
            self.flush()

    # --- the break ----------------------------------------------------------------------
    def _take_break(self, *, mid_clip: bool = False) -> None:
        """The break screen, warned clips held. Mid-clip, a lesson's case steps away (it
        comes back paused where it was); in a room the case is skipped (the room never
        waits), as is every case the room opens while the break lasts, warned or not: the
        moderator is away from the screen, and the lead sees skips, not gaps."""
        self._timer.stop()
        self._pause_clock()
        self.flush()
        if self.in_room:
            if self._case is not None:
                self.skip_requested.emit()  # measured first, then the clip goes
            self._screen.stop_playback()
        elif mid_clip:
            self._screen.step_away()
        if not self.on_break:
            self.on_break = True
            self.break_screen.show_break(self.exposure(), self.policy, self.clock)
        self._show_screen(self.break_screen)

    def _on_go_on_requested(self) -> None:
        self.log.go_on()
        self.on_break = False
        self.went_on.emit()
