"""A percentage spin box that may be left blank: a lesson's own pass mark, blank for the
pack's. Blank is the value -1 (below 0 %); the placeholder says what blank stands for."""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QWidget

BLANK = -1


class OptionalPercentBox(QSpinBox):
    """0–100 %, or blank (value BLANK). Typing "75", "75 %" or clearing the text all work."""

    def __init__(self, parent: QWidget | None = None, *, objectName: str = ""):  # noqa: N803
        super().__init__(parent)
        self.setObjectName(objectName)
        self.setRange(BLANK, 100)
        self.setValue(BLANK)

    def share(self) -> float | None:
        """The value as a share of 1 (0.75), None when blank."""
        return None if self.value() == BLANK else round(self.value() / 100, 2)

    def set_share(self, share: float | None) -> None:
        self.setValue(BLANK if share is None else round(share * 100))

    def textFromValue(self, value: int) -> str:  # noqa: N802 (Qt's name)
        return "" if value == BLANK else f"{value} %"

    def valueFromText(self, text: str) -> int:  # noqa: N802
        digits = text.replace("%", "").strip()
        return int(digits) if digits.isdigit() else BLANK

    def validate(self, text: str, pos: int) -> object:
        digits = text.replace("%", "").strip()
        if not digits:
            return QValidator.State.Acceptable, text, pos
        if not digits.isdigit():
            return QValidator.State.Invalid, text, pos
        state = QValidator.State.Acceptable if int(digits) <= 100 else QValidator.State.Invalid
        return state, text, pos
