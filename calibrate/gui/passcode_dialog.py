"""The lead area's door: set the passcode the first time, ask for it after that."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.passcodes import MIN_LENGTH, hash_passcode, verify_passcode
from calibrate.store import settings


class PasscodeDialog(QDialog):
    """Accepted only with the right passcode (or, the first time, a new one typed twice)."""

    def __init__(self, db, role: str = "lead", parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.role = db, role
        self.setObjectName("passcodeDialog")
        self._stored = settings.passcode_hash(db, role)
        self.setWindowTitle(f"{role.title()} area")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Set a passcode for the {role} area. Leads see every moderator's results by "
            f"name, so keep it to leads. At least {MIN_LENGTH} characters."
            if self._stored is None
            else f"Enter the {role} passcode."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.passcode = QLineEdit(objectName="passcodeField", echoMode=QLineEdit.EchoMode.Password)
        self.passcode.setAccessibleName("Passcode")
        form.addRow("Passcode", self.passcode)
        self.repeat = QLineEdit(objectName="passcodeRepeat", echoMode=QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat passcode")
        if self._stored is None:
            form.addRow("Repeat", self.repeat)
        layout.addLayout(form)
        self.error = QLabel(objectName="passcodeError")
        self.error.setStyleSheet("color: #D55E00")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_ok(self) -> None:
        code = self.passcode.text()
        if self._stored is not None:
            if verify_passcode(code, self._stored):
                self.accept()
            else:
                self.error.setText("That passcode is not right.")
                self.passcode.clear()
            return
        if len(code) < MIN_LENGTH:
            self.error.setText(f"Use at least {MIN_LENGTH} characters.")
        elif code != self.repeat.text():
            self.error.setText("The two entries differ.")
        else:
            settings.set_passcode_hash(self.db, self.role, hash_passcode(code))
            self.accept()
