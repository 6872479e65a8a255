"""The wiring behind `calibrate room host|bots`: the workspace (room state, databases) and the
transport (calibrate/net) joined in one Qt event loop, without a screen."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calibrate.core.live.join_code import JoinCode

DEFAULT_BIND = "127.0.0.1"
NEW_ROOM_WAY_OUT = "--new-room to end it and start a new room with a new join code"


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


def host_room(
    args: argparse.Namespace, announce: Callable[[str], None], tell: Callable[[str], None]
) -> int:
    """Run the room: `announce` gets the join code, `tell` one line per event (no secret,
    no golden answer, no split: core/live/narration.py)."""
    from calibrate.core.live.join_code import JoinCode
    from calibrate.core.live.room import Timing
    from calibrate.net.loop import EventLoop, advertised_address
    from calibrate.workspace import Workspace

    if args.bind is not None and _address(args.bind) is None:
        raise RoomRefused(f"--bind {args.bind!r} is not an IPv4 or IPv6 address")
    if not args.lessons.is_dir():
        raise RoomRefused(f"{args.lessons}: no such lessons folder")
    loop = EventLoop()
    ws = Workspace.open(args.db, [args.lessons])
    try:
        pack, lesson = _lesson(ws, args.pack, args.lesson)
        hosted = _hosted(ws, pack, lesson, args)
        server, secret, fingerprint, offer, pack_file = _listen(
            ws, args, hosted, pack, lesson, loop
        )
        timing = Timing(args.answer_time, args.reveal_time, args.auto_advance)
        room = ws.rooms.host(hosted, pack, lesson, secret, timing, args.expect, offer=offer)
        room.tell = tell
        address = advertised_address(hosted.bind)
        announce(JoinCode(address, hosted.port, secret, fingerprint).encode())
        _tell_start(tell, hosted, room.steps, args.expect)
        server.ended.connect(lambda: loop.quit(0))
        server.run(room, pack_file)
        status = loop.run()
        server.close()
        loop.close()
        return status
    finally:
        ws.close()


def _tell_start(
    tell: Callable[[str], None], hosted: Any, steps: list[tuple[str, str]], expect: int
) -> None:
    from calibrate.core.live import narration

    if hosted.replaces is not None:
        kept = narration.count(hosted.replaced_answers, "answer")
        tell(f"ended the unfinished room ({kept} kept): a new room, a new join code")
    where = f"on {hosted.bind} port {hosted.port}"
    if hosted.resumed:
        tell(f"{narration.resumed(steps, hosted.position.step)} ({where})")
    else:
        tell(f"room open {where}")
    if expect:
        tell(f"waiting for {expect} participants")


def _hosted(ws: Any, pack: Any, lesson: Any, args: argparse.Namespace) -> Any:
    """The room to host: the lesson's unfinished one (refused when --bind or --port name
    another address than its join code's), or a new one (--new-room: even so)."""
    from calibrate.workspace.rooms import RoomError

    try:
        hosted = ws.rooms.open(pack, lesson, args.bind or DEFAULT_BIND, new_room=args.new_room)
    except RoomError as error:
        raise RoomRefused(f"{error}, or add {NEW_ROOM_WAY_OUT}") from None
    if not hosted.resumed:
        return hosted
    asked = []
    if args.bind is not None and _address(args.bind) != _address(hosted.bind):
        asked.append(f"--bind {args.bind}")
    if args.port and args.port != hosted.port:
        asked.append(f"--port {args.port}")
    if asked:
        raise RoomRefused(
            f"the unfinished room of {pack.id}/{lesson.id} is on {hosted.bind} port "
            f"{hosted.port} (its join code names them), not {' '.join(asked)}: run without "
            f"them to resume it, or add {NEW_ROOM_WAY_OUT}"
        )
    return hosted


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _listen(
    ws: Any, args: argparse.Namespace, hosted: Any, pack: Any, lesson: Any, loop: Any
) -> tuple[Any, bytes, bytes, Any, Path]:
    """The room's server listening, its credentials and room pack made (net/hosting.py)."""
    from calibrate.net import hosting
    from calibrate.net.loop import advertised_address

    try:
        prepared = hosting.prepare(args.db, hosted, advertised_address(hosted.bind), pack, lesson)
        listening = hosting.listen(ws.rooms, hosted, prepared, args.port, loop.owner)
    except hosting.HostingRefused as error:
        way_out = f"; free that port, or add {NEW_ROOM_WAY_OUT}" if error.port_taken else ""
        raise RoomRefused(f"{error}{way_out}") from None
    return (
        listening.server, listening.secret, listening.fingerprint, listening.offer,
        listening.pack_file,
    )  # fmt: skip


def run_bots(args: argparse.Namespace, tell: Callable[[str], None]) -> int:
    """Run the swarm to the lesson's end; `tell` gets one summary line then."""
    from calibrate.core.live.join_code import JoinCodeError, decode_join_code
    from calibrate.net.bots import Bot, summary
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
    with _bot_resources(args, code) as open_for, tempfile.TemporaryDirectory() as spare:

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
    if status == 0:
        tell(summary(bots))
    return status


@contextlib.contextmanager
def _bot_resources(
    args: argparse.Namespace, code: JoinCode
) -> Iterator[Callable[[int], tuple[Any, Any]]]:
    """Per bot: its dump file and its database's participation (each closed at the end)."""
    from calibrate.net.bots import bot_profile, dump_path

    files: list[Any] = []
    workspaces: list[Any] = []

    def open_for(number: int) -> tuple[Any, Any]:
        dump = participant = None
        if args.dump is not None:
            dump = dump_path(args.dump, number).open("w", encoding="utf-8")  # one run, one file
            files.append(dump)
        if args.db_dir is not None:
            from calibrate.workspace import Workspace

            ws = Workspace.open(Path(args.db_dir) / f"bot-{number:03d}.sqlite3", [])
            workspaces.append(ws)
            participant = ws.rooms.participation(bot_profile(args.seed, number), code)
        return dump, participant

    try:
        yield open_for
    finally:
        for file in files:
            file.close()
        for ws in workspaces:
            ws.close()
