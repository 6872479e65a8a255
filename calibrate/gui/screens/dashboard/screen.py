"""The lead dashboard screen: filters on top, headline, one tab per question a lead asks."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from calibrate.charts.dashboard import figure_caption
from calibrate.core.lead.compute import DETAIL_TABLES, Dashboard
from calibrate.core.lead.labels import Labels
from calibrate.gui import prompts, theme
from calibrate.gui.context import AppContext
from calibrate.gui.errors import show_error
from calibrate.gui.passcode_dialog import reset_notice
from calibrate.gui.screens.dashboard.columns import table_columns
from calibrate.gui.screens.dashboard.disputes import DisputeResolver
from calibrate.gui.screens.dashboard.filters import FilterBar
from calibrate.gui.screens.dashboard.headline import headline_html
from calibrate.gui.screens.dashboard.tabs import (
    CHART_TITLES,
    TABLE_CAPTIONS,
    TABLE_TITLES,
    build_tabs,
)
from calibrate.gui.tasks import TaskRunner
from calibrate.gui.widgets.chart_panel import ChartPanel
from calibrate.gui.widgets.table_panel import (
    Stamp,
    TablePanel,
    remember_folder,
    start_folder,
    write_csv,
)
from calibrate.workspace.dashboard import (
    DashboardResult,
    build_figure,
    complete,
    compute,
    finish_details,
    new_request,
    release_memory,
)

if TYPE_CHECKING:
    from calibrate.workspace.exchange import ImportResult

log = logging.getLogger(__name__)

# Text is most of a chart's drawing time; unhinted glyphs render about a fifth faster and
# read the same on screen (measured in benchmarks/dashboard_bench.py; PDFs are unaffected).
matplotlib.rcParams["text.hinting"] = "no_hinting"


DETAILS_FAILED = (
    "This part of the dashboard could not be computed (the error was shown and "
    "logged). Change a filter to try again."
)


class DashboardScreen(QWidget):
    leave_requested = Signal()
    edit_case_requested = Signal(str, str, str)  # pack id, case id, the room's split as HTML
    updated = Signal()  # a result is on screen (tests and screenshots wait for it)
    details_ready = Signal()  # ... and the sections of the other tabs are computed

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.setObjectName("dashboardScreen")
        self.result: DashboardResult | None = None
        self._tables: dict = {}  # the current result's table rows, by name, once asked for
        self._labels = Labels()  # words for the ids in those rows (the loaded packs')
        self._stamp: Stamp = ()  # the result's filters, as exported CSVs record them
        self._request = 0  # compute.new_request() of the newest refresh
        self._details_error = False  # the current result's details pass failed
        self._detail_charts: tuple[str, ...] = ()  # detail charts of the tab on screen
        self.runner = TaskRunner(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        top = self._build_top_row()
        outer.addLayout(top)
        self.filters = FilterBar(self)
        self.filters.changed.connect(self.refresh)
        outer.addWidget(self.filters)
        top.insertWidget(1, self.filters.unwatched)  # the filter row is full at 1366 px
        top.insertWidget(2, self.filters.score_row)
        # A passcode reset without the old passcode, shown to every lead (passcode_dialog.py).
        self.passcode_notice = QLabel(objectName="passcodeResetNotice", wordWrap=True)
        self.passcode_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.passcode_notice.setStyleSheet("color: #D55E00; font-weight: bold;")
        outer.addWidget(self.passcode_notice)
        self.headline = QLabel(objectName="dashboardHeadline")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setWordWrap(True)
        outer.addWidget(self.headline)
        self.tabs = QTabWidget(objectName="dashboardTabs")
        outer.addWidget(self.tabs, stretch=1)
        self.charts: dict[str, ChartPanel] = {}
        self.tables: dict[str, TablePanel] = {}
        build_tabs(self.tabs, self._chart, self._table, context)
        self.tables["items"].row_activated.connect(self._on_item_activated)
        self.resolver = DisputeResolver(self)  # the disputes table's Resolve… (trainer)
        # Panels are filled for the tab on screen; the others when first shown after a change.
        panels: list[QWidget] = [*self.charts.values(), *self.tables.values()]
        self._tab_panels = [
            [p for p in panels if self.tabs.widget(i).isAncestorOf(p)]
            for i in range(self.tabs.count())
        ]
        self._stale: set[QWidget] = set()  # panels not yet showing the current result
        self.tabs.currentChanged.connect(self._show_tab)
        self.runner.busy_changed.connect(self.busy.setVisible)

    # --- building --------------------------------------------------------------------------
    def _build_top_row(self) -> QHBoxLayout:
        """The title, the busy bar and the action buttons."""
        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>Lead dashboard</h2>"), stretch=1)
        self.busy = QProgressBar(objectName="dashboardBusy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.setAccessibleName("Updating")
        self.busy.setVisible(False)
        top.addWidget(self.busy)
        for text, name, slot in (
            ("Import answers…", "importButton", self._on_import_clicked),
            ("Export tables (CSV)…", "exportTablesButton", self._on_export_tables_clicked),
            ("Save PDF report…", "saveReportButton", self._on_save_report_clicked),
            ("Back", "dashboardBackButton", self.leave_requested.emit),
        ):
            button = QPushButton(text, objectName=name)
            button.setAccessibleName(text.rstrip("…"))
            button.clicked.connect(slot)
            top.addWidget(button)
        return top

    def _chart(self, name: str) -> ChartPanel:
        self.charts[name] = panel = ChartPanel(name, CHART_TITLES[name], self)
        panel.figure_to_save = lambda: self._figure_to_save(name)
        return panel

    def _figure_to_save(self, name: str) -> Figure:
        """Chart `name` as Save chart… writes it: on a light theme the figure on screen; on
        a dark one the same chart drawn for the file's white background (its light text
        would not show on it), at the size it has on screen."""
        on_screen = self.charts[name].canvas.figure
        if self.result is None or not self.result.dark or not on_screen.axes:
            return on_screen
        figure = build_figure(name, self.result.dashboard, False, self.result.pack_titles)
        figure.set_size_inches(on_screen.get_size_inches())
        return figure

    def _table(self, name: str) -> TablePanel:
        self.tables[name] = TablePanel(name, TABLE_TITLES[name], self)
        return self.tables[name]

    # --- computing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute for the current filters off the GUI thread; the newest request wins."""
        self.passcode_notice.setText(notice := reset_notice(self.context.profiles))
        self.passcode_notice.setVisible(bool(notice))
        filters, target = self.filters.filters(), self.filters.target_share
        packs = list(self.context.library.packs)
        dark = theme.is_dark(QApplication.instance())
        path = self.context.db_path
        on_screen = self._tab_panels[self.tabs.currentIndex()]
        charts = [p.name for p in on_screen if isinstance(p, ChartPanel)]  # built there too
        panels = [p.name for p in on_screen]
        self._request = request = new_request()
        self.runner.run(
            "dashboard",
            lambda: compute(path, filters, packs, target, dark, charts, panels),
            lambda result: self._on_computed(result, request),
            self._on_refresh_failed,
        )
        self._release_hidden()  # while the worker computes: its peak comes without them

    def _on_computed(self, result: DashboardResult, request: int) -> None:
        self.result = result
        self._labels = Labels.of_packs(self.context.library.packs)
        self.filters.set_choices(result.choices, self._labels)
        d = result.dashboard
        self.headline.setText(headline_html(d.headline))
        self._tables = {}
        footer = (
            f"{'DEMO DATA · ' if self.context.is_demo else ''}{self.filters.describe()}"
            f" · target {d.headline.target:.0%} · Calibrate"
        )
        for chart in self.charts.values():  # saved charts say what they show
            chart.footer = footer
        self._stamp = self.filters.export_columns(self.context.is_demo)
        for table in self.tables.values():  # ... and so do exported tables
            table.stamp = self._stamp
        self._details_error = False
        self._stale = {p for panels in self._tab_panels for p in panels}
        self._show_tab(self.tabs.currentIndex())
        self.updated.emit()
        QTimer.singleShot(0, self, self._release_hidden)  # after drawing; dropped once deleted
        if not result.dashboard.details_ready:  # the other tabs' sections, after drawing
            QTimer.singleShot(0, self, lambda: self._finish_details(result, request))

    def _finish_details(self, result: DashboardResult, request: int) -> None:
        # Run even when a newer request came meanwhile: the pass then stops at once and lets
        # the stale result (and the answers it holds) go. The detail charts of the tab on
        # screen when it ends are built there too, not on the GUI thread when it delivers.
        self.runner.run(
            "dashboard-details",
            lambda: finish_details(result, request, lambda: self._detail_charts),
            self._on_details_ready,
            self._on_details_failed,
        )

    def _on_details_ready(self, result: DashboardResult | None) -> None:
        if result is not None and result is self.result:  # None: cancelled for a newer view
            self._show_tab(self.tabs.currentIndex())
            self.details_ready.emit()

    def _on_details_failed(self, error: BaseException) -> None:
        # Shown once and not retried: the same answers would fail the same way. The tabs
        # that need the details say so; the next filter change tries again.
        self._details_error = True
        self._show_tab(self.tabs.currentIndex())
        show_error(self, error, self.context.log_path, title="Part of the dashboard failed")

    def _release_hidden(self) -> None:
        """Let go of what hidden tabs show (their figures, and table rows: the completion
        table has 12,000 rows at a million answers); they fill again from the current result
        when shown."""
        current = set(self._tab_panels[self.tabs.currentIndex()])
        released = False
        for panel in {p for panels in self._tab_panels for p in panels} - current:
            if isinstance(panel, ChartPanel) and panel.canvas.figure.axes:
                panel.set_figure(Figure())
            elif isinstance(panel, TablePanel) and panel.rows:
                panel.set_rows(panel.header, [])
                self._tables.pop(panel.name, None)
            else:
                continue
            self._stale.add(panel)
            released = True
        if released:
            release_memory()

    def _show_tab(self, index: int) -> None:
        """Fill the panels of tab `index` that do not show the current result yet."""
        if index < 0:
            return
        # Read by the details pass on its worker: a tuple, replaced whole, never Qt.
        self._detail_charts = tuple(
            p.name
            for p in self._tab_panels[index]
            if isinstance(p, ChartPanel) and p.name in DETAIL_TABLES
        )
        if self.result is None:
            return
        for panel in self._tab_panels[index]:
            if panel not in self._stale:
                continue
            if panel.name in DETAIL_TABLES and not self.result.dashboard.details_ready:
                if self._details_error:
                    panel.show_unavailable(DETAILS_FAILED)
                continue  # filled when the details pass delivers (the busy bar shows it)
            self._stale.discard(panel)
            if isinstance(panel, ChartPanel):
                panel.set_figure(self.result.figure(panel.name), figure_caption(panel.name))
            else:
                if panel.name not in self._tables:
                    self._tables[panel.name] = self.result.dashboard.table(panel.name)
                header, rows = self._tables[panel.name]
                panel.set_rows(
                    header, rows, columns=table_columns(panel.name, header, self._labels)
                )
                panel.caption.setText(TABLE_CAPTIONS.get(panel.name, ""))

    def _on_refresh_failed(self, error: BaseException) -> None:
        show_error(self, error, self.context.log_path, title="The dashboard could not update")
        # The failed refresh's request cancelled the details pass of what is still on
        # screen: start it again, for that result.
        if (
            self.result is not None
            and not self.result.dashboard.details_ready
            and not self._details_error
        ):
            self._request = request = new_request()
            self._finish_details(self.result, request)

    def _on_action_failed(self, title: str):
        """The error handler of an import, export or report: says what failed, nothing else
        (the view on screen and its details pass are not affected)."""
        return lambda error: show_error(self, error, self.context.log_path, title=title)

    # --- actions -----------------------------------------------------------------------------
    def _on_item_activated(self, index: int) -> None:
        if self.result is None:
            return
        item = self.result.dashboard.items.items[index]
        from calibrate.gui.screens.dashboard.case_detail import CaseDetailDialog

        pack = next((p for p in self.context.library.packs if p.id == item.pack), None)
        d = self.result.dashboard
        versions = d.golden_versions.of_case(item.pack, item.case)
        dialog = CaseDetailDialog(item, pack, d.disputes.disputes, self, versions=versions)
        prompts.run_dialog(dialog)
        dialog.shutdown(edit=self.edit_case_requested)  # "Open in editor…" was pressed?

    def _on_export_tables_clicked(self) -> None:
        if self.result is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Export every table as CSV into…", str(start_folder())
        )
        if folder:  # off the GUI thread: the other tabs' sections may still be computing
            remember_folder(Path(folder))
            dashboard = self.result.dashboard  # the view on screen now, whatever comes next
            stamp = self._stamp
            self.runner.run(
                "export",
                lambda: export_tables(dashboard, Path(folder), stamp),
                lambda written: prompts.inform(
                    self, "Tables exported", f"{len(written)} CSV files in {folder}."
                ),
                self._on_action_failed("The tables could not be exported"),
            )

    def _on_save_report_clicked(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save PDF report",
            str(start_folder() / "calibration-report.pdf"),
            "PDF document (*.pdf)",
        )
        if path:
            remember_folder(Path(path))
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        """The same PDF as `calibrate report`, for what is on screen, written off the thread."""
        dashboard, described = self.result.dashboard, self.filters.describe()
        reports = self.context.reports
        self.runner.run(
            "report",
            lambda: reports.write(dashboard, path, filters=described),
            lambda _: prompts.inform(self, "Report saved", f"Saved {path}."),
            self._on_action_failed("The report could not be saved"),
        )

    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import answers", str(start_folder()), "Calibrate export or history CSV (*.*)"
        )
        if path:
            remember_folder(Path(path))
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Merge an export file (idempotent by UUID) or a history CSV, then refresh."""
        from calibrate.workspace.exchange import import_answers

        db_path, packs = self.context.db_path, list(self.context.library.packs)
        self.runner.run(
            "import",
            lambda: import_answers(db_path, path, packs),
            lambda result: self._on_imported(path, result),
            self._on_action_failed("Nothing was imported"),
        )

    def _on_imported(self, path: Path, result: ImportResult) -> None:
        prompts.inform(self, "Answers imported", f"{path.name}: {result.summary()}.")
        self.refresh()

    def shutdown(self) -> None:
        new_request()  # a details pass under way stops at its next section
        self.runner.wait()


def export_tables(dashboard: Dashboard, folder: Path, stamp: Stamp = ()) -> list[Path]:
    """Every table of `dashboard` as `<name>.csv` in folder, each row carrying `stamp` (the
    filters it was made under)."""
    return [
        write_csv(folder / f"{name}.csv", header, rows, stamp)
        for name, (header, rows) in complete(dashboard).tables().items()
    ]
