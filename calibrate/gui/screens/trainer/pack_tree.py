"""The packs found, grouped by the lessons folder they come from (bundled and read-only, the
user's own, this run's --lessons), one row per pack: lessons, problems, whether it is in use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from calibrate.core.errors import counted
from calibrate.gui import theme
from calibrate.workspace.folders import Status

if TYPE_CHECKING:
    from calibrate.workspace.folders import FoundPack, LessonFolder

COLUMNS = ("Pack", "Id", "Lessons", "Problems", "Status")
ROLE = Qt.ItemDataRole.UserRole  # a pack row's index in `found`; folder rows have none


def problems_text(entry: FoundPack) -> str:
    parts = [counted(len(entry.errors), "problem")] if entry.errors else []
    parts += [counted(len(entry.warnings), "warning")] if entry.warnings else []
    return " · ".join(parts) or "none"


def lessons_text(entry: FoundPack) -> str:
    if entry.pack is None:
        return "—"
    total = len(entry.pack.every_lesson)
    available = len(entry.pack.lessons)
    return counted(total, "lesson") if available == total else f"{available} of {total} usable"


class PackTree(QTreeWidget):
    """Folder rows (bold, with where they come from) holding pack rows; `chosen()` is the
    pack row under the cursor, or None on a folder row."""

    def __init__(self) -> None:
        super().__init__(objectName="trainerPacks")
        self.setAccessibleName("Packs found, by lessons folder")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setStyleSheet("QTreeWidget::item { padding: 4px 2px; }")
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((340, 170, 120, 170)):
            self.setColumnWidth(column, width)
        self.found: list[FoundPack] = []  # a pack row keeps its index here (ROLE)

    def show_packs(
        self, found: list[FoundPack], folders: list[LessonFolder], missing: dict
    ) -> None:
        """Rebuild the rows: every folder read (an empty or missing one too: `missing` maps a
        folder to its own problem), its packs under it. The pack chosen before stays chosen
        (the same folder), else the first pack is."""
        chosen = self.chosen()
        self.clear()
        self.found = list(found)
        rows: list[QTreeWidgetItem] = []
        for folder in folders:
            packs = [(i, e) for i, e in enumerate(found) if e.lessons_folder == folder]
            problem = missing.get(folder.path) or ("" if packs else "no packs in it")
            group = self._folder_row(folder, problem)
            rows += [self._pack_row(group, entry, index) for index, entry in packs]
        self.expandAll()
        again = [r for r in rows if chosen and self.found[r.data(0, ROLE)].folder == chosen.folder]
        if again or rows:
            self.setCurrentItem((again or rows)[0])

    def _folder_row(self, folder: LessonFolder, problem: str | None) -> QTreeWidgetItem:
        where = folder.describe() + (f" · {problem}" if problem else "")
        row = QTreeWidgetItem([str(folder.path), "", "", "", where])
        bold = QFont(self.font())
        bold.setBold(True)
        row.setFont(0, bold)
        row.setToolTip(0, f"{folder.path} ({folder.describe()})")
        row.setForeground(4, self.palette().placeholderText())
        self.addTopLevelItem(row)
        return row

    def _pack_row(self, parent: QTreeWidgetItem, entry: FoundPack, index: int) -> QTreeWidgetItem:
        row = QTreeWidgetItem(
            [
                entry.title,
                entry.pack_id,
                lessons_text(entry),
                problems_text(entry),
                entry.describe_status(),
            ]
        )
        row.setToolTip(0, str(entry.folder))
        if entry.errors:
            row.setForeground(3, QColor(theme.WRONG))
        if entry.status is not Status.IN_USE:
            for column in range(len(COLUMNS)):
                row.setForeground(column, self.palette().placeholderText())
        row.setData(0, ROLE, index)
        parent.addChild(row)
        return row

    def chosen(self) -> FoundPack | None:
        item = self.currentItem()
        index = None if item is None else item.data(0, ROLE)
        return None if index is None else self.found[index]

    def choose(self, pack_id: str, bundled: bool | None = None) -> FoundPack:
        """Select the pack with this id; `bundled` says which copy when there are two."""
        for group in range(self.topLevelItemCount()):
            folder = self.topLevelItem(group)
            for child in range(folder.childCount()):
                entry = self.found[folder.child(child).data(0, ROLE)]
                if entry.pack_id == pack_id and bundled in (None, entry.lessons_folder.read_only):
                    self.setCurrentItem(folder.child(child))
                    return entry
        raise KeyError(pack_id)
