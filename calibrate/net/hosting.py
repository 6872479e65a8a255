"""Opening a room's server for a lesson — the wiring `calibrate room host` (its own event
loop) and the host console (the app's) share.

Two halves, so a screen never waits: `prepare` is file work only (the room's key,
certificate and secret in `<db>.room-<id>/`, made or read, and the lesson's room pack
written there) and may run off the GUI thread; `listen` binds the TLS WebSocket server in
the caller's Qt event loop and saves a new room (ws.rooms.bound) only once it listens. On a
refusal a new room's folder goes too: nothing is left to resume.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from calibrate.core.live.join_code import JoinCode
from calibrate.core.live.messages import PackOffer
from calibrate.net.host import RoomServer
from calibrate.net.tls import RoomCredentials, load_or_make, room_folder


class HostingRefused(Exception):
    """One line saying why the room cannot open; `port_taken`: a resumed room's port (the
    one its join code names) cannot be bound — the caller says what the way out is."""

    def __init__(self, message: str, port_taken: bool = False):
        super().__init__(message)
        self.port_taken = port_taken


@dataclass(frozen=True)
class Prepared:
    folder: Path
    credentials: RoomCredentials
    offer: PackOffer
    pack_file: Path


@dataclass(frozen=True)
class Listening:
    server: RoomServer
    port: int
    secret: bytes
    fingerprint: bytes
    offer: PackOffer
    pack_file: Path

    def join_code(self, address: str) -> str:
        return JoinCode(address, self.port, self.secret, self.fingerprint).encode()


def prepare(db_path: Path, hosted: Any, address: str, pack: Any, lesson: Any) -> Prepared:
    """The room's credentials (for `address`, the one its join code names) and its room
    pack, in the room's folder (HostingRefused, the folder of an unsaved room removed)."""
    folder = room_folder(db_path, hosted.id)
    try:
        try:
            credentials = load_or_make(folder, address)
        except (OSError, ValueError) as error:
            raise HostingRefused(f"cannot read or make the room's key: {error}") from None
        offer, pack_file = room_pack(pack, lesson, folder)
    except HostingRefused:
        forget(hosted, folder)
        raise
    return Prepared(folder, credentials, offer, pack_file)


def listen(rooms: Any, hosted: Any, prepared: Prepared, port: int, parent: QObject) -> Listening:
    """The server bound at `hosted.bind` (a resumed room: on its own port, else `port`, 0 for
    a free one) and the room saved there (`rooms`: the workspace's ws.rooms)."""
    server = RoomServer(prepared.credentials, parent)
    wanted = hosted.port if hosted.resumed else port
    bound = server.listen(hosted.bind, wanted)
    if not bound:
        where, why = f"{hosted.bind} port {wanted}", server.error_string()
        server.deleteLater()
        forget(hosted, prepared.folder)
        if hosted.resumed:
            raise HostingRefused(
                f"cannot resume the unfinished room on {where}, where its join code points: {why}",
                port_taken=True,
            )
        raise HostingRefused(f"cannot listen on {where}: {why}")
    rooms.bound(hosted, bound)
    credentials = prepared.credentials
    return Listening(
        server, bound, credentials.secret, credentials.fingerprint, prepared.offer,
        prepared.pack_file,
    )  # fmt: skip


def forget(hosted: Any, folder: Path) -> None:
    """A room never saved leaves no folder behind."""
    if not hosted.saved:
        shutil.rmtree(folder, ignore_errors=True)


def room_pack(pack: Any, lesson: Any, folder: Path) -> tuple[PackOffer, Path]:
    """The lesson's room pack in the room's folder, and the offer that announces it."""
    from calibrate.core.live.room_pack import write_room_pack
    from calibrate.core.sharing.errors import PackRefused

    try:
        written = write_room_pack(pack, lesson, folder / "room-pack.calpack")
    except (PackRefused, OSError) as error:
        raise HostingRefused(f"cannot make the room pack: {error}") from None
    offer = PackOffer(
        pack_id=pack.id,
        pack_hash=pack.content_hash,
        size=written.size,
        sha256=written.sha256,
        case_hashes=dict(written.manifest.case_hashes or {}),
    )
    return offer, written.path
