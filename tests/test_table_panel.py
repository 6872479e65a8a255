"""A lead reads, sorts, double-clicks and exports a dashboard table."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from calibrate.gui import theme
from calibrate.gui.widgets.table_panel import TablePanel, write_csv

HEADER = ("reviewer", "n", "accuracy", "below_target")
ROWS = [
    ("Ana", 12, 0.95, False),
    ("Ben", 3, None, True),
    ("Cruz", 100, 0.5, True),
    ("Dee", 20, 0.75, False),
]


def shown(panel: TablePanel, column: int = 0) -> list[str]:
    model = panel.table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def click_header(qtbot, panel: TablePanel, column: int) -> None:
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def make_panel(qtbot) -> TablePanel:
    panel = TablePanel("reviewers", "Reviewers")
    qtbot.addWidget(panel)
    panel.resize(600, 300)
    panel.show()
    panel.set_rows(HEADER, ROWS)
    return panel


def test_rows_show_in_the_given_order_formatted(qtbot) -> None:
    panel = make_panel(qtbot)
    assert shown(panel) == ["Ana", "Ben", "Cruz", "Dee"]
    assert shown(panel, 2) == ["0.950", "—", "0.500", "0.750"]
    assert shown(panel, 3) == ["no", "yes", "yes", "no"]
    model = panel.table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert titles == ["Reviewer", "N", "Accuracy", "Below target"]  # CSV names in words
    assert model.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) == QColor(theme.WRONG)
    assert model.index(1, 3).data(Qt.ItemDataRole.ForegroundRole) == QColor(theme.CORRECT)
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert panel.table.accessibleName() == "Reviewers"


def test_clicking_a_header_sorts_numbers_as_numbers_and_the_sort_survives_new_rows(qtbot) -> None:
    panel = make_panel(qtbot)
    click_header(qtbot, panel, 1)
    header = panel.table.horizontalHeader()
    first = header.sortIndicatorOrder()
    assert header.sortIndicatorSection() == 1
    by_n = ["Ben", "Ana", "Dee", "Cruz"]  # 3 < 12 < 20 < 100, not "100" < "12"
    assert shown(panel) == (by_n if first == Qt.SortOrder.AscendingOrder else by_n[::-1])
    click_header(qtbot, panel, 1)
    assert shown(panel) == (by_n[::-1] if first == Qt.SortOrder.AscendingOrder else by_n)
    panel.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert shown(panel) == ["Ben", "Cruz", "Dee", "Ana"]  # the empty cell first
    panel.set_rows(HEADER, [*ROWS, ("Eve", 1, 0.1, True)])  # a refresh keeps the lead's sort
    assert shown(panel) == ["Ben", "Eve", "Cruz", "Dee", "Ana"]


def test_double_click_reports_the_row_given_whatever_the_sort(qtbot) -> None:
    panel = make_panel(qtbot)
    panel.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # Cruz on top
    activated: list[int] = []
    panel.row_activated.connect(activated.append)
    table = panel.table
    rect = table.visualRect(table.model().index(0, 0))
    # A real double-click: the first click selects the row, the second activates it.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [ROWS[i][0] for i in activated] == ["Cruz"]


def test_export_writes_every_row_as_given(qtbot, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    panel = make_panel(qtbot)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    target = tmp_path / "reviewers.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(HEADER) and [r[0] for r in rows[1:]] == ["Ana", "Ben", "Cruz", "Dee"]
    assert rows[2] == ["Ben", "3", "", "True"]
    assert write_csv(tmp_path / "again.csv", HEADER, ROWS).read_bytes() == target.read_bytes()


def test_a_long_name_far_down_a_big_table_is_not_cut(qtbot) -> None:
    panel = make_panel(qtbot)
    long_name = "Maria-Fernanda de los Santos Albuquerque"
    rows = [(f"R{i}", i, 0.5, False) for i in range(5000)] + [(long_name, 1, 0.5, True)]
    panel.set_rows(HEADER, rows)
    width = panel.table.fontMetrics().horizontalAdvance(long_name)
    assert panel.table.columnWidth(0) > width
    assert panel.model.rowCount() == 5001


def test_timestamps_read_to_the_minute_while_the_csv_keeps_them_whole(
    qtbot, tmp_path: Path
) -> None:
    panel = TablePanel("disputes", "Disputes")
    qtbot.addWidget(panel)
    stamp = "2026-11-11T15:21:47.696Z"
    panel.set_rows(("created_at", "note"), [(stamp, "clause unclear")])
    model = panel.table.model()
    assert model.index(0, 0).data() == "2026-11-11 15:21 UTC"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Filed"
    assert (
        model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        == "CSV column: created_at"
    )
    path = write_csv(tmp_path / "disputes.csv", panel.header, panel.rows)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["created_at", "note"], [stamp, "clause unclear"]]


def test_a_view_can_combine_reorder_and_word_columns_while_the_csv_keeps_them_as_given(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from operator import itemgetter

    from PySide6.QtWidgets import QFileDialog

    from calibrate.gui.widgets.table_model import Column

    header = ("reviewer", "decision", "lo", "hi")
    rows = [
        ("Ana", "warning_screen", 0.5, 0.9),
        ("Ben", "remove", None, None),
        ("Cruz", "allow", 0.1, 0.4),
    ]
    words = {"warning_screen": "Warning screen", "remove": "Remove", "allow": "Allow"}
    columns = [
        Column(
            "Interval",
            ("lo", "hi"),
            itemgetter(2),
            lambda r: "—" if r[2] is None else f"{r[2]:.0%}–{r[3]:.0%}",
        ),
        Column("Decision", ("decision",), lambda r: words[r[1]]),
        Column("Reviewer", ("reviewer",), itemgetter(0)),
    ]
    panel = TablePanel("things", "Things")
    qtbot.addWidget(panel)
    panel.set_rows(header, rows, columns=columns)
    model = panel.table.model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Interval",
        "Decision",
        "Reviewer",
    ]
    assert (
        model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        == "CSV columns: lo, hi"
    )
    assert shown(panel, 0) == ["50%–90%", "—", "10%–40%"]
    assert shown(panel, 1) == ["Warning screen", "Remove", "Allow"]
    # the empty interval lines up with the numbers
    assert model.index(1, 0).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by the low end, as a number
    assert shown(panel, 2) == ["Ben", "Cruz", "Ana"]
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by the words shown
    assert shown(panel, 2) == ["Cruz", "Ben", "Ana"]
    target = tmp_path / "things.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.export_button.click()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            list(header),
            ["Ana", "warning_screen", "0.5", "0.9"],
            ["Ben", "remove", "", ""],
            ["Cruz", "allow", "0.1", "0.4"],
        ]


def test_an_export_says_it_saved_and_the_next_dialog_opens_where_it_went(
    qtbot, tmp_path: Path, monkeypatch, no_last_folder
) -> None:
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    panel = make_panel(qtbot)
    target = tmp_path / "exports" / "mine.csv"
    target.parent.mkdir()
    asked: list[Path] = []

    def dialog(parent, caption, start, filters):
        asked.append(Path(start))
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    monkeypatch.chdir(tmp_path)  # the folder the app was started from
    panel.export_button.click()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert asked[0].name == "reviewers.csv"
    assert asked[0].parent in {Path.home(), Path(documents)} and asked[0].parent != tmp_path
    assert target.exists()
    assert panel.note.text() == "Saved mine.csv" and panel.note.toolTip() == str(target)
    panel.export_button.click()
    assert asked[1] == target.parent / "reviewers.csv"  # where the last one went


def test_an_export_that_cannot_be_written_says_why_beside_the_button(
    qtbot, tmp_path: Path, monkeypatch, no_last_folder
) -> None:
    from PySide6.QtWidgets import QFileDialog

    panel = make_panel(qtbot)
    target = tmp_path / "gone" / "reviewers.csv"  # a folder deleted meanwhile
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.export_button.click()
    assert panel.note.text().startswith("Not saved: ") and not target.exists()
