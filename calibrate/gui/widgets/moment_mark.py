""" "Where does it show?": the answer form's part for a case that asks for a marked moment.

The mark is the player's time when the moderator presses "Mark moment" (or T), shown as the
player shows times; marking again replaces it, "Clear" removes it, "Go to mark" puts the
player back on it to check. It is optional: a moderator who saw no violation submits without
one. The buttons take no keyboard focus (as the decisions): after a click the player's keys
still work. Nothing here knows the golden moments (DESIGN.md, "Blind means blind").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.player.clock import format_clock

MARK_KEY = "T"  # M is the player's mute key


class MomentMark(QWidget):
    """The mark of one answer: none, or a time in ms. `mark_requested` asks the screen for
    the player's time (it calls `set_mark`); `seek_requested(ms)` asks it to show the mark."""

    mark_requested = Signal()
    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("momentMark")
        self._mark_ms: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            QLabel(
                "<b>Where does it show?</b> <span style='color:gray'>(optional: pause on the "
                f"moment, then {MARK_KEY})</span>",
                objectName="momentTitle",
            )
        )
        row = QHBoxLayout()
        self.mark_button = QPushButton(f"Mark moment  ({MARK_KEY})", objectName="markMomentButton")
        self.mark_button.setAccessibleName(
            "Mark the moment the violation shows, at the player's time"
        )
        self.mark_button.setToolTip(
            "Takes the player's current time; mark again to change it. Leave it unmarked if "
            "you saw no violation."
        )
        self.mark_button.clicked.connect(self.mark_requested)
        row.addWidget(self.mark_button)
        self.shown = QLabel(objectName="markedMoment")
        self.shown.setAccessibleName("Your marked moment")
        row.addWidget(self.shown, stretch=1)
        self.go_button = QPushButton("Go to mark", objectName="goToMarkButton")
        self.go_button.setAccessibleName("Put the player on your marked moment")
        self.go_button.clicked.connect(self._on_go_clicked)
        row.addWidget(self.go_button)
        self.clear_button = QPushButton("Clear", objectName="clearMarkButton")
        self.clear_button.setAccessibleName("Clear your marked moment")
        self.clear_button.clicked.connect(lambda: self.set_mark(None))
        row.addWidget(self.clear_button)
        layout.addLayout(row)
        # Clicks and T mark; the buttons take no keyboard focus, so the case screen keeps its
        # keys (a focused button inside the answer form would make ",", "." and T typing
        # keys of the form: gui/shortcuts.py).
        for button in (self.mark_button, self.go_button, self.clear_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_mark(None)

    @property
    def mark_ms(self) -> int | None:
        return self._mark_ms

    @property
    def seconds(self) -> float | None:
        """The mark as the answer keeps it (seconds into the clip), None when unmarked."""
        return None if self._mark_ms is None else self._mark_ms / 1000

    def set_mark(self, ms: int | None) -> None:
        self._mark_ms = None if ms is None else max(0, int(ms))
        marked = self._mark_ms is not None
        self.shown.setText(
            f"Marked at <b>{format_clock(self._mark_ms)}</b>"
            if self._mark_ms is not None
            else "<span style='color:gray'>Not marked</span>"
        )
        self.go_button.setEnabled(marked and self.mark_button.isEnabled())
        self.clear_button.setEnabled(marked and self.mark_button.isEnabled())

    def set_can_mark(self, enabled: bool) -> None:
        """Marking needs a picture: off while the clip is not up or cannot play."""
        self.mark_button.setEnabled(enabled)
        self.set_mark(self._mark_ms)

    def _on_go_clicked(self) -> None:
        if self._mark_ms is not None:
            self.seek_requested.emit(self._mark_ms)
