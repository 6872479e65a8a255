"""The lead and trainer areas' door: set the role's passcode the first time, ask for it after
that, change it with the old one, or reset it without — a reset the area then shows to
everyone who opens it. Each role has a passcode of its own.

The passcode is a local gate on this machine, not access control: the dialog says so. scrypt
at N = 2^17 takes about a second, so every hash runs off the GUI thread.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.passcodes import MIN_LENGTH, hash_passcode, needs_rehash, verify_passcode
from calibrate.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from calibrate.workspace.profiles import ProfilesManager

NOTICE = (
    "This passcode is a local gate on this computer, not access control. It keeps the next "
    "person at this machine out of the {role} area, but {bypass}"
)
# What the gate does not stop, and who should know the passcode, by role.
BYPASS = {
    "lead": "anyone who can copy the database file can read every result in it without the "
    "passcode.",
    "trainer": "anyone who can write to the lessons folders can change the packs without it.",
}
KEEP_TO = {
    "lead": "Leads see every moderator's results by name, so keep it to leads.",
    "trainer": "Trainers decide which packs, and so which golden answers, everyone here is "
    "taught and scored against, so keep it to trainers.",
}
# Where a reset without the old passcode is shown from then on.
SHOWN_ON = {"lead": "dashboard", "trainer": "area"}
WRONG = "That passcode is not right."


class Mode(Enum):
    SET = "set"  # no passcode yet: the first lead sets one
    ENTER = "enter"
    CHANGE = "change"  # knows the old passcode
    RESET = "reset"  # forgot it: allowed, recorded, shown on the dashboard


# Audit event of a stored new hash, by mode (ENTER stores one only to raise an old cost).
EVENTS = {
    Mode.SET: "passcode_set",
    Mode.ENTER: "passcode_rehashed",
    Mode.CHANGE: "passcode_changed",
    Mode.RESET: "passcode_reset",
}


def _intro(mode: Mode, role: str) -> str:
    return {
        Mode.SET: f"Set a passcode for the {role} area. {KEEP_TO[role]} At least {MIN_LENGTH} "
        "characters.",
        Mode.ENTER: f"Enter the {role} passcode.",
        Mode.CHANGE: f"Change the {role} passcode: the current one, then the new one twice.",
        Mode.RESET: f"Forgot the {role} passcode? Set a new one. A reset without the old "
        f'passcode is recorded, and the {role} {SHOWN_ON[role]} shows "{role.title()} passcode '
        'reset on DATE" to everyone who opens it.',
    }[mode]


class PasscodeDialog(QDialog):
    """Accepted only with the right passcode, or after setting, changing or resetting it."""

    def __init__(
        self, profiles: ProfilesManager, role: str = "lead", parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.profiles, self.role = profiles, role
        self.setObjectName("passcodeDialog")
        self.setWindowTitle(f"{role.title()} area")
        self.setMinimumWidth(460)
        self._stored = profiles.passcode_hash(role)
        self._runner = TaskRunner(self)
        self._busy = False
        layout = QVBoxLayout(self)
        self.intro = QLabel(objectName="passcodeIntro", wordWrap=True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.intro)
        self.notice = QLabel(
            NOTICE.format(role=role, bypass=BYPASS[role]),
            objectName="passcodeNotice",
            wordWrap=True,
        )
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")
        layout.addWidget(self.notice)
        self.form = QFormLayout()
        self.passcode = self._field("passcodeField", "Passcode")
        self.new_passcode = self._field("passcodeNew", "New passcode")
        self.repeat = self._field("passcodeRepeat", "Repeat")
        layout.addLayout(self.form)
        self.error = QLabel(objectName="passcodeError", wordWrap=True)
        self.error.setStyleSheet("color: #D55E00")
        layout.addWidget(self.error)
        links = QHBoxLayout()
        self.change_button = QPushButton("Change passcode…", objectName="passcodeChangeButton")
        self.change_button.clicked.connect(lambda: self._set_mode(Mode.CHANGE))
        self.reset_button = QPushButton("Forgot it? Reset…", objectName="passcodeResetButton")
        self.reset_button.clicked.connect(lambda: self._set_mode(Mode.RESET))
        for button in (self.change_button, self.reset_button):
            button.setAccessibleName(button.text().rstrip("…"))
            button.setAutoDefault(False)
            links.addWidget(button)
        links.addStretch(1)
        layout.addLayout(links)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._set_mode(Mode.SET if self._stored is None else Mode.ENTER)

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def busy(self) -> bool:
        """True while a passcode is being hashed (about a second)."""
        return self._busy

    def _field(self, name: str, label: str) -> QLineEdit:
        field = QLineEdit(objectName=name, echoMode=QLineEdit.EchoMode.Password)
        field.setAccessibleName(label)
        self.form.addRow(label, field)
        return field

    def _set_mode(self, mode: Mode) -> None:
        self._mode = mode
        self.intro.setText(_intro(mode, self.role))
        self.form.setRowVisible(self.passcode, mode in (Mode.ENTER, Mode.CHANGE))
        self.form.setRowVisible(self.new_passcode, mode is not Mode.ENTER)
        self.form.setRowVisible(self.repeat, mode is not Mode.ENTER)
        label = "Current passcode" if mode is Mode.CHANGE else "Passcode"
        self.form.labelForField(self.passcode).setText(label)
        self.passcode.setAccessibleName(label)
        self.change_button.setVisible(mode is Mode.ENTER)
        self.reset_button.setVisible(mode is Mode.ENTER)
        ok = {Mode.SET: "Set passcode", Mode.CHANGE: "Change", Mode.RESET: "Reset passcode"}
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok.get(mode, "OK"))
        for field in (self.passcode, self.new_passcode, self.repeat):
            field.clear()
        self.error.clear()
        (self.passcode if mode in (Mode.ENTER, Mode.CHANGE) else self.new_passcode).setFocus()
        self.adjustSize()

    def _form_problem(self) -> str:
        """What is wrong with the typed values before any hashing, or ""."""
        if self._mode in (Mode.ENTER, Mode.CHANGE) and not self.passcode.text():
            return "Type the passcode." if self._mode is Mode.ENTER else "Type the current one."
        if self._mode is Mode.ENTER:
            return ""
        if len(self.new_passcode.text()) < MIN_LENGTH:
            return f"Use at least {MIN_LENGTH} characters."
        if self.new_passcode.text() != self.repeat.text():
            return "The two entries differ."
        return ""

    def _on_ok(self) -> None:
        if self._busy:
            return
        problem = self._form_problem()
        if problem:
            self.error.setText(problem)
            return
        mode, stored = self._mode, self._stored or ""
        code, new = self.passcode.text(), self.new_passcode.text()

        def work() -> str | None:
            """None: wrong passcode; "": right, nothing to store; else the hash to store."""
            if mode in (Mode.ENTER, Mode.CHANGE) and not verify_passcode(code, stored):
                return None
            if mode is Mode.ENTER:
                return hash_passcode(code) if needs_rehash(stored) else ""
            return hash_passcode(new)

        self._set_busy(True)
        self._runner.run("passcode", work, self._on_checked, self._on_check_failed)

    def _on_checked(self, new_hash: str | None) -> None:
        self._set_busy(False)
        if new_hash is None:
            self.error.setText(WRONG)
            self.passcode.clear()
            self.passcode.setFocus()
            return
        if new_hash:
            self.profiles.set_passcode_hash(self.role, new_hash, EVENTS[self._mode])
        self.accept()

    def _on_check_failed(self, _error: BaseException) -> None:
        self._set_busy(False)
        self.error.setText("The passcode could not be checked; the log has the details.")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.passcode, self.new_passcode, self.repeat, self.buttons):
            widget.setEnabled(not busy)
        for button in (self.change_button, self.reset_button):
            button.setEnabled(not busy)
        # "Checking…" in the text colour; problems in the error colour.
        self.error.setStyleSheet("" if busy else "color: #D55E00")
        if busy:
            self.error.setText("Checking…")

    def reject(self) -> None:
        if not self._busy:  # the hash in flight finishes first (about a second)
            super().reject()


def reset_notice(profiles: ProfilesManager, role: str = "lead") -> str:
    """The area's 'Lead passcode reset on DATE ...' line after a reset without the old
    passcode, else ""."""
    resets, last = profiles.passcode_resets(role)
    if not resets or last is None:
        return ""
    when = last[:16].replace("T", " ") + " UTC"
    count = f" ({resets} resets so far)" if resets > 1 else ""
    return (
        f"{role.title()} passcode reset on {when} without the old passcode{count}. If no "
        f"{role} did this, someone else may have opened this {SHOWN_ON[role]}."
    )
