"""The A-B loop: a span of the clip played over and over, drawn on the seek bar.

The moderator sets A and B ([ and ] at the frame on screen, or the A-B button), "Show me" on
the reveal sets them to a golden moment. Reaching B (or the end) the loop pauses, seeks back
to A and plays on once the picture on screen is A's frame (VideoPlayer.settled): a paused
seek lands exactly (calibrate/player/stepping.py), a seek while playing may show a stray
picture on H.264 first. `looped` says when A's frame is on screen, paused, just before play.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QProxyStyle,
    QSlider,
    QStyle,
    QStyleOption,
    QStyleOptionSlider,
    QWidget,
)

from calibrate.player.clock import format_clock
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer

# How often the loop looks whether the jump back to A has landed, and for how long at most.
LAND_POLL_MS, LAND_TIMEOUT_MS = 15, 3000
LOOP_COLOUR = QColor(255, 160, 0, 110)  # amber, see-through: the groove shows under it


NO_LOOP_TIP = "Loop: set A, then B, then clear ([ A, ] B, \\ clear)"


def loop_words(loop: AbLoop) -> tuple[str, str]:
    """The A-B button's text and tooltip for the loop's state."""
    if loop.a is None:
        return "A–B", NO_LOOP_TIP
    if loop.b is None:
        return "A–… set B", f"A at {format_clock(loop.a)}: click or ] for B at the frame on screen"
    return "✕ A–B", f"Looping {format_clock(loop.a)}–{format_clock(loop.b)}: click or \\ to clear"


class _JumpToClickStyle(QProxyStyle):
    """A click on the seek bar jumps there (not one page step), as in every video player."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        data: object = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return Qt.MouseButton.LeftButton.value
        return super().styleHint(hint, option, widget, data)


class LoopSeekBar(QSlider):
    """The seek slider (a click jumps there) with the A-B span painted over its groove."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._style = _JumpToClickStyle()
        self._style.setParent(self)
        self.setStyle(self._style)
        self._span: tuple[int, int | None] | None = None

    @property
    def span(self) -> tuple[int, int | None] | None:
        """(A, B) in ms as drawn; B None while only A is set; None: no loop."""
        return self._span

    def set_span(self, span: tuple[int, int | None] | None) -> None:
        self._span = span
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._span is None or self.maximum() <= self.minimum():
            return
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        groove = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
        )
        a, b = self._span
        left, right = self._x(a, groove, handle), self._x(b if b is not None else a, groove, handle)
        painter = QPainter(self)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(LOOP_COLOUR)
        top, height = groove.center().y() - 5, 10
        painter.drawRect(QRect(left, top, max(2, right - left), height))
        painter.setBrush(QColor(255, 140, 0))
        for x in (left, right) if b is not None else (left,):
            painter.drawRect(QRect(x - 1, top - 3, 3, height + 6))  # the A and B ticks
        painter.end()

    def _x(self, ms: int, groove: QRect, handle: QRect) -> int:
        """Where the handle's centre would be at ms."""
        span = groove.width() - handle.width()
        offset = QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), ms, span)
        return groove.left() + handle.width() // 2 + offset


class AbLoop(QObject):
    """A and B of one player, and the jump back from B (see the module docstring)."""

    changed = Signal()  # A or B set or cleared
    looped = Signal(int)  # A's frame is on screen, paused (ms), about to play on

    def __init__(self, player: VideoPlayer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player = player
        self._a: int | None = None
        self._b: int | None = None
        self._landing = QTimer(self)
        self._landing.setInterval(LAND_POLL_MS)
        self._landing.timeout.connect(self._check_landed)
        self._waited_ms = 0
        self._play_after = True
        player.position_changed.connect(self._on_position_changed)
        player.state_changed.connect(self._on_state_changed)

    @property
    def a(self) -> int | None:
        return self._a

    @property
    def b(self) -> int | None:
        return self._b

    @property
    def active(self) -> bool:
        """Both ends set: playback loops between them."""
        return self._a is not None and self._b is not None

    @property
    def jumping(self) -> bool:
        """On the way back to A (paused until A's frame is on screen)."""
        return self._landing.isActive()

    def set_a(self, ms: int | None = None) -> None:
        """A at ms (the frame on screen when None); a B not after it is dropped."""
        self._a = self._frame_start(self._player.position if ms is None else ms)
        if self._b is not None and self._b <= self._a:
            self._b = None
        self.changed.emit()

    def set_b(self, ms: int | None = None) -> None:
        """B at ms (the frame on screen when None): the loop plays A up to the end of B's
        frame. Without an A, A is the start; a B not after A is ignored."""
        b = self._frame_start(self._player.position if ms is None else ms)
        a = self._a if self._a is not None else 0
        if b <= a:
            return
        self._a, self._b = a, b
        self.changed.emit()

    def set_span(self, a_ms: int, b_ms: int) -> None:
        """Loop a..b (ms, e.g. a golden moment): A on a's frame, B on the one holding b."""
        a, b = self._frame_start(a_ms), self._frame_start(b_ms)
        self._a, self._b = a, max(b, a + self._player.frame_ms)
        self.changed.emit()

    def cycle(self) -> None:
        """The A-B button: set A, then B, then clear."""
        if self._a is None:
            self.set_a()
        elif self._b is None:
            self.set_b()
        else:
            self.clear()

    def clear(self) -> None:
        self._a = self._b = None
        self._landing.stop()
        self.changed.emit()

    def jump_to_a(self, play: bool = True) -> None:
        """Pause, seek exactly to A, then (play) play on once A's frame is on screen."""
        if self._a is None or self._player.state in (PlayerState.EMPTY, PlayerState.UNAVAILABLE):
            return
        self._play_after = play
        self._player.pause()
        self._player.seek(self._a)
        self._waited_ms = 0
        self._landing.start()

    def _frame_start(self, ms: int) -> int:
        step = self._player.frame_ms
        last = max(0, self._player.duration - step)
        return int(min(last, max(0, (ms + 5) // step * step)))  # +5 ms: clock jitter

    def _on_position_changed(self, ms: int) -> None:
        if (
            self.active
            and not self.jumping
            and self._player.state is PlayerState.PLAYING
            and self._b is not None
            and ms >= self._b + self._player.frame_ms  # B's frame has been shown in full
        ):
            self.jump_to_a()

    def _on_state_changed(self, state: PlayerState) -> None:
        if state is PlayerState.ENDED and self.active and not self.jumping:
            self.jump_to_a()  # B was the last frame: the end comes before B's end
        elif state in (PlayerState.EMPTY, PlayerState.UNAVAILABLE):
            self._landing.stop()

    def _check_landed(self) -> None:
        self._waited_ms += LAND_POLL_MS
        if not self._player.settled and self._waited_ms < LAND_TIMEOUT_MS:
            return
        self._landing.stop()
        if self._a is not None and self._player.state is PlayerState.PAUSED:
            self.looped.emit(self._a)
            if self._play_after:
                self._player.play()
