"""The case's cues and moments as two small tables: set from the player (marking_player.py),
texts typed in the table, times typed too ("0:01.52" or seconds); a row's time seeks the
player there on a double-click."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.lessons.schema import parse_clock
from calibrate.gui.screens.editor.marking_player import clip_time


def _time_text(seconds: float | None) -> str:
    return "?" if seconds is None else clip_time(round(seconds * 1000))


def parse_time(text: str) -> float | None:
    """Seconds from what the trainer typed, or None when it is not a time."""
    try:
        return parse_clock(float(text) if text.replace(".", "", 1).isdigit() else text)
    except ValueError:
        return None


class TimedTable(QWidget):
    """A table of timed rows: `time_columns` hold times, the last column text."""

    row_edited = Signal(int, int, object)  # row, column, value (seconds or text)
    remove_requested = Signal(int)
    seek_requested = Signal(int)  # ms

    def __init__(self, name: str, headers: list[str], time_columns: int, accessible: str):
        super().__init__()
        self.setObjectName(name)
        self._time_columns = time_columns
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(headers), objectName=f"{name}Table")
        self.table.setAccessibleName(accessible)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move on
        header = self.table.horizontalHeader()
        for column in range(time_columns):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(80)
        self.table.cellChanged.connect(self._on_cell_changed)
        self.table.cellDoubleClicked.connect(self._on_double_clicked)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.hint = QLabel(wordWrap=True)
        self.hint.setStyleSheet("color: palette(placeholder-text)")
        row.addWidget(self.hint, stretch=1)
        self.remove_button = QPushButton("Remove", objectName=f"{name}RemoveButton")
        self.remove_button.setAccessibleName(f"Remove the chosen {accessible.lower()} row")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        row.addWidget(self.remove_button)
        layout.addLayout(row)

    def show_rows(self, rows: list[tuple[float | None, ...] | tuple]) -> None:
        """Rows of (time, …, text)."""
        self._filling = True
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                text = _time_text(value) if c < self._time_columns else str(value or "")
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._filling = False
        self.remove_button.setEnabled(bool(rows))

    def _on_cell_changed(self, row: int, column: int) -> None:
        if self._filling:
            return
        text = self.table.item(row, column).text().strip()
        if column < self._time_columns:
            seconds = parse_time(text)
            if seconds is None:
                self.hint.setText(f"“{text}” is not a time: write 0:01.52 or 1.52.")
                return
            self.hint.setText("")
            self.row_edited.emit(row, column, seconds)
        else:
            self.row_edited.emit(row, column, text)

    def _on_double_clicked(self, row: int, column: int) -> None:
        if column < self._time_columns:
            seconds = parse_time(self.table.item(row, column).text())
            if seconds is not None:
                self.seek_requested.emit(round(seconds * 1000))

    def _on_remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.remove_requested.emit(row)


def format_knows_mark_moment() -> bool:
    """True when the case format has "Where does it show?" (mark_moment, moment_tolerance)."""
    from calibrate.core.lessons.schema import CaseSpec

    return "mark_moment" in CaseSpec.model_fields


class MomentQuestion(QWidget):
    """ "Where does it show?": ask the moderator to mark the moment, within a tolerance."""

    edited = Signal(str, object)  # key, value (None: leave the key out)

    def __init__(self) -> None:
        from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox

        super().__init__()
        self.setObjectName("momentQuestion")
        self._filling = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.ask = QCheckBox(
            "Ask the moderator to mark where it shows", objectName="markMomentField"
        )
        self.ask.setAccessibleName("Ask the moderator to mark the moment the violation shows")
        self.ask.toggled.connect(self._on_ask_toggled)
        row.addWidget(self.ask)
        row.addStretch(1)
        row.addWidget(QLabel("Tolerance each side"))
        self.tolerance = QDoubleSpinBox(objectName="momentToleranceField")
        self.tolerance.setAccessibleName("Seconds of slack each side of a golden moment")
        self.tolerance.setRange(0, 60)
        self.tolerance.setDecimals(1)
        self.tolerance.setSingleStep(0.5)
        self.tolerance.setSuffix(" s")
        self.tolerance.setSpecialValueText("default")
        self.tolerance.valueChanged.connect(self._on_tolerance_changed)
        row.addWidget(self.tolerance)

    def fill(self, ask: object, tolerance: object) -> None:
        self._filling = True
        self.ask.setChecked(bool(ask))
        self.tolerance.setValue(float(tolerance) if isinstance(tolerance, int | float) else 0)
        self.tolerance.setEnabled(bool(ask))
        self._filling = False

    def _on_ask_toggled(self, ask: bool) -> None:
        self.tolerance.setEnabled(ask)
        if not self._filling:
            self.edited.emit("mark_moment", True if ask else None)

    def _on_tolerance_changed(self, seconds: float) -> None:
        if not self._filling:
            self.edited.emit("moment_tolerance", seconds or None)
