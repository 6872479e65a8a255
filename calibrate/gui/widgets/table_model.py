"""A read-only Qt model over (header, rows) that sorts in place.

Cells are formatted when a view asks for them, so a 12,000-row table costs what is on
screen rather than one Qt item per cell (~1 s and ~90 MB with QTableWidgetItem).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from calibrate.gui import theme

ROW_ROLE = Qt.ItemDataRole.UserRole  # a cell's row index in the rows given to set_rows
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex


# Column names are the CSV's (stable, machine-friendly); the view shows them in words.
_TITLES = {
    "n": "N",
    "lo": "95 % low",
    "hi": "95 % high",
    "bin_n": "Bin N",
    "fleiss_kappa": "Fleiss κ",
    "fleiss_lo": "κ low",
    "fleiss_hi": "κ high",
    "kappa_cases": "κ cases",
    "krippendorff_alpha": "Krippendorff α",
    "alpha_lo": "α low",
    "alpha_hi": "α high",
    "gwet_ac1": "Gwet AC1",
    "ac1_lo": "AC1 low",
    "ac1_hi": "AC1 high",
    "gwet_ac2_quadratic": "AC2 (ladder)",
    "ac2_lo": "AC2 low",
    "ac2_hi": "AC2 high",
    "answer_id": "Answer ID",
    "created_at": "Filed",
    "answered_at": "Answered",
    "session_kind": "Session",
    "case_split": "Case split",
}
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?Z")


def column_title(name: str) -> str:
    """`strong_majority_share` → "Strong majority share"; `net_lo` → "Net low"."""
    if name in _TITLES:
        return _TITLES[name]
    words = name.split("_")
    words = [{"lo": "low", "hi": "high"}.get(w, w) for w in words]
    return " ".join(words).capitalize()


def display(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    if isinstance(value, str) and (stamp := _TIMESTAMP.fullmatch(value)):
        return f"{stamp[1]} {stamp[2]} UTC"  # to the minute: the stored text sorts and exports
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column of a table view: its title, the CSV columns it shows (named in its
    tooltip), the value a row gives it (what it sorts and aligns by) and, when its text is
    not `display(value)`, how a row reads in it (an interval from two CSV columns, a label
    for an id). The CSV export writes the rows as given, whatever the view shows."""

    title: str
    sources: tuple[str, ...]
    value: Callable[[Sequence[object]], object]
    text: Callable[[Sequence[object]], str] | None = None
    yes_is_good: bool = True  # yes/no colours: False for flags of a problem ("split")
    help: str = ""  # what the column means, shown in its tooltip above the CSV columns
    tip: Callable[[Sequence[object]], str] | None = None  # a cell's tooltip: the id it shows

    def cell(self, row: Sequence[object]) -> str:
        return display(self.value(row)) if self.text is None else self.text(row)


def plain_columns(header: Sequence[str]) -> list[Column]:
    """Every CSV column as it is, titled in words."""
    return [Column(column_title(name), (name,), itemgetter(i)) for i, name in enumerate(header)]


def sort_key(value: object) -> tuple:
    """Empty cells first, numbers as numbers, the rest as text."""
    if value is None:
        return (0,)
    if isinstance(value, int | float):
        return (1, value)
    return (2, str(value))


class RowsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.header: list[str] = []
        self.rows: list[Sequence[object]] = []
        self.columns: list[Column] = []
        self._numeric: list[bool] = []
        self.order: list[int] = []  # view row → index into rows
        # yes/no columns are where a lead looks for gaps: the answer that is a problem (a
        # "no" passed, a "yes" split) stands out.
        self._yes, self._no = QColor(theme.CORRECT), QColor(theme.WRONG)

    def set_rows(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        column: int = -1,
        order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
        columns: Sequence[Column] | None = None,
    ) -> None:
        """New content shown as `columns` (default: every CSV column as it is), sorted by
        view column `column` (-1: in the order given)."""
        self.beginResetModel()
        self.header, self.rows = list(header), list(rows)
        self.columns = list(columns) if columns is not None else plain_columns(self.header)
        # Columns of numbers align right, their empty cells ("—") too.
        self._numeric = [any(_is_number(c.value(r)) for r in self.rows[:20]) for c in self.columns]
        self.order = self._sorted(column, order)
        self.endResetModel()

    def _sorted(self, column: int, order: Qt.SortOrder) -> list[int]:
        indices = list(range(len(self.rows)))
        if 0 <= column < len(self.columns):
            # Stable both ways, as Qt's own item sorting: equal cells keep the given order.
            rows, value = self.rows, self.columns[column].value
            indices.sort(
                key=lambda i: sort_key(value(rows[i])),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        return indices

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.order = self._sorted(column, order)
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            sources = ", ".join(column.sources)
            where = f"CSV column{'s' if len(column.sources) > 1 else ''}: {sources}"
            return f"{column.help}\n{where}" if column.help else where
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.order[index.row()]
        if role == ROW_ROLE:
            return row
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.cell(self.rows[row])
        if role == Qt.ItemDataRole.ToolTipRole and column.tip is not None:
            return column.tip(self.rows[row])
        value = column.value(self.rows[row])
        if role == Qt.ItemDataRole.ForegroundRole and isinstance(value, bool):
            return self._yes if value == column.yes_is_good else self._no
        if role == Qt.ItemDataRole.TextAlignmentRole and (
            _is_number(value) or (value is None and self._numeric[index.column()])
        ):
            return _RIGHT
        return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
