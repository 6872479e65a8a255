r"""Which player key does what.

Keys (as in common web players, YouTube-style; the case screen forwards its key presses
to handle_key(), and the panel handles them itself when it or a control has focus):

    Space         play / pause (after the end: watch again)
    K             pause (never starts playback, so a stray K cannot start a graphic clip)
    J  or  Left   back 5 s
    L  or  Right  forward 5 s
    ,  /  .       one frame back / forward (pauses first)
    <  /  >       slower / faster, 0.25× to 3× (Shift+, and Shift+. on a US keyboard)
    Home          back to the start
    [  /  ]       loop from A / to B, at the frame on screen (ab_loop.py)
    \             clear the A-B loop
    Up / Down     louder / quieter
    F             full screen on / off (Esc leaves it)
    M             mute / unmute
    Shift+G       grayscale shield on / off
    Shift+B       blur shield on / off

J/L seek rather than shuttle: libVLC cannot play backwards, and moderators know the web
players' J/K/L. Shields take Shift so that lifting one is always on purpose (DESIGN.md,
Wellness). Keys with Ctrl, Alt or Meta are left to the window (menus, app shortcuts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

if TYPE_CHECKING:
    from calibrate.gui.widgets.player_controls import PlayerPanel

SEEK_STEP_MS = 5000
VOLUME_STEP = 10  # percent per Up / Down


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
        Qt.Key.Key_BracketLeft: panel.loop.set_a,
        Qt.Key.Key_BracketRight: panel.loop.set_b,
        Qt.Key.Key_Backslash: panel.loop.clear,
        Qt.Key.Key_Up: lambda: panel.change_volume(VOLUME_STEP),
        Qt.Key.Key_Down: lambda: panel.change_volume(-VOLUME_STEP),
        Qt.Key.Key_F: panel.toggle_full_screen,
        Qt.Key.Key_F11: panel.toggle_full_screen,
    }
    if panel.full_screen.active:
        actions[Qt.Key.Key_Escape] = panel.full_screen.leave
    if shift:
        actions |= {
            Qt.Key.Key_Comma: lambda: panel.change_speed(-1),
            Qt.Key.Key_Period: lambda: panel.change_speed(1),
            Qt.Key.Key_G: lambda: panel.toggle_shield("grayscale"),
            Qt.Key.Key_B: lambda: panel.toggle_shield("blurred"),
        }
        for plain in (Qt.Key.Key_K, Qt.Key.Key_J, Qt.Key.Key_L, Qt.Key.Key_M, Qt.Key.Key_F):
            actions.pop(plain)  # Shift+letter is not the letter's action
    else:
        actions[Qt.Key.Key_Comma] = lambda: p.frame_step(-1)
        actions[Qt.Key.Key_Period] = lambda: p.frame_step(1)
    return actions.get(key)
