"""Drive the real trainer area: a main window on a fresh database and chosen lessons folders,
the trainer passcode typed into the real dialog, the saved lessons folders kept per test."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from calibrate.gui.saved_folders import FOLDERS_SETTING


@pytest.fixture(autouse=True)
def no_saved_folders():
    """No lessons folder saved in settings (the tests' QSettings live for the whole run);
    what was there before the test is put back after it."""
    settings = QSettings("Calibrate", "Calibrate")
    before = settings.value(FOLDERS_SETTING)
    settings.remove(FOLDERS_SETTING)
    yield
    if before is None:
        settings.remove(FOLDERS_SETTING)
    else:
        settings.setValue(FOLDERS_SETTING, before)


def make_window(qtbot, tmp_path: Path, lessons: list[Path] | None = None):
    """The real main window on a fresh database, the bundled packs and `lessons`."""
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(
        db=tmp_path / "calibrate.sqlite3", lessons=lessons or [], no_bundled=False, verbose=False
    )
    window = MainWindow(build_context(args, tmp_path / "calibrate.log"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def open_unlocked(qtbot, window):
    """The trainer area (passcode already given), its pack list on screen."""
    window.open_trainer_area_unlocked()
    area = window.trainer
    qtbot.waitUntil(lambda: not area.runner.busy and bool(area.found), timeout=10000)
    return area


def press_ctrl_t(qtbot, window, monkeypatch, steps) -> None:
    """Ctrl+T, with `steps(dialog)` typing into the real passcode dialog instead of a person."""
    from calibrate.gui import prompts

    def run(dialog) -> int:
        dialog.show()
        steps(dialog)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
        return dialog.result()

    monkeypatch.setattr(prompts, "run_dialog", run)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)


def type_passcode(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def wait_reloaded(qtbot, window) -> None:
    """Until the lessons were read again and the area listed them."""
    qtbot.waitUntil(lambda: not window.lessons_loading, timeout=15000)
    qtbot.waitUntil(lambda: not window.trainer.runner.busy, timeout=15000)


def tab_to(qtbot, start, name: str, presses: int = 20):
    """Tab from `start` until the widget called `name` has the keyboard; returns it."""
    from PySide6.QtWidgets import QApplication

    start.setFocus()
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget().objectName() == name:
            return QApplication.focusWidget()
    raise AssertionError(f"Tab never reached {name}")


def press_by_keys(qtbot, start, name: str) -> None:
    """Tab to the button `name` and press it with Space, as a keyboard user does."""
    qtbot.keyClick(tab_to(qtbot, start, name), Qt.Key.Key_Space)
