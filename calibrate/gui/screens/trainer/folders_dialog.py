"""Settings → Lesson folders: the folders Calibrate reads packs from, in reading order; add
and remove the user's own. The bundled folder is shown, read-only; --lessons folders are
shown for this run only. A change is saved at once and the lessons are read again in the
background (the area says when that is done)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import theme
from calibrate.gui.saved_folders import save_folders
from calibrate.gui.widgets.table_panel import start_folder
from calibrate.workspace.folders import FolderRefused, Origin

if TYPE_CHECKING:
    from calibrate.workspace.folders import LessonFolder
    from calibrate.workspace.lessons import LessonsManager

INTRO = (
    "Calibrate reads lesson packs from these folders, top to bottom. Add the folder that "
    "holds your packs (for a trainer: the lessons/ of your checkout; their clips go in the "
    "assets/ folder beside it). A pack in your folder replaces a bundled pack of the same id."
)


class LessonFoldersDialog(QDialog):
    folders_changed = Signal()  # saved and applied: the lessons need reading again

    def __init__(self, lessons: LessonsManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.lessons = lessons
        self.setObjectName("lessonFoldersDialog")
        self.setWindowTitle("Lesson folders")
        self.resize(760, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO, wordWrap=True, objectName="lessonFoldersIntro")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        self.list = QListWidget(objectName="lessonFoldersList")
        self.list.setAccessibleName("Lesson folders, in reading order")
        self.list.setStyleSheet("QListWidget::item { padding: 5px 2px; }")
        self.list.currentRowChanged.connect(self._on_current_changed)
        layout.addWidget(self.list, stretch=1)
        row = QHBoxLayout()
        self.add_button = QPushButton("&Add folder…", objectName="addFolderButton")
        self.add_button.setAccessibleName("Add a lessons folder")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton("&Remove", objectName="removeFolderButton")
        self.remove_button.setAccessibleName("Stop reading the chosen folder")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel(objectName="lessonFoldersStatus", wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._folders: list[LessonFolder] = []
        self.refresh()
        self.list.setFocus()

    def refresh(self, missing: dict[Path, str] | None = None) -> None:
        """List the folders read now; `missing` names those the last reading did not find."""
        current = self.list.currentRow()
        self.list.clear()
        self._folders = self.lessons.folders()
        for folder in self._folders:
            problem = (missing or {}).get(folder.path)
            text = f"{folder.path}\n    {folder.describe()}" + (f" · {problem}" if problem else "")
            item = QListWidgetItem(text)
            item.setToolTip(str(folder.path))
            if folder.origin is not Origin.SAVED:  # shown, not removable here
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        self.list.setCurrentRow(min(max(current, 0), self.list.count() - 1))
        self._on_current_changed(self.list.currentRow())

    def chosen(self) -> LessonFolder | None:
        row = self.list.currentRow()
        return self._folders[row] if 0 <= row < len(self._folders) else None

    def add_folder(self, path: Path) -> bool:
        """Save `path` as one more lessons folder, or say in one line why not."""
        try:
            saved = self.lessons.add_folder(path)
        except FolderRefused as refused:
            self.say(f"Not added: {refused}", refused=True)
            return False
        save_folders(saved)
        self.refresh()
        self.list.setCurrentRow(self.list.count() - 1)
        self.say(f"Added {path}. Reading the lessons again…")
        self.folders_changed.emit()
        return True

    def remove_folder(self, folder: LessonFolder) -> None:
        try:
            saved = self.lessons.remove_folder(folder.path)
        except FolderRefused as refused:
            self.say(f"Not removed: {refused}", refused=True)
            return
        save_folders(saved)
        self.refresh()
        self.say(
            f"Calibrate no longer reads {folder.path} (its files are untouched). "
            "Reading the lessons again…"
        )
        self.folders_changed.emit()

    def say(self, text: str, refused: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {theme.WRONG}" if refused else "")

    def _on_current_changed(self, _row: int) -> None:
        folder = self.chosen()
        self.remove_button.setEnabled(folder is not None and folder.origin is Origin.SAVED)
        if folder is not None and folder.origin is not Origin.SAVED:
            self.remove_button.setToolTip(f"{folder.describe()}: not removable here")
        else:
            self.remove_button.setToolTip("")

    def _on_add_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a lessons folder", str(start_folder()))
        if folder:
            self.add_folder(Path(folder))

    def _on_remove_clicked(self) -> None:
        folder = self.chosen()
        if folder is not None:
            self.remove_folder(folder)
