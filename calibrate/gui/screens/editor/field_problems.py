"""Live validation shown where it belongs: a red border round the field, the message under it.

Every editor page wraps each field in a `FieldBox` registered under the key path it edits
("title", "context.caption", "golden", "cues"); `FieldProblems.show(problems)` gives each
problem to the box whose key path is the longest prefix of the problem's ("cues[1].at" goes
to "cues"), and the problems no field owns (a TOML syntax error, a file-level refusal) to
the page's general line.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from calibrate.core.errors import Problem
from calibrate.gui import theme


class FieldBox(QFrame):
    """One field and the line under it that says what is wrong with it."""

    def __init__(self, field: QWidget, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.field = field
        self.setObjectName(f"field_{key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(2)
        layout.addWidget(field)
        self.message = QLabel(objectName=f"problem_{key}", wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # a problem quotes the file's text
        self.message.setStyleSheet(f"color: {theme.WRONG}")
        self.message.setAccessibleName(f"Problem with {key}")
        self.message.hide()
        layout.addWidget(self.message)
        self._shown: list[str] | None = None
        self.set_problems([])

    def set_problems(self, messages: list[str]) -> None:
        if messages == self._shown:
            return  # a style sheet set again re-polishes the field: ~1 ms a box, per keystroke
        self._shown = list(messages)
        self.message.setText("\n".join(messages))
        self.message.setVisible(bool(messages))
        colour = theme.WRONG if messages else "transparent"
        # Only this frame's own border: the selector keeps the colour off the field inside.
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ border: 2px solid {colour}; border-radius: 4px; }}"
        )

    @property
    def has_problem(self) -> bool:
        return not self.message.isHidden()


def _owner(key_path: str, keys: Iterable[str]) -> str | None:
    """The longest registered key that is key_path or a parent of it."""
    best: str | None = None
    for key in keys:
        if key_path == key or key_path.startswith((key + ".", key + "[")):
            if best is None or len(key) > len(best):
                best = key
    return best


# The schema's words for an empty or missing value, as a trainer reads them under a field.
PLAIN_WORDS = {
    "Field required": "required: fill this in",
    "String should have at least 1 character": "must not be empty",
    "List should have at least 1 item after validation, not 0": "choose at least one",
}


def message_of(problem: Problem) -> str:
    """The problem's words as shown under its field (its line, where the file has one)."""
    where = f"line {problem.line}: " if problem.line is not None else ""
    return where + PLAIN_WORDS.get(problem.message, problem.message)


class FieldProblems:
    """The page's field boxes by key, and the label for problems no field owns."""

    def __init__(self, general: QLabel):
        self.boxes: dict[str, FieldBox] = {}
        self.general = general
        general.setTextFormat(Qt.TextFormat.PlainText)
        general.setWordWrap(True)
        general.setStyleSheet(f"color: {theme.WRONG}")
        general.hide()

    def box(self, field: QWidget, key: str) -> FieldBox:
        box = FieldBox(field, key)
        self.boxes[key] = box
        return box

    def show(self, problems: Iterable[Problem]) -> list[Problem]:
        """Put each problem at its field; returns the blocking ones (not `warning:`)."""
        by_key: dict[str, list[str]] = {key: [] for key in self.boxes}
        general: list[str] = []
        blocking: list[Problem] = []
        for problem in problems:
            if not problem.is_warning:
                blocking.append(problem)
            owner = _owner(problem.key_path or "", self.boxes) if problem.key_path else None
            if owner is None:
                where = f"{problem.key_path}: " if problem.key_path else ""
                general.append(where + message_of(problem))
            else:
                by_key[owner].append(message_of(problem))
        for key, messages in by_key.items():
            self.boxes[key].set_problems(messages)
        self.general.setText("\n".join(general))
        self.general.setVisible(bool(general))
        return blocking

    def at(self, key: str) -> str:
        """The message shown under the field `key` ("" when none): for tests and the screen
        reader."""
        box = self.boxes[key]
        return box.message.text() if box.has_problem else ""
