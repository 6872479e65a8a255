"""The card shown before a warned clip plays: what to expect, watch shielded, or skip."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.core.models import Case
from calibrate.gui import theme

WARNING_WORDS = {
    "self_harm": "self-harm",
    "animal_harm": "animal harm",
    "dangerous_acts": "dangerous acts",
    "distressing_audio": "distressing audio",
}


def warning_words(warnings: tuple[str, ...]) -> str:
    return ", ".join(WARNING_WORDS.get(w, w) for w in warnings)


class WarningCard(QFrame):
    """Shown before a warned clip plays: what to expect, watch shielded, or skip."""

    watch_requested = Signal()
    skip_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("warningCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addStretch()
        self._shield_words = "grayscale, blurred and muted"
        self.text = QLabel(objectName="warningText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.watch = QPushButton("Watch shielded  (W)", objectName="watchShieldedButton")
        self.watch.setAccessibleName("Watch the clip shielded: grayscale, blurred and muted")
        self.watch.clicked.connect(self.watch_requested)
        buttons.addWidget(self.watch)
        self.skip = QPushButton("Skip this case", objectName="warningSkipButton")
        self.skip.setAccessibleName("Skip this case without watching")
        self.skip.clicked.connect(self.skip_requested)
        buttons.addWidget(self.skip)
        buttons.addStretch()
        layout.addLayout(buttons)
        layout.addStretch()

    def set_shield_words(self, words: str) -> None:
        """The shields the clip will start with, in words ("" with none)."""
        self._shield_words = words
        self.watch.setText("Watch shielded  (W)" if words else "Watch  (W)")
        self.watch.setAccessibleName(
            f"Watch the clip {words}" if words else "Watch the clip, unshielded"
        )

    def show_warnings(self, case: Case) -> None:
        shields = (
            f"It will play shielded: {html.escape(self._shield_words)}.<br>Lift each shield "
            "yourself if you need to see more; Shift+S puts them back."
            if self._shield_words
            else "It will play unshielded; Shift+S shields it."
        )
        self.text.setText(
            f"<p style='font-size:16pt; color:{theme.WARNING}'><b>⚠ Content warning</b></p>"
            "<p style='font-size:12pt'>This clip is marked: <b>"
            f"{html.escape(warning_words(case.warnings))}"
            f"</b>.</p><p>{shields}<br>You may skip it: a skip is recorded and never "
            "scored as wrong.</p>"
        )
