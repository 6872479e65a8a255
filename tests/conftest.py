"""Shared test set-up: Qt offscreen, real files in tmp_path, the repo's own demo packs."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must pick its platform before the first QApplication exists (pytest-qt makes one);
# libVLC plays into a dummy audio output (keeps its clock) instead of a sound card.
if not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty (empty aborts Qt)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("CALIBRATE_DUMMY_AUDIO", "1")
# The user's own files stay out of it: logs, settings (QSettings), databases and caches of
# this run, the apps it starts included, go to a folder of its own.
_USER_DIRS = Path(tempfile.mkdtemp(prefix="calibrate-tests-"))
for _name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(_USER_DIRS / _name.lower())

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def demo_lessons_dir() -> Path:
    return REPO_ROOT / "lessons"


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> list[str]:
    """Modal messages never block a test: each one's text is recorded here instead."""
    from calibrate.gui import prompts

    shown: list[str] = []

    def record(dialog) -> int:
        text = dialog.text() if hasattr(dialog, "text") else dialog.windowTitle()
        shown.append(text)
        return 0

    monkeypatch.setattr(prompts, "run_dialog", record)
    return shown


@pytest.fixture
def app_window(qtbot, tmp_path: Path) -> Iterator:
    """The real main window on a fresh database and the bundled demo packs."""
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(
        db=tmp_path / "calibrate.sqlite3", lessons=[], no_bundled=False, verbose=False
    )
    context = build_context(args, tmp_path / "calibrate.log")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()  # shuts the lesson's player down before the widgets go


@pytest.fixture
def no_last_folder():
    """No folder remembered from an earlier save (and the one before the test put back)."""
    from PySide6.QtCore import QSettings

    from calibrate.gui.widgets.table_panel import FOLDER_SETTING

    settings = QSettings("Calibrate", "Calibrate")
    before = settings.value(FOLDER_SETTING)
    settings.remove(FOLDER_SETTING)
    yield
    if before is None:
        settings.remove(FOLDER_SETTING)
    else:
        settings.setValue(FOLDER_SETTING, before)
