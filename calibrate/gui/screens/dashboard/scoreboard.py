"""The dashboard's Models tab: each model run beside the moderators (docs/machine-raters.md).

Its own data (ws.machines.scoreboard), computed off the GUI thread when the tab is shown
and the database changed since; the dashboard's filters do not apply (a run is scored on
every moderator's first answer). A model is never a moderator: it shows here only.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from calibrate.charts.dashboard.machines import CAPTION, entry_title, scoreboard_figure
from calibrate.core.lead.labels import Labels
from calibrate.core.lead.sections.items import ItemRow
from calibrate.core.machines.scoreboard import Scoreboard, ScoreboardEntry
from calibrate.gui import prompts, theme
from calibrate.gui.context import AppContext
from calibrate.gui.errors import show_error
from calibrate.gui.tasks import TaskRunner
from calibrate.gui.widgets.chart_panel import ChartPanel
from calibrate.gui.widgets.table_model import Column, display
from calibrate.gui.widgets.table_panel import TablePanel
from calibrate.workspace.dashboard import database_state

FIGURES_CAPTION = (
    "Moderators: the mean and range of each one's accuracy on their first answers in the "
    "pack. κ vs room and agreement: cases with 3+ moderator answers and a unique majority. "
    "The dashboard's filters do not apply here."
)
DISAGREEMENTS_CAPTION = (
    "Fewer than half of the room chose as the model did, fewest first: cases to turn into "
    "examples or guidance. Double-click to open one."
)
CHART_CAPTION = (
    "Left: accuracy with its 95 % Wilson interval beside the moderators' mean and range. "
    "Middle: what the model chose by golden answer. Right: the model's scores and the "
    "moderators' stated confidence against being right (on the diagonal: well calibrated)."
)


def _pct(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, float) else display(value)


Words = dict[str, Callable[[Sequence[object]], str]]


def _columns(
    header: Sequence[str], percent: set[str], skip: set[str], words: Words | None = None
) -> list[Column]:
    """Every CSV column but `skip`, shares as percentages, ids as the words of `words`
    (the id in the cell's tooltip; the CSV keeps the ids)."""
    out = []
    for i, name in enumerate(header):
        if name in skip:
            continue
        text = (lambda row, i=i: _pct(row[i])) if name in percent else (words or {}).get(name)
        tip = (lambda row, i=i: str(row[i])) if name in (words or {}) else None
        title = name.replace("_", " ").capitalize()
        out.append(Column(title, (name,), lambda r, i=i: r[i], text, tip=tip))
    return out


def _words(labels: Labels, header: Sequence[str]) -> Words:
    """Decisions by their labels, cases and packs by their titles (ids where not loaded)."""
    at = {name: i for i, name in enumerate(header)}
    pack = at["pack"]

    def decision(name: str) -> Callable[[Sequence[object]], str]:
        def text(row: Sequence[object]) -> str:
            value = row[at[name]]
            return labels.decision(str(row[pack]), None if value is None else str(value)) or "—"

        return text

    out: Words = {"pack": lambda row: labels.pack(str(row[pack]))}
    if "case" in at:
        out["case"] = lambda row: (
            labels.case(str(row[pack]), str(row[at["case"]])) or str(row[at["case"]])
        )
        out |= {name: decision(name) for name in ("golden", "model", "room_majority")}
    return out


class ScoreboardTab(QWidget):
    updated = Signal()  # a scoreboard is on screen (tests and screenshots wait for it)

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scoreboardTab")
        self.context = context
        self.scoreboard: Scoreboard | None = None
        self._state: tuple[object, ...] | None = None  # the database state shown
        self.runner = TaskRunner(self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Run and pack:"))
        self.picker = QComboBox(objectName="scoreboardPicker")
        self.picker.setAccessibleName("Model run and pack shown")
        self.picker.currentIndexChanged.connect(self._show_entry)
        top.addWidget(self.picker, stretch=1)
        layout.addLayout(top)
        self.chart = ChartPanel("scoreboard", "A model beside the moderators", self)
        self.chart.canvas.setToolTip(CAPTION)  # the long reading; the caption is its gist
        tables = QSplitter(Qt.Orientation.Horizontal)
        self.figures = TablePanel("scoreboardFigures", "Every run and pack", self)
        self.figures.row_activated.connect(self.picker.setCurrentIndex)
        self.cases = TablePanel("scoreboardCases", "Where the model and the room disagree", self)
        self.cases.row_activated.connect(self._on_case_activated)
        tables.addWidget(self.figures)
        tables.addWidget(self.cases)
        tables.setSizes([3000, 2000])
        # At 1366×768 the three panels need ~320 px of height to read; the tables the rest.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.chart)
        split.addWidget(tables)
        split.setSizes([3000, 2000])
        layout.addWidget(split, stretch=1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Score the runs again if anything was committed since they were shown."""
        state = database_state(self.context.db_path)
        if state == self._state and not force:
            return
        self._state = state
        machines = self.context.machines
        self.runner.run("scoreboard", machines.scoreboard, self._on_scored, self._on_failed)

    def _on_scored(self, scoreboard: Scoreboard) -> None:
        self.scoreboard = scoreboard
        titles = Labels.of_packs(self.context.library.packs).packs
        chosen = self.picker.currentIndex()
        self.picker.blockSignals(True)
        self.picker.clear()
        for entry in scoreboard.entries:
            self.picker.addItem(entry_title(entry, titles.get(entry.pack.pack_id)))
        self.picker.blockSignals(False)
        header, rows = scoreboard.figures()
        shares = {"accuracy", "agreement_with_room", "over_enforcement", "under_enforcement"}
        shares |= {n for n in header if "accuracy" in n}
        words = _words(Labels.of_packs(self.context.library.packs), header)
        columns = _columns(header, shares, set(), words)
        self.figures.set_rows(header, rows, FIGURES_CAPTION, columns)
        self.picker.setCurrentIndex(max(0, min(chosen, len(scoreboard.entries) - 1)))
        self._show_entry(self.picker.currentIndex())
        self.updated.emit()

    def _on_failed(self, error: BaseException) -> None:
        self._state = None  # try again when next shown
        show_error(self, error, self.context.log_path, title="The model scoreboard failed")

    def entry(self) -> ScoreboardEntry | None:
        """The run × pack the chart shows."""
        i = self.picker.currentIndex()
        entries = self.scoreboard.entries if self.scoreboard else ()
        return entries[i] if 0 <= i < len(entries) else None

    def _show_entry(self, _index: int = 0) -> None:
        entry = self.entry()
        dark = theme.is_dark(QApplication.instance())
        titles = Labels.of_packs(self.context.library.packs).packs
        title = titles.get(entry.pack.pack_id) if entry else None
        self.chart.set_figure(
            scoreboard_figure(entry, dark=dark, pack_title=title), CHART_CAPTION if entry else ""
        )
        header, _ = Scoreboard(()).disagreements()
        rows = Scoreboard((entry,)).disagreements()[1] if entry else []
        words = _words(Labels.of_packs(self.context.library.packs), header)
        columns = _columns(header, {"room_share_with_model"}, {"rater", "version", "pack"}, words)
        self.cases.set_rows(header, rows, DISAGREEMENTS_CAPTION, columns)

    def _on_case_activated(self, index: int) -> None:
        entry = self.entry()
        if entry is None:
            return
        d = entry.pack.disagreements[index]
        from calibrate.gui.screens.dashboard.case_detail import CaseDetailDialog

        pack = next((p for p in self.context.library.packs if p.id == d.pack_id), None)
        labels = Labels.of_packs(self.context.library.packs)
        n = sum(count for _, count in d.room)
        item = ItemRow(
            d.pack_id, d.case_id, d.golden, n, None, None, None, 0, None, None, False, d.room, 0
        )

        def word(decision: str | None) -> str:
            return html.escape(labels.decision(d.pack_id, decision) or "—")

        score = "" if d.score is None else f" with a score of {d.score:.2f}"
        model = (
            f"<p><b>Model {html.escape(entry.rater)}</b> chose <b>{word(d.model)}</b>{score}; "
            f"the room's majority chose <b>{word(d.room_majority)}</b> — "
            f"{d.room_share_with_model:.0%} of {n} moderators chose as the model did.</p>"
        )
        dialog = CaseDetailDialog(item, pack, (), self, model_html=model)
        # The editor is reached from the dashboard's own lists (it needs the screen's hand-off).
        dialog.findChild(QPushButton, "openInEditorButton").setVisible(False)
        prompts.run_dialog(dialog)
        dialog.shutdown()


def add_scoreboard_tab(tabs: QTabWidget, context: AppContext | None) -> None:
    """The Models tab, last (without a context — a bare tab list — there is none)."""
    if context is not None:
        tabs.addTab(ScoreboardTab(context), "Models")
