"""Moderator app windows joining a real `calibrate room host` on 127.0.0.1, driven by keys."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from gui_driver import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTextEdit, QWidget
from room_processes import room_lessons

MEDIA = Path(__file__).resolve().parent / "media" / "clip_640x360.mp4"  # 3 s, real
# What only a reveal may show of the room_lessons pack: the golden decision's label, its
# clause's title, the rationale and moments (named per case), and the reveal's own words.
REVEAL_ONLY = ("Rationale-c", "moment-c", "Golden answer", "How everyone decided", "N = ")


def clip_lessons(tmp_path: Path) -> Path:
    """room_lessons' pack `alpha` (c1-c3) with a real 3 s clip per case; c1 unwarned."""
    lessons = room_lessons(tmp_path)
    for clip in (tmp_path / "assets" / "alpha").glob("*.mp4"):
        clip.write_bytes(MEDIA.read_bytes())
    c1 = lessons / "alpha" / "cases" / "c1.toml"
    c1.write_text(c1.read_text().replace('warnings = ["graphic"]', "warnings = []"))
    return lessons


def open_window(qtbot, db: Path, lessons: list[Path]):  # type: ignore[no-untyped-def]
    """The real main window on `db`; `lessons` empty: the moderator has no pack installed."""
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(db=db, lessons=lessons, no_bundled=True, verbose=False)
    context = build_context(args, db.with_suffix(".log"))
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def join_by_keys(qtbot, window, code: str, name: str = "Ana") -> None:  # type: ignore[no-untyped-def]
    """On home: the lone profile (made if missing) chosen, Ctrl+J, the code typed, Enter."""
    if not window.context.profiles.listed():
        window.context.profiles.create(name, "Graphic EU", "Lisbon")
    window.home.refresh()
    window.show_screen(window.home)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.home.profiles)
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "join_dialog", None) is not None)
    dialog = window.join_dialog
    qtbot.keyClicks(dialog.code, code)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)


def in_room(window) -> bool:  # type: ignore[no-untyped-def]
    return window.room is not None and window.room.started


def current(window):  # type: ignore[no-untyped-def]
    return window.stack.currentWidget()


def wait_for_case(qtbot, window, case_id: str, timeout: int = 30000) -> None:  # type: ignore[no-untyped-def]
    def open_case() -> bool:
        room = window.room
        return (
            room is not None
            and current(window) is room.case_screen
            and room.view.case is not None
            and room.view.case.case_id == case_id
            and room.view.answerable
        )

    qtbot.waitUntil(open_case, timeout=timeout)


def watch_some(qtbot, window, share: float = 0.2) -> None:  # type: ignore[no-untyped-def]
    """Watch (W on a warned case) until `share` of the clip was shown on this player."""
    screen = window.room.case_screen
    screen.setFocus()
    if screen.video_stack.currentWidget() is screen.warning_card:
        press(qtbot, window, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: screen.watched_share >= share, timeout=15000)


def answer_by_keys(qtbot, window, decision_key: int, clause_downs: int = 1) -> None:  # type: ignore[no-untyped-def]
    """On the open case: decision key, C + ↓ clause, Ctrl+4, Ctrl+Enter."""
    screen = window.room.case_screen
    screen.setFocus()
    press(qtbot, window, getattr(Qt.Key, f"Key_{decision_key}"))
    press(qtbot, window, Qt.Key.Key_C)
    for _ in range(clause_downs):
        press(qtbot, window, Qt.Key.Key_Down)
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def wait_for_reveal(qtbot, window, case_id: str, timeout: int = 30000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: (
            window.room is not None
            and current(window) is window.room.reveal
            and window.room.view.reveal is not None
            and window.room.view.reveal.case_id == case_id
        ),
        timeout=timeout,
    )


def visible_texts(root: QWidget) -> list[str]:
    """Every text a visible widget of the window shows (labels, buttons, text views)."""
    texts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
        texts += [widget.toolTip(), widget.accessibleName()]
    return [t for t in texts if t]


def assert_blind(window) -> None:  # type: ignore[no-untyped-def]
    """Nothing on screen tells the golden answer or the room's split."""
    for text in visible_texts(window):
        for word in REVEAL_ONLY:
            assert word not in text, f"{word!r} shown before the reveal: {text[:200]!r}"


def answers(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute("SELECT * FROM answers")}
    finally:
        conn.close()


def sessions(db: Path) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM sessions")]
    finally:
        conn.close()


def app_focus() -> QWidget | None:
    return QApplication.focusWidget()
