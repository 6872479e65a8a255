"""The Problems view: every problem found in the lesson files, one copyable line each, and
which lessons they make unavailable. Opened from the status bar, View → Lesson problems and
an unavailable lesson in the lesson list."""

from __future__ import annotations

import os

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

from calibrate.core.errors import Problem, counted, shown_to_moderators
from calibrate.core.lessons.result import LoadResult


def _folder_of(file: str, folders: list[str]) -> str | None:
    """The lessons folder file lies in (the innermost one), or None."""
    path = os.path.abspath(file)
    inside = [
        folder for folder in folders if path.startswith(os.path.join(os.path.abspath(folder), ""))
    ]
    return max(inside, key=len, default=None)


def _line(problem: Problem, folders: list[str] | None, whole: bool = False) -> str:
    """`FILE:LINE: message`, FILE named from its lessons folder (`pack/cases/x.toml`) when
    folders are given: full paths run off the view's edge and repeat what it says once.
    A problem in a golden answer is quoted only when `whole` (the trainer area)."""
    relative_to = None if folders is None else _folder_of(problem.file, folders)
    return problem.format(relative_to) if whole else shown_to_moderators(problem, relative_to)


def problems_report(library: LoadResult, full_paths: bool = True, whole: bool = False) -> str:
    """Plain text: the unavailable lessons, then every problem as `FILE:LINE: message`;
    FILE in full, or (full_paths False) from the lessons folder it lies in; `whole`: even
    a golden answer's problem quoted (behind the trainer passcode only)."""
    folders = None if full_paths else library.folders
    lines: list[str] = []
    broken = [(pack, x) for pack in library.packs for x in pack.unavailable]
    if broken:
        lines.append("Unavailable lessons (fix their files, then File → Reload lessons):")
        lines += [
            f"  {pack.title} · {x.lesson.title}: {counted(len(x.problems), 'problem')}"
            for pack, x in broken
        ]
        lines.append("")
    errors = [p for p in library.problems if not p.is_warning]
    warnings = [p for p in library.problems if p.is_warning]
    if errors:
        lines.append(f"{counted(len(errors), 'problem')}:")
        lines += [_line(p, folders, whole) for p in errors]
        lines.append("")
    if warnings:
        lines.append(f"{counted(len(warnings), 'warning')} (these leave lessons available):")
        lines += [_line(p, folders, whole) for p in warnings]
    return "\n".join(lines).strip() or "No problems in the lesson files."


def problems_summary(library: LoadResult) -> str:
    """One sentence: how many problems, and what they take away."""
    errors = sum(1 for p in library.problems if not p.is_warning)
    broken = sum(len(pack.unavailable) for pack in library.packs)
    if not errors:
        return "No problems in the lesson files."
    taken = (
        f"{counted(broken, 'lesson')} unavailable until fixed"
        if broken
        else "every lesson still available"
    )
    return (
        f"{counted(errors, 'problem')} in lesson files: {taken}. A pack whose pack.toml "
        "has a problem is not loaded; a clip problem leaves its case answerable."
    )


class ProblemsDialog(QDialog):
    """A read-only, selectable list of the problems, with Copy all."""

    def __init__(self, library: LoadResult, parent: QWidget | None = None, whole: bool = False):
        """`whole`: quote problems in golden answers too (the trainer area, behind its
        passcode); elsewhere moderators may be looking."""
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle("Lesson problems")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel(problems_summary(library), objectName="problemsSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        used = sorted({f for p in library.problems if (f := _folder_of(p.file, library.folders))})
        self.folders = QLabel(
            "Files are named from their lessons folder: " + "; ".join(used) if used else "",
            objectName="problemsFolders",
        )
        self.folders.setTextFormat(Qt.TextFormat.PlainText)
        self.folders.setWordWrap(True)
        self.folders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folders.setVisible(bool(used))
        layout.addWidget(self.folders)
        self._full_report = problems_report(library, whole=whole)  # Copy all: full paths
        self.text = QPlainTextEdit(objectName="problemsText", readOnly=True)
        self.text.setAccessibleName("Problems found in lesson files, one per line")
        # A long message wraps at the edge rather than hiding behind a scroll bar.
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setPlainText(problems_report(library, full_paths=False, whole=whole))
        layout.addWidget(self.text, stretch=1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy all", objectName="copyProblemsButton")
        self.copy_button.setAccessibleName("Copy every problem to the clipboard")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._full_report)
        self.copy_button.setText("Copied")
