"""Join a live session: the code pasted or typed (checked as it is typed, its problem in
words, the secret never echoed), then connecting with progress until the room welcomes this
moderator — or one sentence saying why it cannot (core/live/participant.FAILURES)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.live.join_code import (
    MAX_CODE_CHARS,
    JoinCode,
    JoinCodeError,
    decode_join_code,
)
from calibrate.core.live.messages import Welcome
from calibrate.core.live.participant import failure_sentence
from calibrate.gui import plain_text, theme

if TYPE_CHECKING:
    from calibrate.core.profiles import Profile
    from calibrate.gui.screens.room.controller import RoomController


def code_problem(text: str) -> tuple[JoinCode | None, str]:
    """The code, or the sentence saying what is wrong with it (never the secret)."""
    if not text.strip():
        return None, "Paste the code the trainer shares (one line of letters and digits)."
    try:
        return decode_join_code(text), ""
    except JoinCodeError as error:
        words = str(error)
        end = "" if words.endswith(("?)", ".")) else "."
        return None, f"{words[:1].upper()}{words[1:]}{end}"


def where(code: JoinCode) -> str:
    return f"{code.host} port {code.port}"


class JoinDialog(QDialog):
    """`joined(controller)` once the room welcomed this profile; the dialog then closes.
    `start_room(code)` makes the room's controller (and its connection) for a code."""

    joined = Signal(object)  # RoomController

    def __init__(
        self,
        profile: Profile,
        start_room: Callable[[JoinCode], RoomController],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("joinRoomDialog")
        self.setWindowTitle("Join a live session")
        self.setMinimumWidth(620)
        self._start_room = start_room
        self.room: RoomController | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<p style='font-size:12pt'><b>Join a live session</b></p><p>You join as "
            f"<b>{html.escape(profile.name)}</b>"
            + (f" ({html.escape(' · '.join(x for x in (profile.team, profile.site) if x))})"
               if profile.team or profile.site else "")
            + ". The trainer sees your name; your answers are recorded on the trainer's "
            "computer and on this one.</p>",
            objectName="joinIntro",
        )  # fmt: skip
        plain_text.fit_to_width(intro)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Join code (paste it with Ctrl+V):"))
        self.code = QLineEdit(objectName="joinCode")
        self.code.setAccessibleName("Join code")
        self.code.setMaxLength(MAX_CODE_CHARS + 20)  # pasted with spaces or a newline
        self.code.setPlaceholderText("e.g. AQR_AAAB… (78 characters)")
        self.code.textChanged.connect(self._on_code_changed)
        layout.addWidget(self.code)
        self.status = QLabel(objectName="joinStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        plain_text.fit_to_width(self.status)
        self.status.setMinimumHeight(44)
        layout.addWidget(self.status)
        self.progress = QProgressBar(objectName="joinProgress")
        self.progress.setRange(0, 0)  # busy, until the room answers
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        buttons = QDialogButtonBox()
        self.join_button = QPushButton("Join  (Enter)", objectName="joinButton")
        self.join_button.setAccessibleName("Join the live session")
        self.join_button.setDefault(True)
        self.join_button.clicked.connect(self._on_join_clicked)
        buttons.addButton(self.join_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("joinCancelButton")
        cancel.setAutoDefault(False)  # Enter joins (the default button), never cancels
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._on_code_changed("")

    def _say(self, text: str, alert: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("alert", alert)
        self.status.setStyleSheet(f"color: {theme.WRONG}; font-weight: bold" if alert else "")

    def _on_code_changed(self, text: str) -> None:
        if self.room is not None:
            return
        code, problem = code_problem(text)
        self.join_button.setEnabled(code is not None)
        if code is not None:
            self._say(f"A room at {where(code)}. Press Enter to join.")
        else:
            self._say(problem, alert=bool(text.strip()))

    def _on_join_clicked(self) -> None:
        code, _problem = code_problem(self.code.text())
        if code is None or self.room is not None:
            return
        self.room = room = self._start_room(code)
        connection = room.connection
        connection.received.connect(self._on_room_received)
        connection.failed.connect(self._on_room_failed)
        connection.dropped.connect(self._on_room_dropped)
        self.code.setEnabled(False)
        self.join_button.setEnabled(False)
        self.progress.show()
        self._say(f"Connecting to the room at {where(code)}…")
        room.connect_room()

    def _on_room_received(self, message: object) -> None:
        if isinstance(message, Welcome) and self.room is not None:
            room, self.room = self.room, None
            self._disconnect(room)
            self.joined.emit(room)
            self.accept()

    def _on_room_dropped(self, attempt: int) -> None:
        if self.room is not None:
            code = self.room.connection.code
            self._say(f"Connecting to the room at {where(code)}… (attempt {attempt + 1})")

    def _on_room_failed(self, code: str, reason: str) -> None:
        room, self.room = self.room, None
        if room is None:
            return
        self._disconnect(room)
        room.shutdown()
        room.deleteLater()
        self.progress.hide()
        self.code.setEnabled(True)
        self.join_button.setEnabled(True)
        self.code.setFocus()
        self._say(failure_sentence(code, reason, where(room.connection.code)), alert=True)

    def _disconnect(self, room: RoomController) -> None:
        for signal, slot in (
            (room.connection.received, self._on_room_received),
            (room.connection.failed, self._on_room_failed),
            (room.connection.dropped, self._on_room_dropped),
        ):
            signal.disconnect(slot)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Enter joins — never a button that merely has focus (QDialog's default-button
        # rules pick one after the Join button was disabled while connecting).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_join_clicked()
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Cancel: a connection under way is let go."""
        room, self.room = self.room, None
        if room is not None:
            self._disconnect(room)
            room.shutdown()
            room.deleteLater()
        super().reject()
