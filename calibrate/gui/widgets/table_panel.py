"""A sortable read-only table of (header, rows) with "Export CSV…"."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import theme


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """RFC 4180 CSV in UTF-8 (with BOM, so spreadsheet apps read accents right)."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def _display(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


class _Item(QTableWidgetItem):
    """Sorts numbers as numbers."""

    def __init__(self, value: object):
        super().__init__(_display(value))
        self.value = value
        if isinstance(value, bool):
            # yes/no columns are where a lead looks for gaps: make a "no" stand out.
            self.setForeground(QColor(theme.CORRECT if value else theme.WRONG))
        elif isinstance(value, int | float):
            self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.value, getattr(other, "value", None)
        if mine is None or theirs is None:
            return mine is None and theirs is not None
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        return str(mine) < str(theirs)


class TablePanel(QWidget):
    row_activated = Signal(int)  # index into the rows given to set_rows

    def __init__(self, name: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{name}Panel")
        self.name = name
        self.header: list[str] = []
        self.rows: list[Sequence[object]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.title = QLabel(f"<b>{title}</b>", objectName=f"{name}Title")
        top.addWidget(self.title, stretch=1)
        self.export_button = QPushButton("Export CSV…", objectName=f"{name}ExportButton")
        self.export_button.setAccessibleName(f"Export the {title} table as CSV")
        self.export_button.clicked.connect(self._on_export_clicked)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        self.table = QTableWidget(objectName=f"{name}Table")
        self.table.setAccessibleName(title)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.itemActivated.connect(
            lambda item: self.row_activated.emit(
                self.table.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
            )
        )
        layout.addWidget(self.table, stretch=1)
        self.caption = QLabel(objectName=f"{name}Caption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)

    def set_rows(
        self, header: Sequence[str], rows: Sequence[Sequence[object]], caption: str = ""
    ) -> None:
        self.header, self.rows = list(header), list(rows)
        self.table.setSortingEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(list(header))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = _Item(value)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r)
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        self.caption.setText(caption)

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export CSV", f"{self.name}.csv", "CSV (*.csv)")
        if path:
            write_csv(Path(path), self.header, self.rows)
