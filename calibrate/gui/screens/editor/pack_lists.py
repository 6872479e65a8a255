"""pack.toml's two lists: the decision ladder (least → most restrictive, with the decisions
outside it, such as escalate, kept apart) and the clauses. Ids are typed once, when added;
labels, titles and summaries are edited in the table, and a double-click on a decision's id
renames it. A decision with recorded answers is
locked: its id cannot be renamed or removed (its label can change), and the row says why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from calibrate.workspace.authoring import PackEditor

LOCKED = "🔒 has answers"
LOCK_REASON = (
    "Recorded answers name this decision: its id cannot be renamed or removed (the answers "
    "would lose their meaning). Its label and description can change."
)


def _item(text: str, editable: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class _RowsEditor(QWidget):
    """A table of rows keyed by id, Up/Down/Remove, and an add row under it."""

    changed = Signal()  # pack.toml changed in memory
    refused = Signal(str)  # an edit the pack editor refused, in one sentence

    def __init__(self, name: str, headers: list[str], add_text: str):
        super().__init__()
        self.setObjectName(name)
        self.pack: PackEditor | None = None
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(headers), objectName=f"{name}Table")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(210)
        self.table.cellChanged.connect(self._on_cell_changed)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        layout.addWidget(self.table)
        self.buttons = QHBoxLayout()
        self.up = self._button("Up", f"{name}UpButton", lambda: self._move(-1))
        self.down = self._button("Down", f"{name}DownButton", lambda: self._move(+1))
        self.remove = self._button("Remove", f"{name}RemoveButton", self._on_remove)
        self.note = QLabel(objectName=f"{name}Note", wordWrap=True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet("color: palette(placeholder-text)")
        self.buttons.addWidget(self.note, stretch=1)
        layout.addLayout(self.buttons)
        add = QHBoxLayout()
        self.new_id = QLineEdit(objectName=f"{name}NewId", placeholderText="new id")
        self.new_id.setAccessibleName(f"Id of the new {add_text}")
        self.new_text = QLineEdit(objectName=f"{name}NewText")
        add.addWidget(self.new_id, stretch=1)
        add.addWidget(self.new_text, stretch=2)
        self.add_row = add
        self.add_button = self._button(f"Add {add_text}", f"{name}AddButton", self._on_add, add)
        self.new_text.returnPressed.connect(self._on_add)
        layout.addLayout(add)

    def _button(self, text: str, name: str, slot: Callable[[], None], row=None) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        (row or self.buttons).addWidget(button)
        return button

    def open_pack(self, pack: PackEditor) -> None:
        self.pack = pack
        self.refresh()

    def chosen_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def choose(self, row_id: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == row_id:
                self.table.setCurrentCell(row, 1)

    def _apply(self, change: Callable[[], object], keep: str | None = None) -> bool:
        from calibrate.core.authoring.errors import AuthoringRefused

        try:
            change()
        except AuthoringRefused as refused:
            self.refused.emit(str(refused))
            self.refresh()
            return False
        self.refresh()
        if keep:
            self.choose(keep)
        self.changed.emit()
        return True

    def _on_selection_changed(self) -> None:
        self.note.setText("")

    def _fit_columns(self) -> None:
        """Ids and short columns as wide as their text; the last one takes the rest."""
        for column in range(self.table.columnCount() - 1):
            self.table.resizeColumnToContents(column)

    # Subclasses: refresh(), _move(), _on_remove(), _on_add(), _on_cell_changed().
    def refresh(self) -> None:
        raise NotImplementedError

    def _move(self, by: int) -> None:
        raise NotImplementedError

    def _on_remove(self) -> None:
        raise NotImplementedError

    def _on_add(self) -> None:
        raise NotImplementedError

    def _on_cell_changed(self, row: int, column: int) -> None:
        raise NotImplementedError


class DecisionsEditor(_RowsEditor):
    """The ladder, top = least restrictive; decisions outside it listed after, marked."""

    def __init__(self) -> None:
        super().__init__("decisions", ["Id", "Label", "Where", "Description"], "decision")
        self.table.setAccessibleName("Decisions: the ladder, least to most restrictive")
        self.new_text.setPlaceholderText("label (shown to moderators)")
        self.outside = QCheckBox("outside the ladder (like escalate)", objectName="newOffLadder")
        self.add_row.insertWidget(2, self.outside)

    def refresh(self) -> None:
        if self.pack is None:
            return
        self._filling = True
        rows = self.pack.decisions()
        self.table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            first = _item(d.id, editable=not d.locked)  # a double-click renames it
            first.setData(Qt.ItemDataRole.UserRole, d.id)
            first.setToolTip(LOCK_REASON if d.locked else "Double-click to rename the id")
            self.table.setItem(r, 0, first)
            self.table.setItem(r, 1, _item(d.label, editable=True))
            where = ("ladder" if d.ladder else "outside the ladder") + (
                f" · {LOCKED}" if d.locked else ""
            )
            place = _item(where, editable=False)
            place.setToolTip(LOCK_REASON if d.locked else "")
            self.table.setItem(r, 2, place)
            self.table.setItem(r, 3, _item(d.description, editable=True))
        self._filling = False
        self._fit_columns()
        self._on_selection_changed()

    def _row(self, decision_id: str | None):
        if self.pack is None or decision_id is None:
            return None
        return next((d for d in self.pack.decisions() if d.id == decision_id), None)

    def _on_selection_changed(self) -> None:
        row = self._row(self.chosen_id())
        self.up.setEnabled(row is not None and row.ladder)
        self.down.setEnabled(row is not None and row.ladder)
        self.remove.setEnabled(row is not None and not row.locked)
        self.note.setText(f"{row.id}: {LOCK_REASON}" if row is not None and row.locked else "")

    def _move(self, by: int) -> None:
        pack, chosen = self.pack, self.chosen_id()
        if pack is None or chosen is None:
            return
        ladder = [d.id for d in pack.decisions() if d.ladder]
        if chosen not in ladder:
            return
        index = max(0, min(len(ladder) - 1, ladder.index(chosen) + by))
        self._apply(lambda: pack.move_decision(chosen, index), keep=chosen)

    def _on_remove(self) -> None:
        pack, chosen = self.pack, self.chosen_id()
        if pack is not None and chosen is not None:
            self._apply(lambda: pack.remove_decision(chosen))

    def _on_add(self) -> None:
        pack = self.pack
        new_id, label = self.new_id.text().strip(), self.new_text.text().strip()
        if pack is None or not new_id:
            self.refused.emit("Type the new decision's id first.")
            return
        ladder = not self.outside.isChecked()
        if self._apply(lambda: pack.add_decision(new_id, label or new_id, ladder=ladder), new_id):
            self.new_id.clear()
            self.new_text.clear()

    def _on_cell_changed(self, row: int, column: int) -> None:
        pack = self.pack
        if self._filling or pack is None:
            return
        decision_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        text = self.table.item(row, column).text()
        if column == 0:
            new_id = text.strip()
            self._apply(lambda: pack.rename_decision(decision_id, new_id), keep=new_id)
            return
        if column not in (1, 3):
            return
        key = "label" if column == 1 else "description"
        self._apply(lambda: pack.edit_decision(decision_id, **{key: text}), keep=decision_id)


class ClausesEditor(_RowsEditor):
    def __init__(self) -> None:
        super().__init__("clauses", ["Id", "Title", "Summary"], "clause")
        self.table.setAccessibleName("Clauses of the policy")
        self.new_text.setPlaceholderText("title")

    def refresh(self) -> None:
        if self.pack is None:
            return
        self._filling = True
        rows = self.pack.clauses()
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            first = _item(c.id, editable=False)
            first.setData(Qt.ItemDataRole.UserRole, c.id)
            self.table.setItem(r, 0, first)
            self.table.setItem(r, 1, _item(c.title, editable=True))
            self.table.setItem(r, 2, _item(c.summary, editable=True))
        self._filling = False
        self._fit_columns()

    def _move(self, by: int) -> None:
        pack, chosen = self.pack, self.chosen_id()
        if pack is None or chosen is None:
            return
        ids = [c.id for c in pack.clauses()]
        index = max(0, min(len(ids) - 1, ids.index(chosen) + by))
        self._apply(lambda: pack.move_clause(chosen, index), keep=chosen)

    def _on_remove(self) -> None:
        pack, chosen = self.pack, self.chosen_id()
        if pack is not None and chosen is not None:
            self._apply(lambda: pack.remove_clause(chosen))

    def _on_add(self) -> None:
        pack = self.pack
        new_id, title = self.new_id.text().strip(), self.new_text.text().strip()
        if pack is None or not new_id:
            self.refused.emit("Type the new clause's id first.")
            return
        if self._apply(lambda: pack.add_clause(new_id, title or new_id), keep=new_id):
            self.new_id.clear()
            self.new_text.clear()

    def _on_cell_changed(self, row: int, column: int) -> None:
        pack = self.pack
        if self._filling or pack is None or column not in (1, 2):
            return
        clause_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        text = self.table.item(row, column).text()
        key = "title" if column == 1 else "summary"
        self._apply(lambda: pack.edit_clause(clause_id, **{key: text}), keep=clause_id)
