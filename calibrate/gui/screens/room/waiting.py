"""Between a live room's steps: one sentence saying what the room is waiting for (the
trainer, the others, the connection, the room's clips), never a golden answer or a split."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from calibrate.gui import plain_text, theme
from calibrate.gui.shortcuts import bind_keys


class WaitingScreen(QWidget):
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("roomWaitingScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        self.heading = plain_text.fit_to_width(QLabel(objectName="roomWaitingHeading"))
        layout.addWidget(self.heading)
        layout.addStretch(2)
        self.sentence = QLabel(objectName="roomWaitingSentence")
        self.sentence.setAccessibleName("What the room is waiting for")
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        plain_text.fit_to_width(self.sentence)
        layout.addWidget(self.sentence)
        self.progress = QProgressBar(objectName="roomWaitingProgress")
        self.progress.setMaximumWidth(420)
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.leave_button = QPushButton("Leave the room", objectName="roomLeaveButton")
        self.leave_button.setAccessibleName("Leave the live room (you can rejoin with the code)")
        self.leave_button.clicked.connect(self.leave_requested)
        buttons.addWidget(self.leave_button)
        layout.addLayout(buttons)
        bind_keys(self, ("Esc",), self._on_escape)

    def show_waiting(
        self, heading: str, sentence: str, *, busy: bool = False, alert: bool = False
    ) -> None:
        """`busy`: a moving bar (connecting); `alert`: the room cannot go on."""
        self.heading.setText(f"<span style='font-size:11pt'>{html.escape(heading)}</span>")
        self.sentence.setText(sentence)
        colour = f"color: {theme.WRONG};" if alert else ""
        self.sentence.setStyleSheet(f"font-size: 16pt; {colour}")
        self.progress.setRange(0, 0)
        self.progress.setVisible(busy)
        self.leave_button.setText("Back to lessons" if alert else "Leave the room")
        self.leave_button.setFocus()

    def show_progress(self, received: int, size: int) -> None:
        """The room pack arriving: a bar with how much of it is here."""
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * received / size) if size else 0)
        self.progress.setVisible(True)

    def _on_escape(self) -> None:
        if self.leave_button.text() == "Back to lessons":
            self.leave_requested.emit()
