"""A guidance slide: Markdown with its live preview (the moderator's renderer), checked as it
is typed, saved with Ctrl+S."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.gui.screens.editor.field_problems import FieldProblems
from calibrate.gui.screens.editor.markdown_editor import MarkdownEditor
from calibrate.gui.shortcuts import bind_keys

if TYPE_CHECKING:
    from calibrate.workspace.authoring import PackEditor

CHECK_DELAY_MS = 150


class SlidePage(QWidget):
    saved = Signal(str)  # slide file name

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("slidePage")
        self.pack: PackEditor | None = None
        self.name = ""
        self.dirty = False
        self.blocking: list = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(objectName="slideHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold")
        layout.addWidget(self.heading)
        hint = QLabel(
            "Guidance is Markdown: # for headings, **bold**, - for lists. A heading that starts "
            "with a clause id (## HB-2 · …) gets the clause's badge; type the start of an id "
            "and the pack's clause ids are offered.",
            wordWrap=True,
        )
        hint.setStyleSheet("color: palette(placeholder-text)")
        layout.addWidget(hint)
        self.problems = FieldProblems(QLabel(objectName="slideGeneralProblems"))
        layout.addWidget(self.problems.general)
        self.editor = MarkdownEditor(self, name="slideEditor", label="Guidance slide")
        layout.addWidget(self.problems.box(self.editor, "markdown"), stretch=1)
        row = QHBoxLayout()
        self.status = QLabel(objectName="slideStatus", wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.status, stretch=1)
        self.save_button = QPushButton("&Save  (Ctrl+S)", objectName="saveSlideButton")
        self.save_button.setAccessibleName("Save the guidance slide")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.editor.changed.connect(self._on_changed)
        bind_keys(self, ("Ctrl+S",), self.save)

    def open_slide(self, pack: PackEditor, name: str, clause_ids: list[str]) -> None:
        self.pack, self.name = pack, name
        self.heading.setText(f"Guidance slide · {name}")
        self.editor.set_clause_ids(clause_ids)
        self.editor.set_text(pack.read_slide(name))
        self.dirty = False
        self.status.setText("")
        self.check()

    def _on_changed(self) -> None:
        self.dirty = True
        self.status.setText("Unsaved changes.")
        self._timer.start()

    def check(self) -> None:
        self._timer.stop()
        if self.pack is None:
            return
        problems = self.pack.check_slide(self.name, self.editor.text())
        # A slide's problems are about its text as a whole: all at the Markdown field.
        located = [p._replace(key_path=p.key_path or "markdown") for p in problems]
        self.blocking = self.problems.show(located)
        self.save_button.setEnabled(not self.blocking)

    def save(self) -> bool:
        from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid

        if self.pack is None:
            return False
        self.check()
        if self.blocking:
            self.status.setText("Not saved: fix the problem shown in red first.")
            return False
        try:
            self.pack.save_slide(self.name, self.editor.text())
        except FileInvalid as invalid:
            self.problems.show([p._replace(key_path="markdown") for p in invalid.problems])
            self.status.setText(f"Not saved: {invalid}")
            return False
        except (AuthoringRefused, OSError) as refused:
            self.status.setText(f"Not saved: {refused}")
            return False
        self.dirty = False
        self.status.setText(f"Saved {self.name}.")
        self.saved.emit(self.name)
        return True
