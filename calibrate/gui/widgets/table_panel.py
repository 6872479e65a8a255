"""A sortable read-only table of (header, rows) with "Export CSV…"."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import theme
from calibrate.gui.widgets.table_model import ROW_ROLE, Column, RowsModel

# Column widths come from the rows on screen and this many around them: a view's model asks
# Python for ~8 roles per cell, so sizing on all 12,000 rows would take seconds.
SAMPLE_ROWS = 100
MAX_TEXT_WIDTH = 320  # px: a very long text is elided rather than widening its column


FOLDER_SETTING = "files/last_folder"  # QSettings key: where file dialogs open
NOTE_SECONDS = 12  # how long "Saved …" stays beside a panel's button
FORMULA_STARTS = frozenset("=+-@\t\r")  # what makes a spreadsheet read a cell as a formula
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?", re.ASCII)


def start_folder() -> Path:
    """Where a file dialog opens: the folder the user last saved to or opened from, else
    their Documents folder (or home)."""
    last = QSettings("Calibrate", "Calibrate").value(FOLDER_SETTING, "")
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(path: Path) -> None:
    """The next file dialog opens where `path` (a file, or a folder) is."""
    folder = path if path.is_dir() else path.parent
    QSettings("Calibrate", "Calibrate").setValue(FOLDER_SETTING, str(folder))


class SavedNote(QLabel):
    """A short note beside a panel's save button: what was just saved (for a few seconds),
    or why it was not."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent, objectName=name)
        self.setAccessibleName("Save status")
        self._clear = QTimer(self, singleShot=True, interval=NOTE_SECONDS * 1000)
        self._clear.timeout.connect(self.clear)

    def saved(self, path: Path) -> None:
        self.setStyleSheet("")
        self.setText(f"Saved {path.name}")
        self.setToolTip(str(path))
        self._clear.start()

    def failed(self, path: Path, error: OSError) -> None:
        self._clear.stop()  # stays until the next try: it needs reading
        self.setStyleSheet(f"color: {theme.WRONG}")
        self.setText(f"Not saved: {error.strerror or error}")
        self.setToolTip(f"{path}: {error}")


Stamp = Sequence[tuple[str, object]]  # constant (column, value) pairs every row carries


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], stamp: Stamp = ()
) -> Path:
    """RFC 4180 CSV in UTF-8 (with BOM, so spreadsheet apps read accents right). `stamp`:
    columns added after the table's own, the same value on every row — what the rows were
    made under (filters), kept inside the file, where a spreadsheet opens it as plain data."""
    names, values = [name for name, _ in stamp], [cell(v) for _, v in stamp]
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([cell(name) for name in (*header, *names)])
        writer.writerows([*(cell(v) for v in row), *values] for row in rows)
    return path


def cell(value: object) -> object:
    """A value as a spreadsheet should read it: text that would start a formula (names and
    titles come from files anyone may write) gets a leading apostrophe (OWASP's "CSV
    injection"); a number, also one written as text like "-0.5", stays a number."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class TablePanel(QWidget):
    row_activated = Signal(int)  # index into the rows given to set_rows

    def __init__(self, name: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{name}Panel")
        self.name = name
        self.header: list[str] = []
        self.rows: list[Sequence[object]] = []
        self.stamp: Stamp = ()  # what Export CSV adds to every row (write_csv)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.title = QLabel(f"<b>{title}</b>", objectName=f"{name}Title")
        top.addWidget(self.title, stretch=1)
        self.note = SavedNote(f"{name}SavedNote", self)
        top.addWidget(self.note)
        self.export_button = QPushButton("Export CSV…", objectName=f"{name}ExportButton")
        self.export_button.setAccessibleName(f"Export the {title} table as CSV")
        self.export_button.clicked.connect(self._on_export_clicked)
        top.addWidget(self.export_button)
        self._top = top
        layout.addLayout(top)
        self.model = RowsModel(self)
        self.table = QTableView(objectName=f"{name}Table")
        self.table.setModel(self.model)
        self.table.setAccessibleName(title)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Rows a line of text high (Fusion's default is roomier): more of a long list in view.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # rows as given until a click
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._on_table_activated)
        layout.addWidget(self.table, stretch=1)
        self.caption = QLabel(objectName=f"{name}Caption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)

    def add_action(self, button: QPushButton) -> None:
        """A button of the table's own (e.g. "Resolve…"), left of Export CSV."""
        self._top.insertWidget(self._top.indexOf(self.export_button), button)

    def set_rows(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        caption: str = "",
        columns: Sequence[Column] | None = None,
    ) -> None:
        """Show `rows` as `columns` (default: every CSV column as it is); Export CSV writes
        `header` and `rows` as given."""
        self.header, self.rows = list(header), list(rows)
        # A sort the lead chose stays across refreshes, as with a fresh filter.
        indicator = self.table.horizontalHeader()
        self.model.set_rows(
            self.header,
            self.rows,
            indicator.sortIndicatorSection(),
            indicator.sortIndicatorOrder(),
            columns,
        )
        self.table.resizeColumnsToContents()
        self._fit_text_columns()
        self.caption.setText(caption)

    def show_unavailable(self, message: str) -> None:
        """No rows, and why, in the caption's place."""
        self.set_rows(self.header, [], message, self.model.columns)

    def _fit_text_columns(self) -> None:
        """Widen text columns to their longest text in any row (the sample that sizes the
        columns may miss a long name far down; numbers have fixed formats)."""
        metrics = self.table.fontMetrics()
        margin = 2 * (
            self.table.style().pixelMetric(
                QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table
            )
            + 1
        )
        for c, column in enumerate(self.model.columns):
            value = column.value
            if not any(isinstance(value(row), str) for row in self.rows[:20]):
                continue  # a column of numbers (or yes/no)
            longest = max(
                (row for row in self.rows if isinstance(value(row), str)),
                key=lambda row: len(value(row)),
            )  # type: ignore[arg-type]
            width = min(metrics.horizontalAdvance(column.cell(longest)) + margin, MAX_TEXT_WIDTH)
            if width > self.table.columnWidth(c):
                self.table.setColumnWidth(c, width)

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.row_activated.emit(index.data(ROW_ROLE))

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export CSV", str(start_folder() / f"{self.name}.csv"), "CSV (*.csv)"
        )
        if not path:
            return
        target = Path(path)
        remember_folder(target)
        try:
            write_csv(target, self.header, self.rows, self.stamp)
        except OSError as error:
            self.note.failed(target, error)
        else:
            self.note.saved(target)
