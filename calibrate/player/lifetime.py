"""Who stops libVLC when: live players first, the shared instance last (STACK.md).

A player registers here when it gets a libVLC player. It is stopped when Qt deletes it
before shutdown() (a parent went away), at aboutToQuit, and by release_shared_instance()
before the shared instance goes, whatever order Qt runs the aboutToQuit slots in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject

from calibrate.player import probe

# Players not yet shut down (their shutdown and their Qt-free libVLC release), so
# release_shared_instance() can stop them first and their C callbacks stay referenced even
# if a caller drops the Python object too early.
_live_players: dict[int, tuple[Callable[[], None], Callable[[], None]]] = {}


def release_shared_instance() -> None:
    """Shut down any live player, then release the shared instance (call at app exit)."""
    for shutdown, _release in list(_live_players.values()):
        shutdown()
    probe.release_instance()


def keep_track(
    player: QObject,
    shutdown: Callable[[], None],
    release_libvlc: Callable[[], None],
    *,
    shared_instance: bool,
) -> None:
    """Stop `player`'s libVLC when Qt deletes it, at aboutToQuit and before the shared
    instance is released; `release_libvlc` must make no Qt call (it runs mid-destruction)."""
    _live_players[id(player)] = (shutdown, release_libvlc)
    player.destroyed.connect(functools.partial(_shut_down_orphan, id(player)))
    app = QCoreApplication.instance()
    if app is None:
        return
    app.aboutToQuit.connect(shutdown)
    if shared_instance and not getattr(app, "_calibrate_vlc_release", False):
        # The shared instance goes last: release_shared_instance() first shuts down every
        # live player, whatever order the slots run in.
        app.aboutToQuit.connect(release_shared_instance)
        app._calibrate_vlc_release = True  # type: ignore[attr-defined]


def forget(player: QObject) -> None:
    """`player` released its libVLC player: nothing left to stop."""
    _live_players.pop(id(player), None)


def _shut_down_orphan(key: int, *_args: object) -> None:
    entry = _live_players.get(key)
    if entry is not None:
        entry[1]()  # mid-destruction: no signals, no Qt
