"""The wiring behind `calibrate room host|bots`: the workspace (room state, databases) and the
transport (calibrate/net) joined in one Qt event loop, without a screen."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


class RoomRefused(Exception):
    """One line for stderr, exit 2."""


def _lesson(ws: Any, pack_id: str, lesson_id: str) -> tuple[Any, Any]:
    result = ws.lessons.load()
    pack = next((p for p in result.packs if p.id == pack_id), None)
    if pack is None:
        raise RoomRefused(f"no valid pack {pack_id!r} in {', '.join(map(str, ws.lessons_dirs))}")
    lesson = next((item for item in pack.lessons if item.id == lesson_id), None)
    if lesson is None:
        raise RoomRefused(f"pack {pack_id!r} has no lesson {lesson_id!r} that can be taken")
    if not lesson.case_ids:
        raise RoomRefused(f"lesson {lesson_id!r} has no cases")
    return pack, lesson


def _room_pack(pack: Any, lesson: Any, folder: Path) -> tuple[Any, Path]:
    """The lesson's room pack in the room's folder, and the offer that announces it."""
    from calibrate.core.live.messages import PackOffer
    from calibrate.core.live.room_pack import write_room_pack
    from calibrate.core.sharing.errors import PackRefused

    try:
        written = write_room_pack(pack, lesson, folder / "room-pack.calpack")
    except (PackRefused, OSError) as error:
        raise RoomRefused(f"cannot make the room pack: {error}") from None
    offer = PackOffer(
        pack_id=pack.id,
        pack_hash=pack.content_hash,
        size=written.size,
        sha256=written.sha256,
        case_hashes=dict(written.manifest.case_hashes or {}),
    )
    return offer, written.path


def host_room(args: argparse.Namespace, announce: Callable[[str], None]) -> int:
    from calibrate.core.live.join_code import JoinCode
    from calibrate.core.live.room import Timing
    from calibrate.net.host import RoomServer
    from calibrate.net.loop import EventLoop, advertised_address
    from calibrate.net.tls import load_or_make, room_folder
    from calibrate.workspace import Workspace
    from calibrate.workspace.rooms import RoomError

    try:
        ipaddress.ip_address(args.bind)
    except ValueError:
        raise RoomRefused(f"--bind {args.bind!r} is not an IPv4 or IPv6 address") from None
    if not args.lessons.is_dir():
        raise RoomRefused(f"{args.lessons}: no such lessons folder")
    loop = EventLoop()
    ws = Workspace.open(args.db, [args.lessons])
    try:
        pack, lesson = _lesson(ws, args.pack, args.lesson)
        try:
            hosted = ws.rooms.open(pack, lesson, args.bind)
        except RoomError as error:
            raise RoomRefused(str(error)) from None
        folder = room_folder(args.db, hosted.id)
        credentials = load_or_make(folder, advertised_address(hosted.bind))
        offer, pack_file = _room_pack(pack, lesson, folder)
        server = RoomServer(credentials, loop.owner)
        wanted = hosted.port if hosted.resumed else args.port
        port = server.listen(hosted.bind, wanted)
        if not port:
            raise RoomRefused(
                f"cannot listen on {hosted.bind} port {wanted}: {server.error_string()}"
            )
        ws.rooms.bound(hosted, port)
        timing = Timing(args.answer_time, args.reveal_time, args.auto_advance)
        room = ws.rooms.host(
            hosted, pack, lesson, credentials.secret, timing, args.expect, offer=offer
        )
        code = JoinCode(
            advertised_address(hosted.bind), port, credentials.secret, credentials.fingerprint
        )
        announce(code.encode())
        server.ended.connect(lambda: loop.quit(0))
        server.run(room, pack_file)
        status = loop.run()
        server.close()
        loop.close()
        return status
    finally:
        ws.close()


def run_bots(args: argparse.Namespace) -> int:
    from calibrate.core.live.join_code import JoinCodeError, decode_join_code
    from calibrate.net.bots import Bot
    from calibrate.net.loop import EventLoop

    try:
        code = decode_join_code(args.code)
    except JoinCodeError as error:
        raise RoomRefused(f"bad join code: {error}") from None
    if args.count < 1:
        raise RoomRefused("--count must be at least 1")
    for folder in (args.db_dir, args.dump):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    loop = EventLoop()
    failures: list[str] = []
    finished: set[int] = set()
    with _bot_resources(args) as open_for, tempfile.TemporaryDirectory() as spare:

        def folders_for(number: int) -> tuple[Path, Path | None]:
            """Where bot NNN unpacks a room pack, and keeps the .calpack it received."""
            base = Path(args.db_dir) if args.db_dir is not None else Path(spare)
            files = args.dump / f"bot-{number:03d}-files" if args.dump is not None else None
            return base / f"bot-{number:03d}-cache", files

        bots = []
        for number in range(1, args.count + 1):
            dump, participant = open_for(number)
            bot = Bot(
                code, number, args.seed, args.answer_delay, dump, participant, loop.owner,
                pack_folders=folders_for(number),
            )  # fmt: skip
            bot.finished.connect(
                lambda n: finished.add(n) or (len(finished) == args.count and loop.quit(0))
            )
            bot.gave_up.connect(lambda n, why: failures.append(why) or loop.quit(2))
            bots.append(bot)
        for bot in bots:
            bot.start()
        status = loop.run()
        for bot in bots:
            bot.stop()
        loop.close()
    if failures:
        raise RoomRefused(failures[0])
    return status


@contextlib.contextmanager
def _bot_resources(args: argparse.Namespace) -> Iterator[Callable[[int], tuple[Any, Any]]]:
    """Per bot: its dump file and its database's participation (each closed at the end)."""
    from calibrate.net.bots import bot_profile, dump_path

    files: list[Any] = []
    workspaces: list[Any] = []

    def open_for(number: int) -> tuple[Any, Any]:
        dump = participant = None
        if args.dump is not None:
            dump = dump_path(args.dump, number).open("a", encoding="utf-8")
            files.append(dump)
        if args.db_dir is not None:
            from calibrate.workspace import Workspace

            ws = Workspace.open(Path(args.db_dir) / f"bot-{number:03d}.sqlite3", [])
            workspaces.append(ws)
            participant = ws.rooms.participation(bot_profile(args.seed, number))
        return dump, participant

    try:
        yield open_for
    finally:
        for file in files:
            file.close()
        for ws in workspaces:
            ws.close()
