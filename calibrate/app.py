"""GUI bootstrap: logging, QApplication, theme, error hook, the store, the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

# isort: off
# The Qt-free modules first: once PySide6 is loaded, its import hook reads the source of every
# module imported after it (looking for `from __feature__`), ~4 ms of start-up for these.
from calibrate import __version__, paths
from calibrate.core.errors import CalibrateError
from calibrate.gui.context import AppContext
from calibrate.log import setup_logging
from calibrate.workspace import Workspace
from calibrate.workspace import profiles  # noqa: F401 - the home screen lists profiles through it

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from calibrate.gui.errors import install_excepthook, show_error
from calibrate.gui.saved_folders import saved_folders
from calibrate.gui.theme import apply_theme, new_application, use_fusion
# isort: on

log = logging.getLogger(__name__)


def build_context(
    args: argparse.Namespace, log_path: Path, load_lessons: bool = True
) -> AppContext:
    if getattr(args, "demo", False):
        from calibrate.workspace.demo import ensure_demo_database

        db_path = Path(args.db) if args.db else paths.demo_database()
        ensure_demo_database(db_path)
    else:
        db_path = Path(args.db) if args.db else paths.default_database()
    ws = Workspace.open(db_path, [])
    context = AppContext(ws.conn, db_path, [], log_path, is_demo=ws.is_demo, is_new=ws.is_new)
    # Bundled demo packs first, then the folders saved in settings, then --lessons.
    context.lessons.use_folders(
        saved_folders(), list(getattr(args, "lessons", [])), not getattr(args, "no_bundled", False)
    )
    if load_lessons:
        context.reload_library()
    return context


def display_problem() -> str | None:
    """Why no window can open here (Linux without a display), else None. Qt itself would
    abort the process, blaming a missing xcb library."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, ...: no display needed
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open a window on; run scripts/run-app.sh (it starts a virtual "
        "screen) or `xvfb-run -a calibrate ...`"
    )


def run_app(args: argparse.Namespace, on_ready: Callable[[QMainWindow], None] | None = None) -> int:
    """Open the app; on_ready (tests only) gets the shown main window before the event loop."""
    if QApplication.instance() is None and (problem := display_problem()):
        print(f"calibrate: {problem}", file=sys.stderr)
        return 2
    log_path = setup_logging(verbose=getattr(args, "verbose", False))
    log.info("Calibrate %s starting", __version__)
    app = QApplication.instance()
    if app is None:
        app = new_application(sys.argv[0] if sys.argv else "calibrate")
    else:
        use_fusion(app)
    app.setApplicationName("Calibrate")
    app.setOrganizationName("Calibrate")
    app.setApplicationVersion(__version__)
    settings = QSettings("Calibrate", "Calibrate")
    apply_theme(app, dark=settings.value("view/dark", False, type=bool))
    install_excepthook(log_path)
    try:
        context = build_context(args, log_path, load_lessons=False)
    except CalibrateError as error:
        # On the terminal too: on a virtual screen nobody sees the dialog.
        print(f"calibrate: {error}", file=sys.stderr)
        show_error(None, error, log_path, title="Calibrate cannot open its database")
        return 1
    from calibrate.gui.main_window import MainWindow

    def after_first_paint() -> None:
        # What the first screen does not need waits until it is on screen: the lessons load
        # off the GUI thread, the window is usable at once.
        _close_on_signals(window)
        window.reload_lessons()

    window = MainWindow(context, after_first_paint=after_first_paint)
    window.show()
    if on_ready is not None:
        on_ready(window)
    return app.exec()


def _close_on_signals(window: QMainWindow) -> None:
    """Ctrl+C and SIGTERM close the window as File > Quit does (recorded answers are on disk
    already), from the event loop rather than in the middle of whatever slot was running;
    a second one ends the process at once. Installed after the first paint: a signal before
    it ends the process by default (nothing has been recorded yet). Python runs a signal
    handler only between bytecodes: a timer lets it in while Qt waits for events."""
    import signal

    def close_soon(number: int, _frame: object) -> None:
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, signal.SIG_DFL)
        log.info("signal %d: closing", number)
        QTimer.singleShot(0, window.close)

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, close_soon)
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    log.info("window shown")
