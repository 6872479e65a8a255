"""`calibrate pack new|export|import`: start a pack, share it as a `.calpack`, take one in.

argparse and printing only; the work is ws.packs (calibrate/workspace/packs.py), which the
app's trainer area uses too. Exit 0 on success, 2 when refused (nothing written): the first
stderr line says why, and an invalid pack's problems follow, up to 20 (docs/sharing.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from calibrate.commands import CommandParser, whole_number
from calibrate.commands.problems import print_problems


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pack",
        help="start a lesson pack, export it as a .calpack, or import one",
        description="Share lesson packs as .calpack files (docs/sharing.md).",
    )
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=CommandParser
    )
    new = actions.add_parser("new", help="write a minimal valid pack at LESSONS_DIR/ID")
    new.add_argument("folder", type=Path, metavar="LESSONS_DIR/ID")
    new.add_argument("--title", required=True, help="the pack's title")
    new.add_argument("--policy", help="the policy area (default: the title)")
    new.add_argument(
        "--ladder",
        type=lambda text: [part.strip() for part in text.split(",")],
        metavar="a,b,c",
        help="decision ids, least to most restrictive (default: allow,not_recommended,"
        "age_restricted,warning_screen,remove); escalate is added off the ladder",
    )
    new.set_defaults(run=run_new)
    export = actions.add_parser("export", help="write a pack and its clips to one .calpack")
    export.add_argument("pack_folder", type=Path, metavar="PACK_DIR")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.calpack")
    export.set_defaults(run=run_export)
    take = actions.add_parser(
        "import", help="take a .calpack into LESSONS_DIR (its clips into ../assets)"
    )
    take.add_argument("archive", type=Path, metavar="FILE.calpack")
    take.add_argument("--into", type=Path, required=True, metavar="LESSONS_DIR")
    take.add_argument(
        "--replace", action="store_true", help="replace a different pack of the same id"
    )
    take.add_argument(
        "--max-size",
        type=whole_number,
        metavar="BYTES",
        help="refuse a pack unpacking to more than BYTES (default 2 GiB)",
    )
    take.set_defaults(run=run_import)


def _packs():  # type: ignore[no-untyped-def]
    from calibrate.workspace import Workspace

    return Workspace.without_database([]).packs


def _refused(command: str, error: BaseException) -> int:
    """One line saying why (plus an invalid pack's problems); a hint where the command line
    can change the outcome."""
    from calibrate.core.errors import CalibrateError
    from calibrate.core.sharing.errors import ArchiveTooLarge, InvalidPack, PackIdClash

    if not isinstance(error, CalibrateError):
        import logging

        logging.getLogger("calibrate").debug("unexpected error", exc_info=True)  # as cli.main
        if isinstance(error, OSError):
            message = f"{error.filename or ''}: {error.strerror or error}; nothing written"
        else:
            message = f"unexpected error: {type(error).__name__}: {' '.join(str(error).split())}"
        print(f"calibrate pack {command}: {message}", file=sys.stderr)
        return 2
    hint = ""
    if isinstance(error, PackIdClash):
        hint = " (--replace replaces it, pack and clips)"
    elif isinstance(error, ArchiveTooLarge) and error.total_limit:
        hint = " (--max-size raises the limit)"
    problems = error.problems if isinstance(error, InvalidPack) else []
    print_problems(f"calibrate pack {command}", problems, "", why=f"{error}{hint}")
    return 2


def run_new(args: argparse.Namespace) -> int:
    try:
        folder = _packs().new_pack(args.folder, args.title, args.policy, args.ladder)
    except Exception as error:
        return _refused("new", error)
    print(f"New pack {folder.name!r} at {folder}: add cases in {folder / 'cases'}.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        done = _packs().export_pack(args.pack_folder, args.out, problems_relative_to=Path.cwd())
    except Exception as error:
        return _refused("export", error)
    print(
        f"Exported pack {done.pack_id!r} ({done.files} files, {done.bytes:,} bytes) "
        f"to {done.archive}."
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from calibrate.core.sharing.manifest import MAX_TOTAL_BYTES

    limit = MAX_TOTAL_BYTES if args.max_size is None else args.max_size
    try:
        done = _packs().import_pack(args.archive, args.into, replace=args.replace, max_size=limit)
    except Exception as error:
        return _refused("import", error)
    if done.outcome == "unchanged":
        print(f"Pack {done.pack_id!r} is already at {done.pack_folder}, identical; nothing to do.")
    else:
        folders = f"{done.pack_folder} and {done.assets_folder}" if done.clips else done.pack_folder
        print(
            f"{'Replaced' if done.outcome == 'replaced' else 'Imported'} pack "
            f"{done.pack_id!r}: {folders} ({done.files} files, {done.bytes:,} bytes)."
        )
    return 0
