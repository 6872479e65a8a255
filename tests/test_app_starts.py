"""The app opens on the bundled demo packs and lists them; a broken pack does not stop it."""

from __future__ import annotations

import argparse
from pathlib import Path

from calibrate.app import build_context
from calibrate.gui.main_window import MainWindow
from tests.pack_factory import write_pack


def make_args(tmp_path: Path, lessons: list[Path], bundled: bool = True) -> argparse.Namespace:
    return argparse.Namespace(
        db=tmp_path / "app.sqlite3", lessons=lessons, no_bundled=not bundled, verbose=False
    )


def test_main_window_lists_the_demo_packs(qtbot, tmp_path: Path) -> None:
    context = build_context(make_args(tmp_path, []), tmp_path / "log.txt")
    window = MainWindow(context)
    qtbot.addWidget(window)
    tree = window.findChild(type(window.lesson_list.tree), "lessonTree")
    titles = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert len(titles) >= 2
    assert all(tree.topLevelItem(i).childCount() >= 1 for i in range(len(titles)))


def test_a_broken_pack_is_listed_as_a_problem_and_the_rest_load(qtbot, tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_pack(lessons, "good")
    broken = write_pack(lessons, "broken")
    (broken / "pack.toml").write_text("id = [unclosed\n")
    context = build_context(make_args(tmp_path, [lessons], bundled=False), tmp_path / "log.txt")
    window = MainWindow(context)
    qtbot.addWidget(window)
    tree = window.lesson_list.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "Test pack good"
    ]
    assert window.lesson_list.problems_label.text().startswith("1 problem in lesson files")
    window.lesson_list.problems_button.click()
    report = window.lesson_list.problems_dialog.text.toPlainText()
    assert "broken/pack.toml:1: TOML syntax error" in report


def test_demo_flag_creates_a_demo_database_and_keeps_a_stale_one_aside(qtbot, tmp_path: Path):
    import sqlite3

    args = make_args(tmp_path, [])
    args.demo = True
    context = build_context(args, tmp_path / "log.txt")
    assert context.is_demo
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.findChild(type(window.lesson_list.heading), "demoBanner") is not None
    context.db.conn.close()
    # Six weeks later: the demo refreshes, and the old file (maybe with lessons someone took
    # in it) is moved aside, not deleted.
    with sqlite3.connect(str(args.db)) as conn:
        conn.execute("DROP TRIGGER answers_are_immutable")
        conn.execute("UPDATE answers SET answered_at = '2020-01-01T00:00:00.000Z'")
    conn.close()
    fresh = build_context(args, tmp_path / "log.txt")
    assert fresh.is_demo
    [aside] = tmp_path.glob("app.before-*.sqlite3")
    old = sqlite3.connect(str(aside)).execute("SELECT MAX(answered_at) FROM answers").fetchone()
    assert old[0].startswith("2020-01-01")


def test_real_answers_are_not_imported_into_the_demo_database(tmp_path: Path) -> None:
    from calibrate.core.errors import ExchangeError
    from calibrate.store.exchange.merge import merge_rows

    args = make_args(tmp_path, [])
    args.demo = True
    context = build_context(args, tmp_path / "log.txt")
    try:
        merge_rows(context.db, iter(()), event=("test", {}))
    except ExchangeError as error:
        assert "demo database" in str(error)
    else:
        raise AssertionError("a real import into the demo database was accepted")


def test_a_trainers_copy_of_a_demo_pack_is_the_one_the_app_uses(
    qtbot, tmp_path: Path, repo_root: Path
) -> None:
    import shutil

    checkout = tmp_path / "checkout"
    shutil.copytree(repo_root / "lessons" / "harassment", checkout / "lessons" / "harassment")
    shutil.copytree(repo_root / "assets" / "harassment", checkout / "assets" / "harassment")
    pack_file = checkout / "lessons" / "harassment" / "pack.toml"
    pack_file.write_text(
        pack_file.read_text().replace('title = "', 'title = "Edited: ', 1), encoding="utf-8"
    )
    twice = tmp_path / "twice"  # the same id again in a second folder of the trainer's
    shutil.copytree(checkout, twice)
    context = build_context(
        make_args(tmp_path, [checkout / "lessons", twice / "lessons"]), tmp_path / "log.txt"
    )
    harassment = [p for p in context.library.packs if p.id == "harassment"]
    assert [p.title.startswith("Edited: ") for p in harassment] == [True]
    assert len(context.library.packs) == 3  # the other two demo packs still load
    problems = [p.format() for p in context.library.problems]
    assert len(problems) == 1 and str(twice) in problems[0] and "already loaded" in problems[0]


def test_a_trainers_broken_copy_of_a_demo_pack_is_not_stood_in_for(
    qtbot, tmp_path: Path, repo_root: Path
) -> None:
    import shutil

    checkout = tmp_path / "checkout"
    shutil.copytree(repo_root / "lessons" / "harassment", checkout / "lessons" / "harassment")
    case = checkout / "lessons" / "harassment" / "cases" / "hb-cafe-threat.toml"
    case.write_text('id = "hb-cafe-threat\n' + case.read_text(), encoding="utf-8")
    context = build_context(make_args(tmp_path, [checkout / "lessons"]), tmp_path / "log.txt")
    # Their copy is used, its lesson with the broken case unavailable: the bundled copy's
    # lesson would stand in unnoticed, and they would think their edits live.
    harassment = next(p for p in context.library.packs if p.id == "harassment")
    assert harassment.folder == checkout / "lessons" / "harassment"
    [broken] = harassment.unavailable
    assert "hb-cafe-threat" in broken.lesson.case_ids
    assert "hb-cafe-threat" not in {c for x in harassment.lessons for c in x.case_ids}
    problems = [p.format() for p in context.library.problems]
    assert any("hb-cafe-threat.toml:1" in p for p in problems), problems


def test_dark_mode_switched_on_while_running_reaches_every_screen(qtbot, tmp_path: Path) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication

    from calibrate.gui import theme

    context = build_context(make_args(tmp_path, []), tmp_path / "log.txt")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.home.name.setText("Ana")
    window.home.create_button.click()
    tree = window.lesson_list.tree
    qtbot.waitUntil(tree.isVisible)  # shown, so polished with the light palette
    try:
        theme.apply_theme(QApplication.instance(), True)
        qtbot.wait(50)
        image = tree.viewport().grab().toImage()
        corner = QColor(image.pixel(image.width() - 5, image.height() - 5))
        assert corner.lightness() < 80, corner.name()  # the empty part of the list is dark
    finally:
        theme.apply_theme(QApplication.instance(), False)
