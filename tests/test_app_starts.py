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
    assert "broken/pack.toml:1: TOML syntax error" in window.lesson_list.problems.toPlainText()
