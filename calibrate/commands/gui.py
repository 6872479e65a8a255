"""`calibrate [gui]`: open the desktop app (the default when no command is given)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gui", help="open the app (default)", description="Open the Calibrate desktop app."
    )
    parser.add_argument("--db", type=Path, help="database file (default: in the user data dir)")
    parser.add_argument(
        "--lessons",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also read lesson packs from DIR, this run only (repeatable; to keep a folder, "
        "add it in Trainer area → Lesson folders…)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the separate demo database, with a seeded six-week history "
        "(created if needed), under a 'Demo data' banner",
    )
    parser.add_argument(
        "--no-bundled", action="store_true", help="do not load the bundled demo packs"
    )
    parser.add_argument("--verbose", action="store_true", help="log to the console too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from calibrate.app import run_app

    return run_app(args)
