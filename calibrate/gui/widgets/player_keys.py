"""Which player key does what (the table is in player_controls.py's docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

if TYPE_CHECKING:
    from calibrate.gui.widgets.player_controls import PlayerPanel

SEEK_STEP_MS = 5000


def key_action(event: QKeyEvent, panel: PlayerPanel) -> Callable[[], object] | None:
    """What a key press does to the panel's player, or None when it is no player key.

    Keys with Ctrl, Alt or Meta are left to the window; Shift+letter is not the letter's
    action (shields take Shift so that lifting one is always on purpose)."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if mods & (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    ):
        return None
    shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
    key = Qt.Key(event.key())
    p = panel.player
    actions: dict[Qt.Key, Callable[[], object]] = {
        Qt.Key.Key_Space: p.toggle,
        Qt.Key.Key_K: p.pause,
        Qt.Key.Key_J: lambda: p.seek_relative(-SEEK_STEP_MS),
        Qt.Key.Key_Left: lambda: p.seek_relative(-SEEK_STEP_MS),
        Qt.Key.Key_L: lambda: p.seek_relative(SEEK_STEP_MS),
        Qt.Key.Key_Right: lambda: p.seek_relative(SEEK_STEP_MS),
        Qt.Key.Key_Home: lambda: p.seek(0),
        Qt.Key.Key_Less: lambda: panel.change_speed(-1),
        Qt.Key.Key_Greater: lambda: panel.change_speed(1),
        Qt.Key.Key_M: lambda: panel.toggle_shield("muted"),
    }
    if shift:
        actions |= {
            Qt.Key.Key_Comma: lambda: panel.change_speed(-1),
            Qt.Key.Key_Period: lambda: panel.change_speed(1),
            Qt.Key.Key_G: lambda: panel.toggle_shield("grayscale"),
            Qt.Key.Key_B: lambda: panel.toggle_shield("blurred"),
        }
        for plain in (Qt.Key.Key_K, Qt.Key.Key_J, Qt.Key.Key_L, Qt.Key.Key_M):
            actions.pop(plain)  # Shift+letter is not the letter's action
    else:
        actions[Qt.Key.Key_Comma] = lambda: p.frame_step(-1)
        actions[Qt.Key.Key_Period] = lambda: p.frame_step(1)
    return actions.get(key)
