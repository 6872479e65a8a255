"""Two quiet screens of exposure care: the break suggested after a stretch of warned clips
(warned clips wait until the moderator chooses to go on), and the short neutral pause
after a warned case. Soft colours, few words, nothing from the clip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.core.wellness import Exposure, WellnessPolicy, format_minutes
from calibrate.gui.shortcuts import bind_keys

# Calm in both themes: a muted sage behind dark text (light), a deep slate (dark).
CALM_LIGHT, CALM_DARK = "#e7efe9", "#23302b"


def _calm(widget: QWidget, name: str) -> None:
    widget.setObjectName(name)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    dark = widget.palette().window().color().lightness() < 128
    colour = CALM_DARK if dark else CALM_LIGHT
    widget.setStyleSheet(f"#{name} {{ background: {colour}; }}")


def _centred_label(name: str, size_pt: int) -> QLabel:
    label = QLabel(objectName=name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"font-size: {size_pt}pt; background: transparent;")
    return label


class BreakScreen(QWidget):
    """Shown when a break is due: how long warned clips played, a break clock, "Go on"."""

    go_on_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, in_room: bool = False):
        super().__init__(parent)
        _calm(self, "breakScreen")
        # The keyboard starts on the screen itself, on nothing Space or Enter presses: Space
        # is the player's key, and a moderator pausing a clip must not end the break by it.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._clock: Callable[[], float] | None = None
        self._started = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.addStretch(2)
        self.title = _centred_label("breakTitle", 22)
        self.title.setText("Time for a short break")
        layout.addWidget(self.title)
        self.text = _centred_label("breakText", 13)
        self.text.setAccessibleName("Why a break is suggested")
        layout.addWidget(self.text)
        self.elapsed = _centred_label("breakElapsed", 12)
        self.elapsed.setAccessibleName("How long this break has lasted")
        layout.addSpacing(12)
        layout.addWidget(self.elapsed)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.go_on = QPushButton("Go on  (Ctrl+Enter)", objectName="breakGoOnButton")
        self.go_on.setMinimumSize(160, 36)
        self.go_on.setAccessibleName("End the break: warned clips play again")
        self.go_on.clicked.connect(self.go_on_requested)
        # Going on is a deliberate choice: a click, or Ctrl+Enter (no player key has Ctrl).
        bind_keys(self, ("Ctrl+Return", "Ctrl+Enter"), self.go_on_requested.emit)
        buttons.addWidget(self.go_on)
        leave = "Leave the room" if in_room else "Back to lessons"
        self.leave = QPushButton(leave, objectName="breakLeaveButton")
        self.leave.setMinimumHeight(36)
        self.leave.setAccessibleName(f"{leave}; answered cases are kept")
        self.leave.clicked.connect(self.leave_requested)
        buttons.addWidget(self.leave)
        buttons.addStretch()
        layout.addLayout(buttons)
        layout.addStretch(2)
        self._in_room = in_room
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._show_elapsed)

    def show_break(
        self, exposure: Exposure, policy: WellnessPolicy, clock: Callable[[], float]
    ) -> None:
        room = (
            "\n\nThe room goes on without you: each case it opens now is skipped, "
            "and a skip is never counted as wrong."
            if self._in_room
            else "\n\nWarned clips wait until you choose to go on; what you answered is kept."
        )
        self.text.setText(
            f"You have watched {format_minutes(exposure.since_break_ms)} of warned clips "
            f"(this session: {format_minutes(exposure.session_ms)}, "
            f"today: {format_minutes(exposure.today_ms)}).\n"
            "Look away from the screen, stand up, breathe out slowly, drink some water."
            f"{room}"
        )
        _calm(self, "breakScreen")  # the theme may have changed since
        self._clock, self._started = clock, clock()
        self._show_elapsed()
        self._timer.start()

    def _show_elapsed(self) -> None:
        if self._clock is None:
            return
        seconds = int(self._clock() - self._started)
        self.elapsed.setText(f"Break: {seconds // 60}:{seconds % 60:02d}")

    def take_focus(self) -> None:
        self.setFocus()  # not "Go on": a stray Space or Enter must not end the break

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        super().hideEvent(event)


class InterstitialScreen(QWidget):
    """A few seconds of neutral screen between a warned case and the next."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        _calm(self, "interstitialScreen")
        self._then: Callable[[], None] | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(18)
        layout.addStretch()
        self.text = _centred_label("interstitialText", 14)
        self.text.setText("A short pause before the next case.")
        layout.addWidget(self.text)
        self.next = QPushButton("Continue  (Enter)", objectName="interstitialContinueButton")
        self.next.setAccessibleName("Go on to the next case now")
        self.next.clicked.connect(self.finish)
        layout.addWidget(self.next, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.finish)
        bind_keys(self, ("Return", "Enter"), self.finish)

    def pause_for(self, seconds: int, then: Callable[[], None]) -> None:
        _calm(self, "interstitialScreen")
        self._then = then
        self._timer.start(seconds * 1000)

    def finish(self) -> None:
        self._timer.stop()
        then, self._then = self._then, None
        if then is not None:
            then()

    def take_focus(self) -> None:
        self.next.setFocus()
