"""`calibrate room host ...` and `calibrate room bots CODE ...`: live rooms without a screen.

`host` prints the join code as its first stdout line and runs one pack's lesson as a room
until its end (exit 0); `bots` joins N simulated moderators to a room (exit 0 when the
lesson ends). Either exits 2 with one line when it refuses (DESIGN.md, docs/live-protocol.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from calibrate.commands import CommandParser, whole_number


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `room` subcommand and its `host` and `bots` commands."""
    parser = subparsers.add_parser(
        "room",
        help="host a live room, or join simulated moderators to one",
        description="Live rooms without a screen (docs/live-protocol.md).",
    )
    commands = parser.add_subparsers(dest="room_command", metavar="host|bots", required=True)
    host = commands.add_parser(
        "host",
        help="run one pack's lesson as a live room",
        description="Print the join code (first stdout line) and run the room to its end, "
        "one line per event on stderr. Run again with the same --db to resume an unfinished "
        "room with the same code, or with --new-room to start over with a new code.",
    )
    host.add_argument("--db", type=Path, required=True, metavar="PATH", help="the host's database")
    host.add_argument(
        "--lessons", type=Path, required=True, metavar="DIR", help="the lessons folder"
    )
    host.add_argument("--pack", required=True, metavar="ID", help="the pack's id")
    host.add_argument("--lesson", required=True, metavar="ID", help="the lesson's id")
    host.add_argument("--bind", metavar="ADDR", help="default 127.0.0.1 (a resumed room: its own)")
    host.add_argument("--port", type=_port, default=0, metavar="N", help="0 (default): any free")
    host.add_argument(
        "--expect",
        type=whole_number,
        default=0,
        metavar="N",
        help="open the first step once N participants are connected (default: at once)",
    )
    host.add_argument(
        "--new-room",
        action="store_true",
        help="end the lesson's unfinished room (its answers kept) and start a new one, with a "
        "new join code, instead of resuming it",
    )
    _seconds(host, "--answer-time", 60.0, "a case's answers stay open at most S seconds")
    _seconds(host, "--reveal-time", 5.0, "a reveal shows for S seconds")
    _seconds(host, "--auto-advance", 3.0, "a guidance slide shows for S seconds")
    host.set_defaults(run=_run_host)
    bots = commands.add_parser(
        "bots",
        help="join N simulated moderators to a room",
        description="Join N simulated moderators that answer each case with seeded choices.",
    )
    bots.add_argument("code", metavar="CODE", help="the room's join code")
    bots.add_argument("--count", type=whole_number, required=True, metavar="N")
    bots.add_argument("--seed", type=whole_number, default=1, metavar="S")
    _seconds(bots, "--answer-delay", 0.0, "answer S seconds after a case opens")
    bots.add_argument("--db-dir", type=Path, metavar="DIR", help="keep each bot's database here")
    bots.add_argument("--dump", type=Path, metavar="DIR", help="write every frame received here")
    bots.set_defaults(run=_run_bots)


def _seconds(parser: CommandParser, flag: str, default: float, text: str) -> None:
    parser.add_argument(
        flag, type=_duration, default=default, metavar="S", help=f"{text} (default {default:g})"
    )


def _duration(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 86400, got {text!r}")
    return value


def _port(text: str) -> int:
    value = whole_number(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port 0-65535, got {text!r}")
    return value


def _tell(line: str) -> None:
    """An event line on stderr; a closed or broken stderr must not stop the room."""
    try:
        print(line, flush=True, file=sys.stderr)
    except (OSError, ValueError):  # ValueError: stderr was closed
        pass


def _run_host(args: argparse.Namespace) -> int:
    from calibrate.commands.room_run import RoomRefused, host_room
    from calibrate.core.errors import CalibrateError

    try:
        return host_room(
            args,
            announce=lambda code: print(code, flush=True),
            tell=_tell,
        )
    except (RoomRefused, CalibrateError) as error:  # CalibrateError: a database refused
        print(f"calibrate room host: {error}", flush=True, file=sys.stderr)
        return 2


def _run_bots(args: argparse.Namespace) -> int:
    from calibrate.commands.room_run import RoomRefused, run_bots
    from calibrate.core.errors import CalibrateError

    try:
        return run_bots(args, tell=_tell)
    except (RoomRefused, CalibrateError) as error:  # CalibrateError: a database refused
        print(f"calibrate room bots: {error}", flush=True, file=sys.stderr)
        return 2
