"""The case editor's player: pause on a frame, then "Add cue here" or "Mark moment start/end".

A time taken here is the paused picture's position as the player keeps it (player/clock.py:
anchored at pictures, on the clip's frame grid), written to the millisecond — "0:01.52" — so a
cue or moment starts on exactly the frame the trainer saw, not the nearest tenth the seek
bar's label rounds to. Times are taken only while paused: a playing picture is gone before
the click lands.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.gui.widgets.player_controls import PlayerPanel
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer


def clip_time(ms: int) -> str:
    """ "m:ss.fff" text for a position in ms, trailing zeros dropped ("0:01.52", "0:03")."""
    ms = max(0, int(ms))
    minutes, rest = divmod(ms, 60_000)
    hours, minutes = divmod(minutes, 60)
    seconds, millis = divmod(rest, 1000)
    fraction = f".{millis:03d}".rstrip("0").rstrip(".")
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}{fraction}"
    return f"{minutes}:{seconds:02d}{fraction}"


class MarkingPlayer(QWidget):
    """PlayerPanel + the marking row under it."""

    cue_requested = Signal(int)  # ms of the paused picture
    moment_marked = Signal(int, int)  # start ms, end ms

    def __init__(self, parent: QWidget | None = None, *, player: VideoPlayer | None = None):
        super().__init__(parent)
        self.setObjectName("markingPlayer")
        self.panel = PlayerPanel(self, player=player)
        self._start_ms: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel, stretch=1)
        row = QHBoxLayout()
        self.at_label = QLabel(objectName="markingTime")
        self.at_label.setAccessibleName("The paused frame's time")
        self.at_label.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.at_label, stretch=1)
        self.cue_button = self._button(
            "Add c&ue here", "addCueButton", "Add a cue at the paused frame", row
        )
        self.cue_button.clicked.connect(self._on_cue_clicked)
        self.start_button = self._button(
            "Mark moment &start", "markMomentStartButton", "Mark a moment's start here", row
        )
        self.start_button.clicked.connect(self._on_start_clicked)
        self.end_button = self._button(
            "Mark moment &end", "markMomentEndButton", "Mark the moment's end here", row
        )
        self.end_button.clicked.connect(self._on_end_clicked)
        layout.addLayout(row)
        self.player.state_changed.connect(self._refresh)
        self.player.position_changed.connect(self._refresh)
        self._refresh()

    def _button(self, text: str, name: str, accessible: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        button.setToolTip("Pause on the frame first (Space; , and . step one frame)")
        row.addWidget(button)
        return button

    @property
    def player(self) -> VideoPlayer:
        return self.panel.player

    def load(self, path: str | os.PathLike[str]) -> None:
        """Open the clip paused on its first frame; a pending moment start is dropped."""
        self._start_ms = None
        self.panel.set_shields(grayscale=False, blurred=False, muted=False)
        self.panel.load(path, autoplay=False)

    def unload(self) -> None:
        self._start_ms = None
        self.panel.unload()
        self._refresh()

    def shutdown(self) -> None:
        self.panel.shutdown()

    @property
    def paused_ms(self) -> int | None:
        """The paused picture's position, or None while not paused on a picture."""
        if self.player.state is not PlayerState.PAUSED:
            return None
        return self.player.position

    def _frame_of(self, ms: int) -> int:
        return round(ms / max(1, self.player.frame_ms))

    def _refresh(self, *_args: object) -> None:
        at = self.paused_ms
        for button in (self.cue_button, self.start_button):
            button.setEnabled(at is not None)
        self.end_button.setEnabled(
            at is not None and self._start_ms is not None and at > self._start_ms
        )
        if at is None:
            text = "Pause on a frame to add a cue or mark a moment."
        else:
            text = f"Paused at {clip_time(at)} (frame {self._frame_of(at)})"
        if self._start_ms is not None:
            text += f" · moment from {clip_time(self._start_ms)}: now mark its end"
        self.at_label.setText(text)

    def _on_cue_clicked(self) -> None:
        at = self.paused_ms
        if at is not None:
            self.cue_requested.emit(at)

    def _on_start_clicked(self) -> None:
        self._start_ms = self.paused_ms
        self._refresh()

    def _on_end_clicked(self) -> None:
        at, start = self.paused_ms, self._start_ms
        if at is None or start is None or at <= start:
            return
        self._start_ms = None
        self.moment_marked.emit(start, at)
        self._refresh()
