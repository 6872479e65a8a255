"""A lead opens the dashboard on a small history whose numbers are known, filters, exports."""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from calibrate.core.models import AnswerDraft
from calibrate.gui import theme
from calibrate.store import answers as answer_store
from calibrate.store import catalog, sessions
from calibrate.store.db import open_database
from calibrate.store.exchange.export import export_database

# Who answers what on the first lesson of the graphic pack: True = the golden decision,
# False = one rung more restrictive (over-enforcement).
PLAN = {
    ("Ana", "Graphic EU", "Lisbon"): [True, True, True, True, False],
    ("Ben", "Graphic EU", "Lisbon"): [True, False, True, True, True],
    ("Cruz", "Graphic APAC", "Manila"): [False, False, True, False, True],
}


def seed(window) -> dict[str, tuple[int, int]]:
    """Record PLAN through the store; returns name → (correct, answered), counted by hand."""
    db = window.context.db
    pack = window.context.pack("graphic-content")
    lesson = pack.lessons[0]
    catalog.record_pack_version(db, pack)
    expected = {}
    for (name, team, site), rights in PLAN.items():
        profile = catalog.create_profile(db, name, team, site)
        session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
        for case_id, right in zip(lesson.case_ids, rights, strict=True):
            case = pack.cases[case_id]
            ladder = list(pack.scale.ladder)
            golden = case.golden.decision
            if right:
                chosen = golden
            elif golden in ladder and ladder.index(golden) + 1 < len(ladder):
                chosen = ladder[ladder.index(golden) + 1]
            else:
                chosen = ladder[0]
            answer_store.record_answer(
                db,
                session_id=session_id,
                session_kind="first_attempt",
                profile=profile,
                pack=pack,
                lesson_id=lesson.id,
                case=case,
                draft=AnswerDraft(chosen, case.golden.clauses[0], 0.8),
                shown_at="2026-11-20T09:00:00.000Z",
                time_to_answer_ms=5000,
                watched_ms=4000,
            )
        sessions.finish_session(db, session_id)
        expected[name] = (sum(rights), len(rights))
    return expected


def open_dashboard(qtbot, window):
    window.open_dashboard_unlocked()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.result is not None, timeout=20000)
    return dashboard


def tab_index(dashboard, title: str) -> int:
    """The index of the tab `title` (tabs of their own data, e.g. Models, follow Completion)."""
    return next(i for i in range(dashboard.tabs.count()) if dashboard.tabs.tabText(i) == title)


def table_rows(panel) -> list[dict[str, str]]:
    """The cells as the table view shows them (through its model, as assistive tech reads)."""
    model = panel.table.model()
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [
        {header[c]: model.index(r, c).data() for c in range(model.columnCount())}
        for r in range(model.rowCount())
    ]


def test_reviewer_table_shows_each_reviewers_accuracy(qtbot, app_window) -> None:
    expected = seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    rows = {row["Reviewer"]: row for row in table_rows(dashboard.tables["reviewers"])}
    assert set(rows) == set(expected)
    for name, (correct, n) in expected.items():
        assert int(rows[name]["N"]) == n and int(rows[name]["Correct"]) == correct
    total_right = sum(c for c, _ in expected.values())
    total = sum(n for _, n in expected.values())
    assert f"{total_right / total:.0%}" in dashboard.headline.text()
    assert f"on {total} scored answers" in dashboard.headline.text()


def test_a_team_filter_recomputes_for_that_team_only(qtbot, app_window) -> None:
    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    team = dashboard.filters.team
    first = dashboard.result
    team.setCurrentIndex(team.findData("Graphic APAC"))
    qtbot.waitUntil(lambda: dashboard.result is not first, timeout=20000)
    names = [row["Reviewer"] for row in table_rows(dashboard.tables["reviewers"])]
    assert names == ["Cruz"]
    dashboard.tabs.setCurrentIndex(2)  # tables fill when their tab is first shown
    # Enforcement is a detail section: it comes in the pass after the first view.
    qtbot.waitUntil(lambda: bool(table_rows(dashboard.tables["enforcement"])), timeout=20000)
    enforcement = {(r["Level"], r["Group"]): r for r in table_rows(dashboard.tables["enforcement"])}
    assert int(enforcement[("team", "Graphic APAC")]["Over"]) == 3  # Cruz's three misses


def test_charts_save_as_png_svg_and_pdf_and_tables_round_trip_as_csv(
    qtbot, app_window, tmp_path: Path
) -> None:
    from calibrate.gui.widgets.chart_panel import save_figure

    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    figure = dashboard.charts["reviewer_accuracy"].canvas.figure
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}
    for suffix, head in magic.items():
        path = save_figure(figure, tmp_path / f"accuracy{suffix}")
        assert path.read_bytes().startswith(head) and path.stat().st_size > 2000
    from calibrate.gui.screens.dashboard.screen import export_tables

    written = export_tables(dashboard.result.dashboard, tmp_path)
    assert {p.name for p in written} >= {"reviewers.csv", "items.csv", "completion.csv"}
    with (tmp_path / "reviewers.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = dashboard.result.dashboard.reviewers.rows()
    assert rows[0] == list(header)
    assert [r[0] for r in rows[1:]] == [str(d[0]) for d in data]


def test_demo_answers_are_refused_by_a_real_database(
    qtbot, app_window, tmp_path: Path, dialogs: list[str]
) -> None:
    other = tmp_path / "other.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "calibrate", "demo", "--db", str(other)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    db = open_database(other)
    export_database(db, tmp_path / "demo.calibrate")
    db.conn.close()
    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    dashboard.import_file(tmp_path / "demo.calibrate")
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=20000)
    assert "demo" in dialogs[0].lower()
    assert answer_store.count_answers(app_window.context.db) == 15


def test_importing_an_export_twice_adds_nothing_the_second_time(
    qtbot, app_window, tmp_path: Path, dialogs: list[str]
) -> None:
    # Another moderator's machine: a real database with answers, exported to a file.

    other_path = tmp_path / "laptop.sqlite3"
    other = open_database(other_path)
    pack = app_window.context.pack("graphic-content")
    catalog.record_pack_version(other, pack)
    profile = catalog.create_profile(other, "Dee", "Graphic EU", "Lisbon")
    session_id = sessions.start_session(other, profile, pack, pack.lessons[0].id, "first_attempt")
    for case_id in pack.lessons[0].case_ids:
        case = pack.cases[case_id]
        answer_store.record_answer(
            other,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id=pack.lessons[0].id,
            case=case,
            draft=AnswerDraft(case.golden.decision, case.golden.clauses[0], 0.95),
            shown_at="2026-11-21T09:00:00.000Z",
            time_to_answer_ms=5000,
            watched_ms=4000,
        )
    export_database(other, tmp_path / "laptop.calibrate")
    other.conn.close()
    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    for expected_total in (20, 20):  # the second import of the same file adds nothing
        dashboard.import_file(tmp_path / "laptop.calibrate")
        qtbot.waitUntil(lambda: bool(dialogs), timeout=20000)
        message = dialogs.pop()
        assert answer_store.count_answers(app_window.context.db) == expected_total, message
    assert message.startswith("laptop.calibrate: 0 answers added, 5 already present")
    qtbot.waitUntil(
        lambda: "Dee" in [r["Reviewer"] for r in table_rows(dashboard.tables["reviewers"])],
        timeout=20000,
    )


def test_other_tabs_fill_from_a_second_pass_that_a_newer_view_cancels(
    qtbot, app_window, dialogs: list[str]
) -> None:
    from calibrate.core.metrics.answer_table import Filters
    from calibrate.workspace import dashboard as compute_module

    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    qtbot.waitUntil(lambda: dashboard.result.dashboard.details_ready, timeout=20000)
    dashboard.tabs.setCurrentIndex(tab_index(dashboard, "Completion"))  # a detail table
    assert {row["Reviewer"] for row in table_rows(dashboard.tables["completion"])} >= {"Cruz"}

    packs = list(app_window.context.library.packs)
    request = compute_module.new_request()
    result = compute_module.compute(
        app_window.context.db_path, Filters(teams=("Graphic EU",)), packs, 0.9, False
    )
    assert not result.dashboard.details_ready  # the Reviewers tab did not wait for them
    # Not kept for going back until complete: a superseded result must not hold its answers.
    assert all(d is not result.dashboard for d, _ in compute_module._RECENT.values())
    compute_module.new_request()  # the lead changed a filter again meanwhile
    assert compute_module.finish_details(result, request) is None  # cancelled, quietly
    assert not result.dashboard.details_ready
    assert all(d is not result.dashboard for d, _ in compute_module._RECENT.values())
    assert dialogs == []


def test_a_failing_section_is_reported_once_and_its_tabs_say_so(
    qtbot, app_window, monkeypatch, dialogs: list[str]
) -> None:
    from calibrate.core.lead import completion

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise ValueError("completion broke")

    monkeypatch.setattr(completion, "completion", broken)
    seed(app_window)
    app_window.open_dashboard_unlocked()
    dashboard = app_window.dashboard
    qtbot.waitUntil(lambda: bool(dialogs), timeout=20000)
    qtbot.wait(500)  # time for a retry loop to show itself, were there one
    assert len(dialogs) == 1 and len(calls) == 1
    assert "Something went wrong" in dialogs[0]
    assert dashboard.result is not None and not dashboard.result.dashboard.details_ready
    dashboard.tabs.setCurrentIndex(tab_index(dashboard, "Completion"))
    assert "could not be computed" in dashboard.tables["completion"].caption.text()
    assert table_rows(dashboard.tables["reviewers"])  # the first view stands


def test_a_failed_import_leaves_the_view_and_its_details_pass_alone(
    qtbot, app_window, tmp_path: Path, monkeypatch, dialogs: list[str]
) -> None:
    # The worst moment for an import to fail: the view on screen still waits for its
    # details and a newer view is being computed. Both are held until the import has failed.
    import threading

    from calibrate.gui.screens.dashboard import screen as screen_module

    hold_details, hold_compute = threading.Event(), threading.Event()
    real_details, real_compute = screen_module.finish_details, screen_module.compute
    calls = {"details": 0, "compute": 0}

    def held(name, event, real):
        def run(*args, **kwargs):
            calls[name] += 1
            if calls[name] == (1 if name == "details" else 2):
                event.wait(20)
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(
        screen_module, "finish_details", held("details", hold_details, real_details)
    )
    monkeypatch.setattr(screen_module, "compute", held("compute", hold_compute, real_compute))
    seed(app_window)
    app_window.open_dashboard_unlocked()
    dashboard = app_window.dashboard
    dashboard.runner._pool.setMaxThreadCount(3)  # the two held tasks and the import
    qtbot.waitUntil(lambda: dashboard.result is not None and calls["details"] == 1, timeout=20000)
    dashboard.filters.target.setValue(80)
    qtbot.waitUntil(lambda: calls["compute"] == 2, timeout=20000)
    bad = tmp_path / "notes.csv"
    bad.write_text("this is not a history file\n")
    dashboard.import_file(bad)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=20000)
    hold_compute.set()
    hold_details.set()
    qtbot.waitUntil(
        lambda: (
            dashboard.result.dashboard.headline.target == 0.8
            and dashboard.result.dashboard.details_ready
        ),
        timeout=20000,
    )
    dashboard.tabs.setCurrentIndex(tab_index(dashboard, "Completion"))
    assert {row["Reviewer"] for row in table_rows(dashboard.tables["completion"])} >= {"Cruz"}
    assert len(dialogs) == 1


def test_a_split_case_opens_to_its_golden_answer_rationale_answers_and_disputes(
    qtbot, app_window, dialogs: list[str], monkeypatch
) -> None:
    from calibrate.gui import prompts
    from calibrate.store import disputes as dispute_store

    seed(app_window)
    db = app_window.context.db
    session_id = db.execute("SELECT session_id FROM answers ORDER BY rowid LIMIT 1").fetchone()[0]
    answer = answer_store.answers_for_session(db, session_id)[0]
    dispute_store.record_dispute(db, answer, "GR-1 should say whether a blurred face counts.")
    dashboard = open_dashboard(qtbot, app_window)
    opened = []

    def look(dialog) -> int:
        opened.append(
            (
                dialog.windowTitle(),
                " ".join(label.text() for label in dialog.findChildren(QLabel)),
                dialog.findChild(QWidget, "caseDetailRationale").toPlainText(),
            )
        )
        return 0

    monkeypatch.setattr(prompts, "run_dialog", look)
    items = dashboard.result.dashboard.items.items
    index = next(i for i, item in enumerate(items) if item.case == answer.case_id)
    dashboard.tables["items"].row_activated.emit(index)
    title, summary, rationale = opened[0]
    case = app_window.context.pack("graphic-content").cases[answer.case_id]
    assert title == f"graphic-content / {answer.case_id}"
    assert "Golden:" in summary and f"{items[index].n} reviewers" in summary
    assert case.rationale.split()[0] in rationale
    assert "Disputed 1 time(s)" in rationale and "blurred face counts" in rationale


def test_a_detail_tab_shown_while_its_sections_compute_gets_its_charts_built_off_screen(
    qtbot, app_window, monkeypatch
) -> None:
    import threading

    from calibrate.gui.screens.dashboard import screen as screen_module
    from calibrate.workspace import dashboard as compute_module

    built_on: dict[str, str] = {}
    real_figure = compute_module.DashboardResult.figure

    def figure(self, name):
        if name not in self.figures:
            built_on[name] = threading.current_thread().name
        return real_figure(self, name)

    monkeypatch.setattr(compute_module.DashboardResult, "figure", figure)
    hold = threading.Event()
    real_details = screen_module.finish_details

    def held(*args):
        hold.wait(20)
        return real_details(*args)

    monkeypatch.setattr(screen_module, "finish_details", held)
    seed(app_window)
    app_window.open_dashboard_unlocked()
    dashboard = app_window.dashboard
    qtbot.waitUntil(lambda: dashboard.result is not None, timeout=20000)
    dashboard.tabs.setCurrentIndex(2)  # Enforcement, while its sections are being computed
    hold.set()
    qtbot.waitUntil(
        lambda: (
            dashboard.result.dashboard.details_ready
            and bool(dashboard.charts["enforcement"].canvas.figure.axes)
        ),
        timeout=20000,
    )
    gui = threading.main_thread().name
    assert built_on["reviewer_accuracy"] != gui  # the first view's, built by the refresh
    assert built_on["enforcement"] != gui and built_on["confusion"] != gui


def show_tab(qtbot, dashboard, title: str) -> None:
    """Bring the tab `title` up and wait until its charts and tables are filled."""
    index = next(i for i in range(dashboard.tabs.count()) if dashboard.tabs.tabText(i) == title)
    dashboard.tabs.setCurrentIndex(index)
    panels = dashboard._tab_panels[index]
    qtbot.waitUntil(
        lambda: (
            dashboard.result.dashboard.details_ready
            and not any(p in dashboard._stale for p in panels)
        ),
        timeout=20000,
    )
    qtbot.wait(50)  # the splitter and canvases take their sizes


def test_the_weekly_trend_gets_room_to_read_at_1366_by_768(qtbot, app_window) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    show_tab(qtbot, dashboard, "Trends")
    canvas = dashboard.charts["trend"].canvas
    figure = canvas.figure
    FigureCanvasAgg(figure).draw()  # the figure as fitted to the canvas on screen
    accuracy, kappa = figure.axes[:2]
    assert accuracy.bbox.height >= 150, accuracy.bbox.height  # px; it was about 60
    assert kappa.bbox.height >= 90, kappa.bbox.height
    assert canvas.width() >= 600  # weeks along a line still read across


def test_the_decision_heatmaps_get_room_to_read_at_1366_by_768(qtbot, app_window) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    show_tab(qtbot, dashboard, "Enforcement")
    figure = dashboard.charts["confusion"].canvas.figure
    FigureCanvasAgg(figure).draw()
    heatmap = figure.axes[0]
    assert heatmap.bbox.height >= 120, heatmap.bbox.height  # px; it was about 70
    assert dashboard.charts["confusion"].canvas.width() >= 1000  # the tab's whole width


@pytest.fixture
def demo_window(qtbot, tmp_path: Path):
    """The main window on a real demo database (`calibrate demo`), at 1366×768."""
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    demo = tmp_path / "demo.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "calibrate", "demo", "--db", str(demo)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    args = argparse.Namespace(db=demo, lessons=[], no_bundled=False, verbose=False)
    window = MainWindow(build_context(args, tmp_path / "calibrate.log"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def test_a_report_saved_from_a_demo_database_says_demo_data_and_reads_labels(
    qtbot, demo_window, tmp_path: Path, dialogs: list[str]
) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    dashboard = open_dashboard(qtbot, demo_window)
    out = tmp_path / "report.pdf"
    dashboard.save_report(out)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=60000)
    assert dialogs == [f"Saved {out}."]
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    assert "DEMO DATA" in pages[0]
    assert all("DEMO DATA" in page for page in pages[1:] if page.strip())
    assert "golden Warning screen" in " ".join(pages[0].split())  # the pack's label


def columns_in_view(panel) -> list[str]:
    """The titles of the columns wholly inside the table's viewport, scrolled to the left."""
    table, header = panel.table, panel.table.horizontalHeader()
    width = table.viewport().width()
    model = table.model()
    return [
        model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(model.columnCount())
        if header.sectionViewportPosition(c) + header.sectionSize(c) <= width
    ]


@pytest.mark.parametrize(
    ("tab", "table", "wanted"),
    [
        ("Reviewers", "reviewers", ["Reviewer", "Accuracy", "95 % interval", "N", "Correct"]),
        ("Agreement", "agreement", ["Pack", "Clause", "Cases", "Fleiss κ", "κ 95 %"]),
        (
            "Enforcement",
            "enforcement",
            ["Group", "Level", "N", "Net lean", "Net 95 %", "Over", "Under"],
        ),
        (
            "Team × pack",
            "team_pack",
            ["Team", "Pack", "N", "Net lean", "Net 95 %", "Over", "Under"],
        ),
        ("Confidence", "calibration", ["Team", "Confidence bin", "Answers", "Stated", "Right"]),
        (
            "Split cases",
            "items",
            [
                "Case",
                "Title",
                "Split",
                "Golden",
                "Strong majority",
                "Majority share",
                "Share right",
            ],
        ),
        (
            "Critical errors",
            "critical_errors",
            ["Answered", "Reviewer", "Case", "Chosen", "Session"],
        ),
        (
            "Completion",
            "completion",
            ["Team", "Reviewer", "Lesson", "Taken", "Best score", "Passed"],
        ),
    ],
)
def test_what_tells_a_tables_rows_apart_is_in_view_at_1366_by_768(
    qtbot, demo_window, tab: str, table: str, wanted: list[str]
) -> None:
    dashboard = open_dashboard(qtbot, demo_window)
    show_tab(qtbot, dashboard, tab)
    shown = columns_in_view(dashboard.tables[table])
    assert all(title in shown for title in wanted), shown


def test_every_csv_column_stays_in_the_export_and_in_a_view_column(
    qtbot, demo_window, tmp_path: Path
) -> None:
    from calibrate.gui.screens.dashboard.screen import export_tables

    dashboard = open_dashboard(qtbot, demo_window)
    board = dashboard.result.dashboard
    for index in range(dashboard.tabs.count()):
        show_tab(qtbot, dashboard, dashboard.tabs.tabText(index))
    for name, panel in dashboard.tables.items():
        header, rows = board.table(name)
        assert panel.header == list(header) and panel.rows == list(rows)  # what CSV writes
        shown = {source for column in panel.model.columns for source in column.sources}
        assert shown == set(header), (name, set(header) - shown)
    written = {p.name: p for p in export_tables(board, tmp_path)}
    with written["calibration.csv"].open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == list(board.table("calibration")[0])


def test_tables_read_labels_and_titles_while_their_csv_keeps_the_ids(
    qtbot, demo_window, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    dashboard = open_dashboard(qtbot, demo_window)
    pack = demo_window.context.pack("graphic-content")
    labels = {d.label for p in demo_window.context.library.packs for d in p.scale.decisions}
    show_tab(qtbot, dashboard, "Split cases")
    rows = {r["Case"]: r for r in table_rows(dashboard.tables["items"])}
    protest = rows["gr-protest-injury-documentation"]
    model = dashboard.tables["items"].table.model()
    split = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Split"
    )
    colours = {
        model.index(r, split).data(): model.index(r, split).data(Qt.ItemDataRole.ForegroundRole)
        for r in range(model.rowCount())
    }
    assert colours["yes"] == QColor(theme.WRONG) and colours["no"] == QColor(theme.CORRECT)
    assert protest["Golden"] == pack.scale.get("warning_screen").label == "Warning screen"
    assert protest["Strong majority"] == "Remove"
    assert protest["Title"] == pack.cases["gr-protest-injury-documentation"].title
    assert "Warning screen" in protest["Answers"] and "_" not in protest["Answers"]
    assert {r["Chosen"] for r in table_rows(dashboard.tables["disputes"])} <= labels
    show_tab(qtbot, dashboard, "Critical errors")
    errors = table_rows(dashboard.tables["critical_errors"])
    assert errors and {r["Chosen"] for r in errors} <= labels
    assert {r["Session"] for r in errors} <= {"first attempt", "retake", "review", "live session"}
    show_tab(qtbot, dashboard, "Completion")
    titles = {x.title for p in demo_window.context.library.packs for x in p.lessons}
    assert {r["Lesson"] for r in table_rows(dashboard.tables["completion"])} == titles

    for name, column, ids in (
        ("items", "golden", "warning_screen"),
        ("critical_errors", "session_kind", "first_attempt"),
    ):
        target = tmp_path / f"{name}.csv"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        dashboard.tables[name].export_button.click()
        with target.open(encoding="utf-8-sig", newline="") as handle:
            exported = list(csv.DictReader(handle))
        assert ids in {row[column] for row in exported}  # the CSV keeps the ids


def test_the_pack_and_lesson_filters_read_titles_with_ids_in_tooltips(qtbot, demo_window) -> None:
    dashboard = open_dashboard(qtbot, demo_window)
    packs = {p.id: p for p in demo_window.context.library.packs}
    box = dashboard.filters.pack
    tip = Qt.ItemDataRole.ToolTipRole
    items = {
        box.itemData(i): (box.itemText(i), box.itemData(i, tip)) for i in range(1, box.count())
    }
    assert items == {pack_id: (p.title, pack_id) for pack_id, p in packs.items()}
    box.setCurrentIndex(box.findData("regulated-goods"))
    assert box.currentText() == "Weapons, drugs and dangerous challenges"
    assert box.toolTip() == "regulated-goods"
    lessons = dashboard.filters.lesson
    pack_id, lesson_id = lessons.itemData(1)
    title = next(x.title for x in packs[pack_id].lessons if x.id == lesson_id)
    assert lessons.itemText(1) == f"{packs[pack_id].title} / {title}"
    assert lessons.itemData(1, tip) == f"{pack_id}/{lesson_id}"
    assert "Weapons, drugs and dangerous challenges" in dashboard.filters.describe()


def test_exported_csvs_carry_the_filters_they_were_made_under(
    qtbot, demo_window, tmp_path: Path, monkeypatch, dialogs: list[str]
) -> None:
    from PySide6.QtWidgets import QFileDialog

    dashboard = open_dashboard(qtbot, demo_window)
    first = dashboard.result
    team = dashboard.filters.team
    team.setCurrentIndex(team.findData("Graphic EU"))
    qtbot.waitUntil(lambda: dashboard.result is not first, timeout=20000)
    stamp = {
        "filter_team": "Graphic EU",
        "filter_site": "(all)",
        "filter_pack": "(all)",
        "filter_lesson": "(all)",
        "filter_reviewer": "(all)",
        "filter_from": dashboard.filters.since.date().toString("yyyy-MM-dd"),
        "filter_to": dashboard.filters.until.date().toString("yyyy-MM-dd"),
        "filter_leave_out_unwatched": "False",
        "filter_score_against": "seen",
        "target": "0.9",
        "demo_data": "True",
    }

    def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))  # the first line is the header: no preamble
            handle.seek(0)
            return header, list(csv.DictReader(handle))

    folder = tmp_path / "tables"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    dashboard.findChild(QWidget, "exportTablesButton").click()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=60000)
    board = dashboard.result.dashboard
    for name in board.tables():
        header, rows = read(folder / f"{name}.csv")
        assert header == [*board.table(name)[0], *stamp], name  # the table's own columns first
        assert all({k: row[k] for k in stamp} == stamp for row in rows), name
    names = {row["reviewer"] for row in read(folder / "reviewers.csv")[1]}
    assert names and all(r["team"] == "Graphic EU" for r in read(folder / "reviewers.csv")[1])
    show_tab(qtbot, dashboard, "Agreement")  # a tab's tables fill when it is shown
    one = tmp_path / "agreement.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(one), ""))
    dashboard.tables["agreement"].export_button.click()
    header, rows = read(one)
    assert header[-len(stamp) :] == list(stamp) and rows[0]["filter_team"] == "Graphic EU"


def test_agreement_says_too_few_cases_and_cuts_intervals_to_the_range(qtbot, demo_window) -> None:
    dashboard = open_dashboard(qtbot, demo_window)
    show_tab(qtbot, dashboard, "Agreement")
    panel = dashboard.tables["agreement"]
    rows = table_rows(panel)
    clauses = [r for r in rows if r["Clause"] != "whole pack"]
    assert clauses and all(int(r["Rated 2+"]) < 5 for r in clauses)  # the demo's clauses
    for row in clauses:
        assert row["Fleiss κ"] == row["Krippendorff α"] == row["Gwet AC1"] == "too few cases"
        assert row["κ 95 %"] == "—"
    for row in rows:
        for column in ("κ 95 %", "α 95 %", "AC1 95 %"):
            if row[column] != "—":
                low, high = (
                    float(b.rstrip("†").replace("−", "-")) for b in row[column].split(" to ")
                )
                assert -1 <= low <= high <= 1, row
    caption = panel.caption.text()
    assert "Gwet's analytic variance, t(n−1) quantile" in caption
    assert "percentile bootstrap over cases, 200 resamples" in caption and "†" in caption
    assert "too few cases" not in dashboard.headline.text()  # each pack has 8 cases


def test_the_team_by_pack_tab_shows_each_teams_lean_on_each_pack(qtbot, demo_window) -> None:
    dashboard = open_dashboard(qtbot, demo_window)
    show_tab(qtbot, dashboard, "Team × pack")
    rows = table_rows(dashboard.tables["team_pack"])
    titles = {
        "graphic-content": "Shocking & graphic content",
        "harassment": "Harassment & bullying",
        "regulated-goods": "Weapons, drugs and dangerous challenges",
    }
    assert {(r["Team"], r["Pack"]) for r in rows} == {
        (t, p) for t in ("Graphic APAC", "Graphic EU", "Harassment EU") for p in titles.values()
    }
    model = dashboard.tables["team_pack"].table.model()
    tips = {
        model.index(r, 1).data(): model.index(r, 1).data(Qt.ItemDataRole.ToolTipRole)
        for r in range(model.rowCount())
    }
    assert tips == {title: f"pack id: {id_}" for id_, title in titles.items()}  # ids kept
    figure = dashboard.charts["team_pack"].canvas.figure
    assert figure.axes and figure.axes[0].images  # the heatmap is drawn
    ticks = [t.get_text().replace("\n", " ") for t in figure.axes[0].get_xticklabels()]
    assert sorted(ticks) == sorted(titles.values())  # the packs by title, as the filter
    cells = [t.get_text() for t in figure.axes[0].texts]
    assert len(cells) == 2 * len(rows)  # each lean, and under it its interval and n
    assert {f"n={int(r['N']):,}" for r in rows} == {
        c.rsplit(" · ", 1)[-1] for c in cells if "n=" in c
    }


def test_a_saved_chart_says_so_and_the_next_file_dialogs_open_in_its_folder(
    qtbot, app_window, tmp_path: Path, monkeypatch, no_last_folder, dialogs: list[str]
) -> None:
    from PySide6.QtWidgets import QFileDialog, QPushButton

    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    folder = tmp_path / "charts"
    folder.mkdir()
    asked: list[tuple[str, Path]] = []

    def save_as(parent, caption, start, filters):
        asked.append((caption, Path(start)))
        return (str(folder / "accuracy.svg"), filters) if caption == "Save chart" else ("", "")

    def pick_folder(parent, caption, start):
        asked.append((caption, Path(start)))
        return ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", pick_folder)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", save_as)
    monkeypatch.chdir(tmp_path)
    panel = dashboard.charts["reviewer_accuracy"]
    panel.save_button.click()
    assert (folder / "accuracy.svg").read_bytes().startswith(b"<?xml")
    assert panel.note.text() == "Saved accuracy.svg" and dialogs == []  # no modal for it
    assert asked[0][1].parent != tmp_path  # the first dialog: not where the app started
    for name in ("saveReportButton", "exportTablesButton", "importButton"):
        dashboard.findChild(QPushButton, name).click()
    assert [start for _, start in asked[1:]] == [folder / "calibration-report.pdf", folder, folder]


def test_a_saved_chart_carries_a_footer_of_what_it_shows_that_the_screen_does_not(
    tmp_path: Path,
) -> None:
    from matplotlib.figure import Figure

    from calibrate.gui.widgets.chart_panel import save_figure

    figure = Figure(figsize=(4, 3))
    figure.add_subplot().plot([0, 1], [0, 1])
    footer = "DEMO DATA · All teams · Graphic EU · 2026-10-22 to 2026-12-02 · target 90%"
    plain = save_figure(figure, tmp_path / "plain.svg")
    noted = save_figure(figure, tmp_path / "noted.svg", footer)
    assert footer not in plain.read_text(encoding="utf-8")
    assert f"<!-- {footer} -->" in noted.read_text(encoding="utf-8")
    assert [t.get_text() for t in figure.texts] == []  # the figure on screen is unchanged
    for suffix in (".png", ".pdf"):
        assert save_figure(figure, tmp_path / f"noted{suffix}", footer).stat().st_size > 1000


def test_a_chart_saved_from_a_dark_demo_dashboard_is_drawn_for_white_and_says_demo_data(
    qtbot, demo_window, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QApplication, QFileDialog

    from calibrate.charts import palette

    app = QApplication.instance()
    dark = app.property("calibrate_dark")
    app.setProperty("calibrate_dark", True)  # what theme.apply_theme marks
    try:
        dashboard = open_dashboard(qtbot, demo_window)
        assert dashboard.result.dark
        target = tmp_path / "enforcement.svg"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        show_tab(qtbot, dashboard, "Enforcement")
        dashboard.charts["enforcement"].save_button.click()
    finally:
        app.setProperty("calibrate_dark", dark)
    svg = target.read_text(encoding="utf-8")
    assert palette.TEXT_DARK not in svg and palette.TEXT_LIGHT in svg  # dark text on white
    footer = svg.split("<!-- DEMO DATA · ", 1)[1].split(" -->", 1)[0]
    assert "All teams" in footer and "target 90%" in footer
    assert dashboard.filters.describe().split(" · ")[-1] in footer  # the period
    on_screen = dashboard.charts["enforcement"].canvas.figure
    assert not any("DEMO DATA" in t.get_text() for t in on_screen.texts)
