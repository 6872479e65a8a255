"""`calibrate export` and `calibrate import`: move answers between databases; import history.

Exports and imports are described in docs/exchange.md. A historic results spreadsheet
(`import --csv`) is read and checked whole before the database is opened; both imports are
the workspace's one import (calibrate/workspace/exchange.py), as the dashboard's is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from calibrate.commands import make_parent_folder
from calibrate.core.errors import CalibrateError, counted
from calibrate.workspace.exchange import OPTIONAL, REQUIRED

MAX_PROBLEMS_SHOWN = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `export` and `import` subcommands."""
    export = subparsers.add_parser(
        "export",
        help="write a database's answers to an export file",
        description="Write answers with their profiles, sessions, pack/case versions and "
        "disputes to one file another Calibrate can import (docs/exchange.md).",
    )
    export.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database to export (default: the one in the user data dir)",
    )
    export.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the export file to write"
    )
    export.set_defaults(run=run_export)
    imp = subparsers.add_parser(
        "import",
        help="merge an export file, or a history CSV, into a database",
        description="Merge an export file into a database by UUID (importing twice adds "
        "nothing), or import historic results from a CSV with columns "
        f"{','.join(REQUIRED)} (optional {','.join(OPTIONAL)}).",
    )
    imp.add_argument("file", nargs="?", type=Path, metavar="FILE", help="an export file")
    imp.add_argument("--csv", type=Path, metavar="HISTORY.csv", help="historic results to import")
    imp.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database to import into (default: the one in the user data dir)",
    )
    imp.add_argument(
        "--lessons",
        "--pack-dir",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also look cases up in the pack(s) at DIR, a lessons "
        "folder or one pack folder; these win over bundled packs (repeatable)",
    )
    imp.set_defaults(run=run_import)


def _fail(command: str, error: BaseException, database: Path | None = None) -> int:
    """One line for a refused file; bad rows as `FILE: row N` lines + a count."""
    from calibrate.workspace import damage_message
    from calibrate.workspace.exchange import bad_rows

    problems = bad_rows(error)
    if problems is not None:
        # DESIGN.md: the first line says why, up to 20 lines follow, one per problem.
        more = len(problems) - MAX_PROBLEMS_SHOWN
        print(
            f"calibrate {command}: {counted(len(problems), 'bad row')}"
            + (f" ({more} more not shown)" if more > 0 else "")
            + "; nothing was imported",
            file=sys.stderr,
        )
        for line in problems[:MAX_PROBLEMS_SHOWN]:
            print(line, file=sys.stderr)
    elif isinstance(error, CalibrateError):
        print(f"calibrate {command}: {error}", file=sys.stderr)
    elif (damage := damage_message(error, database)) is not None:  # SQLite saw damage
        print(f"calibrate {command}: {damage}", file=sys.stderr)
    else:  # the contract: never a traceback
        print(
            f"calibrate {command}: unexpected error: {type(error).__name__}: "
            f"{' '.join(str(error).split())}",
            file=sys.stderr,
        )
    return 2


def _database(path: Path | None) -> Path:
    from calibrate import paths

    return Path(path) if path is not None else paths.default_database()


def run_export(args: argparse.Namespace) -> int:
    """Export every exchangeable row; 0 on success, 2 with one line on stderr when refused."""
    from calibrate.workspace.exchange import ExchangeError, export_answers

    try:
        db_path = _database(args.db)
        if not db_path.is_file():
            raise ExchangeError(f"{db_path}: no such database")
        if args.out.resolve() == db_path.resolve():
            raise ExchangeError(f"--out {args.out} is the database itself; choose another name")
        make_parent_folder(args.out)
        counts = export_answers(db_path, args.out)
    except Exception as error:
        return _fail("export", error, _database(args.db))
    print(
        f"Exported {counted(counts['answers'], 'answer')} "
        f"({counted(counts['profiles'], 'profile')}, {counted(counts['sessions'], 'session')}, "
        f"{counted(counts['disputes'], 'dispute')}) to {args.out}."
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Merge a file into the database in one transaction; 2 and nothing written if refused."""
    from calibrate.workspace.exchange import ExchangeError, import_answers

    cache_failures: list[BaseException] = []
    try:
        if (args.file is None) == (args.csv is None):
            raise ExchangeError("give either an export FILE or --csv HISTORY.csv (one of them)")
        source = args.csv if args.csv is not None else args.file
        packs = _packs(args.lessons)  # which clauses each pack version has
        result = import_answers(
            _database(args.db),
            source,
            packs,
            history_csv=args.csv is not None,
            on_cache_failure=cache_failures.append,
        )
    except Exception as error:
        return _fail("import", error, _database(args.db))
    print(f"{source}: {result.summary()}.", flush=True)
    for error in cache_failures:  # the import is committed: a note, not a failure
        print(
            f"note: the dashboard's answer cache was not updated ({error}); the dashboard "
            "will read the answers when it next opens.",
            file=sys.stderr,
        )
    return 0


def _packs(lessons: Sequence[Path]) -> list:
    """The bundled packs and those in --lessons folders (a trainer's checkout wins)."""
    from calibrate import paths
    from calibrate.core.lessons.loader import load_library
    from calibrate.workspace.exchange import ExchangeError

    bundled = paths.bundled_lessons_dir()
    folders = [d for d in [bundled] if d is not None] + list(lessons)
    for folder in lessons:
        if not folder.is_dir():
            raise ExchangeError(f"--lessons {folder}: no such folder")
    return load_library(folders, bundled=bundled).packs
