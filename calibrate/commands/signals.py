"""`calibrate signals import FILE.csv --db PATH [--lessons DIR] [--replace]`: weekly
production signals per pack (docs/signals.md), the workspace's one import
(calibrate/workspace/signals.py). Exit 0 imported (or nothing to change), 2 refused: the first
stderr line says why, up to 20 lines `FILE: row N: message` follow (commands/problems.py);
nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from calibrate.commands.problems import print_problems


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `signals` command and its `import` subcommand."""
    parser = subparsers.add_parser(
        "signals",
        help="import weekly production signals (appeals, reports, surveys, QA) per pack",
        description="Production signals set beside calibration on the dashboard's Production "
        "tab (docs/signals.md).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="merge a weekly signals CSV into a database",
        description="Merge a long-format CSV (week,pack_id,metric,value, optional "
        "clause,site,team) into a database. week is the ISO date of a Monday; values are "
        "whole numbers ≥ 0. A value already stored is left alone when equal and refused "
        "when different, unless --replace.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="the signals file")
    imp.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database to import into (default: the one in the user data dir)",
    )
    imp.add_argument(
        "--lessons",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also know the packs at DIR, a lessons folder or one pack folder (repeatable)",
    )
    imp.add_argument(
        "--replace",
        action="store_true",
        help="replace stored values the file changes (each replacement is kept in the audit trail)",
    )
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import the file; 0 on success, 2 with the refusal's lines on stderr."""
    from calibrate import paths
    from calibrate.core.errors import CalibrateError
    from calibrate.core.lessons.loader import load_library
    from calibrate.workspace import damage_message
    from calibrate.workspace.signals import SignalsRefused, import_signals

    db_path = Path(args.db) if args.db is not None else paths.default_database()
    try:
        for folder in args.lessons:
            if not folder.is_dir():
                raise CalibrateError(f"--lessons {folder}: no such folder")
        bundled = paths.bundled_lessons_dir()
        folders = [d for d in [bundled] if d is not None] + list(args.lessons)
        packs = load_library(folders, bundled=bundled).packs
        result = import_signals(db_path, args.file, packs, replace=args.replace)
    except SignalsRefused as error:
        print_problems("calibrate signals import", error.problems, all_counted=error.all_counted)
        return 2
    except CalibrateError as error:
        print(f"calibrate signals import: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # the contract: never a traceback
        damage = damage_message(error, db_path)
        print(
            f"calibrate signals import: "
            f"{damage or f'unexpected error: {type(error).__name__}: {error}'}",
            file=sys.stderr,
        )
        return 2
    for line in result.warnings:
        print(line, file=sys.stderr)
    print(f"{args.file}: {result.summary()}.")
    return 0
