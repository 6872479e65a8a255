"""The main window's side of a live room: the join dialog for a profile, then the room's
screens in the window's stack until the moderator leaves or the room's summary is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate import paths
from calibrate.gui.screens.room.controller import RoomController
from calibrate.gui.screens.room.join_dialog import JoinDialog

if TYPE_CHECKING:
    from pathlib import Path

    from calibrate.core.live.join_code import JoinCode
    from calibrate.core.profiles import Profile
    from calibrate.gui.main_window import MainWindow


def room_pack_cache() -> Path:
    """Where room packs are unpacked: the app's data dir, never a lessons folder."""
    return paths.data_dir() / "room-packs"


def open_join_dialog(window: MainWindow, profile: Profile) -> JoinDialog:
    """The join dialog (window-modal, no nested event loop) for this profile; once the
    room welcomes it, the room's screens take the window over."""
    window.context.profile = profile
    window.setWindowTitle(f"Calibrate — {profile.name}")

    def start_room(code: JoinCode) -> RoomController:
        return RoomController(window.context, profile, code, window.show_screen, room_pack_cache())

    dialog = JoinDialog(profile, start_room, window)
    dialog.joined.connect(lambda room: _enter_room(window, room))
    dialog.finished.connect(dialog.deleteLater)
    window.join_dialog = dialog
    dialog.open()
    dialog.code.setFocus()
    return dialog


def _enter_room(window: MainWindow, room: RoomController) -> None:
    close_room(window)
    if window.lesson is not None:
        window.lesson.leave()
    window.room = room
    for screen in room.screens:
        window.stack.addWidget(screen)
    room.finished.connect(lambda: _left_room(window, room))
    window.activateWindow()  # back from the dialog: the room's keys go to its screens
    room.start()


def _left_room(window: MainWindow, room: RoomController) -> None:
    if window.room is room:
        window.lesson_list.refresh()  # the room's answers are this profile's history now
        window.show_screen(window.lesson_list)
        close_room(window)


def close_room(window: MainWindow) -> None:
    """The room's connection closed and its screens gone (leaving, or the window closing)."""
    room, window.room = window.room, None
    if room is None:
        return
    room.shutdown()
    for screen in room.screens:
        window.stack.removeWidget(screen)
        screen.deleteLater()
    room.deleteLater()
