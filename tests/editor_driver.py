"""Drive the trainer's editors as a trainer does: questions answered from a queue, fields
typed into, Ctrl+S pressed where the keyboard is, cues and moments set at paused frames."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit, QMessageBox

from calibrate.player.playback import PlayerState

DEMO_CLIP = Path(__file__).resolve().parents[1] / "assets" / "harassment" / "hb-cafe-threat.mp4"


class Answers:
    """Stands in for the person at the dialogs: a line for each question asked, Yes to each
    confirmation (or the queued bool); every message shown is kept in `shown`."""

    def __init__(self, monkeypatch) -> None:
        from calibrate.gui import prompts

        self.lines: deque[str] = deque()
        self.confirms: deque[bool] = deque()
        self.shown: list[str] = []
        monkeypatch.setattr(prompts, "run_dialog", self.run)

    def run(self, dialog) -> int:
        if isinstance(dialog, QInputDialog):
            if not self.lines:
                return QDialog.DialogCode.Rejected
            dialog.setTextValue(self.lines.popleft())
            return QDialog.DialogCode.Accepted
        text = dialog.text() if hasattr(dialog, "text") else dialog.windowTitle()
        if hasattr(dialog, "informativeText") and dialog.informativeText():
            text += "\n" + dialog.informativeText()
        self.shown.append(text)
        if (
            isinstance(dialog, QMessageBox)
            and dialog.standardButtons() & QMessageBox.StandardButton.Yes
        ):
            yes = self.confirms.popleft() if self.confirms else True
            return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No
        return 0


def retype(qtbot, field: QLineEdit, text: str) -> None:
    """Select what the field holds and type `text` over it, as a person does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def press_ctrl(qtbot, window, key, shift: bool = False) -> None:
    """Ctrl(+Shift)+key where the keyboard focus is (the window made active first)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    modifiers = Qt.KeyboardModifier.ControlModifier
    if shift:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


def step_to_frame(qtbot, marking, frame: int, strip_number) -> int:
    """Frame steps forward (as a trainer pauses and steps on) from where the paused player is
    to `frame`; waits until the picture shows it; returns the number its frame strip shows.

    (Many steps backward, past the ~25 pictures the player keeps, end in a paused seek that
    libVLC lands up to 3 frames early on H.264: not what is tested here.)"""
    player = marking.player
    qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=8000)
    assert player.position // player.frame_ms <= frame
    while player.position // player.frame_ms < frame:
        before = player.position
        player.frame_step(+1)
        qtbot.waitUntil(lambda b=before: player.position != b, timeout=2000)
    shown = lambda: strip_number(player.frame)  # noqa: E731
    try:
        qtbot.waitUntil(lambda: shown() == player.position // player.frame_ms, timeout=4000)
    except Exception:
        print("DBG", shown(), player.position, player.state, frame)
        raise
    return shown()


def check_item(box, value: str) -> None:
    """Tick the item of a check list whose value is `value`."""
    for row in range(box.count()):
        item = box.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == value:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"no item {value!r}")
