"""The Problems view: every problem found in the lesson files, one copyable line each, and
which lessons they make unavailable. Opened from the status bar, View → Lesson problems and
an unavailable lesson in the lesson list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import shown_to_moderators
from calibrate.core.lessons_result import LoadResult
from calibrate.core.wording import counted


def problems_report(library: LoadResult) -> str:
    """Plain text: the unavailable lessons, then every problem as `FILE:LINE: message`."""
    lines: list[str] = []
    broken = [(pack, x) for pack in library.packs for x in pack.unavailable]
    if broken:
        lines.append("Unavailable lessons (fix their files, then File → Reload lessons):")
        lines += [f"  {pack.title} · {x.lesson.title}: {counted(len(x.problems), 'problem')}"
                  for pack, x in broken]
        lines.append("")
    errors = [p for p in library.problems if not p.is_warning]
    warnings = [p for p in library.problems if p.is_warning]
    if errors:
        lines.append(f"{counted(len(errors), 'problem')}:")
        lines += [shown_to_moderators(p) for p in errors]
        lines.append("")
    if warnings:
        lines.append(f"{counted(len(warnings), 'warning')} (these leave lessons available):")
        lines += [shown_to_moderators(p) for p in warnings]
    return "\n".join(lines).strip() or "No problems in the lesson files."


def problems_summary(library: LoadResult) -> str:
    """One sentence: how many problems, and what they take away."""
    errors = sum(1 for p in library.problems if not p.is_warning)
    broken = sum(len(pack.unavailable) for pack in library.packs)
    if not errors:
        return "No problems in the lesson files."
    taken = (f"{counted(broken, 'lesson')} unavailable until fixed"
             if broken else "every lesson still available")
    return (f"{counted(errors, 'problem')} in lesson files: {taken}. A pack whose pack.toml "
            "has a problem is not loaded; a clip problem leaves its case answerable.")


class ProblemsDialog(QDialog):
    """A read-only, selectable list of the problems, with Copy all."""

    def __init__(self, library: LoadResult, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle("Lesson problems")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel(problems_summary(library), objectName="problemsSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.text = QPlainTextEdit(objectName="problemsText", readOnly=True)
        self.text.setAccessibleName("Problems found in lesson files, one per line")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText(problems_report(library))
        layout.addWidget(self.text, stretch=1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy all", objectName="copyProblemsButton")
        self.copy_button.setAccessibleName("Copy every problem to the clipboard")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.copy_button.setText("Copied")
