"""Start-up stays quick: the first screen needs none of the heavy libraries, and what is
deferred (lessons, menu shortcuts) still arrives once the window is up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from calibrate.store import catalog
from calibrate.store.db import SCHEMA_VERSION, open_database

# Run as the `calibrate` command does (cli.main), in a fresh process; report what was
# imported when the window was shown, then what the user sees once lessons have loaded.
START_APP = """
import json, sys
import calibrate.app
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from calibrate.cli import main

HEAVY = ("sqlite_utils", "pydantic", "matplotlib", "vlc", "numpy", "pandas", "markdown_it")
report = {}

def on_ready(window):
    report["at_show"] = sorted(m for m in HEAVY if m in sys.modules)
    report["style"] = QApplication.instance().style().name()
    report["profiles"] = [window.home.profiles.item(i).text()
                          for i in range(window.home.profiles.count())]
    def poll():
        if window.lessons_loading or window._after_first_paint is not None:
            return
        timer.stop()
        report["status"] = window.statusBar().findChild(type(window._status)).text()
        actions = window.findChildren(type(window.menuBar().actions()[0]))
        report["shortcuts"] = sorted(a.shortcut().toString() for a in actions
                                     if not a.shortcut().isEmpty())
        print(json.dumps(report), flush=True)
        QApplication.quit()
    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(20)

run_app = calibrate.app.run_app
calibrate.app.run_app = lambda args: run_app(args, on_ready=on_ready)
sys.exit(main(sys.argv[1:]))
"""


def start_app(tmp_path: Path, *args: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    result = subprocess.run(
        [sys.executable, "-c", START_APP, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_first_screen_shows_profiles_without_heavy_imports_then_lessons_load(tmp_path):
    path = tmp_path / "calibrate.sqlite3"
    db = open_database(path)
    catalog.create_profile(db, "Ana Ribeiro", "Graphic EU", "Lisbon")
    db.conn.close()

    report = start_app(tmp_path, "--db", str(path))

    assert report["at_show"] == []
    assert report["style"].lower() == "fusion"  # the palettes are made for it
    assert report["profiles"] == ["Ana Ribeiro   —   Graphic EU · Lisbon"]
    assert report["status"].startswith("3 packs · database ")
    assert report["shortcuts"] == ["Ctrl+L", "Ctrl+Q", "Ctrl+R", "Ctrl+Shift+D", "Ctrl+T", "F1"]


def test_schema_version_known_without_migrations_matches_them() -> None:
    from calibrate.store.migrations import MIGRATIONS

    assert SCHEMA_VERSION == len(MIGRATIONS)


def test_sqlite_utils_loads_without_pandas_which_stays_importable(repo_root: Path) -> None:
    code = (
        "import sys, sqlite3\n"
        "from calibrate.store.db import wrap_connection\n"
        "db = wrap_connection(sqlite3.connect(':memory:'))\n"
        "db['t'].insert({'a': 1})\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
        "import numpy, pandas\n"
        "print(pandas.DataFrame({'a': numpy.arange(3)}).shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo_root, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "(3, 1)"]


def test_log_is_rotated_at_start_once_it_is_large(tmp_path: Path) -> None:
    from calibrate.log import MAX_BYTES, rotate_if_large

    log = tmp_path / "calibrate.log"
    log.write_text("small")
    rotate_if_large(log)
    assert log.read_text() == "small"
    for age in ("old-3", "old-2", "old-1", "newest"):
        log.write_bytes(age.encode() + b"x" * MAX_BYTES)
        rotate_if_large(log)
    assert not log.exists()
    kept = [log.with_name(f"calibrate.log.{n}").read_bytes()[:6] for n in (1, 2, 3)]
    assert kept == [b"newest", b"old-1x", b"old-2x"]


def test_options_before_a_command_get_a_hint_not_the_app(capsys) -> None:
    from calibrate.cli import main

    assert main(["--db", "x.sqlite3", "demo"]) == 2
    assert "calibrate demo --db x.sqlite3" in capsys.readouterr().err
    assert main(["--db", "my dir/x.sqlite3", "gui"]) == 2
    assert "calibrate gui --db 'my dir/x.sqlite3'" in capsys.readouterr().err


def test_without_a_display_the_app_says_so_in_one_line_instead_of_aborting(tmp_path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "calibrate", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "calibrate: no display to open a window on; run scripts/run-app.sh (it starts a "
        "virtual screen) or `xvfb-run -a calibrate ...`"
    ]
    assert not (tmp_path / "x.db").exists()  # nothing was created either


def test_a_refused_database_is_named_on_the_terminal_too(tmp_path) -> None:
    garbage = tmp_path / "notes.sqlite3"
    garbage.write_bytes(b"these are my notes, not a database" * 10)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = (
        "import sys; from calibrate.gui import prompts;"  # no one to click it away:
        "prompts.run_dialog = lambda d: print('dialog:', d.text(), d.informativeText()) or 0;"
        "from calibrate.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "--db", str(garbage)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"calibrate: {garbage}" in result.stderr and "Traceback" not in result.stderr
    # ...and in the window: one sentence, with where the details are
    assert f"dialog: {garbage}" in result.stdout and "Details are in the log" in result.stdout
    assert garbage.read_bytes() == b"these are my notes, not a database" * 10


def test_ctrl_c_or_sigterm_closes_the_app_as_quit_does(tmp_path) -> None:
    import signal
    import time

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    log = tmp_path / "xdg_state_home" / "Calibrate" / "log" / "calibrate.log"
    for number in (signal.SIGINT, signal.SIGTERM):
        log.unlink(missing_ok=True)
        app = subprocess.Popen(
            [sys.executable, "-m", "calibrate", "--db", str(tmp_path / "calibrate.sqlite3")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while "window shown" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline and app.poll() is None
            time.sleep(0.05)
        app.send_signal(number)
        out, err = app.communicate(timeout=20)
        assert app.returncode == 0, err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err
        assert "window closed" in log.read_text()  # the window's own close: lesson shut down


def test_f1_lists_the_keyboard_shortcuts(qtbot, tmp_path, monkeypatch) -> None:
    import argparse

    from PySide6.QtCore import Qt

    from calibrate.app import build_context
    from calibrate.gui import prompts
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(
        db=tmp_path / "c.sqlite3", lessons=[], no_bundled=False, verbose=False
    )
    window = MainWindow(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    shown: list[str] = []
    monkeypatch.setattr(prompts, "run_dialog", lambda box: shown.append(box.text()) or 0)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert len(shown) == 1
    for keys in ("Ctrl+Enter", "Space / K", "J / L", "Ctrl+L", "Ctrl+T"):
        assert keys in shown[0]


def test_a_database_made_by_this_start_says_so(tmp_path) -> None:
    typo = tmp_path / "calibrate-typo.sqlite3"
    report = start_app(tmp_path, "--db", str(typo))
    assert report["status"] == f"3 packs · new database (created now) {typo}"
    report = start_app(tmp_path, "--db", str(typo))  # the next start finds it
    assert report["status"] == f"3 packs · database {typo}"
