"""`calibrate machine import|score`: model runs scored on the golden set beside the room.

Contracts in docs/machine-raters.md (and ../shared/DESIGN.md): a refused file exits 2 with
nothing written and up to 20 `FILE: row N: message` lines; the same run with the same rows
is a no-op; `score --json` prints one object. Nothing here calls a model service.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.commands.problems import MAX_PROBLEMS_SHOWN

if TYPE_CHECKING:
    from calibrate.core.machines.rows import RunRefused


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `machine` subcommand and its `import` and `score`."""
    from calibrate.commands import CommandParser

    machine = subparsers.add_parser(
        "machine",
        help="import a model's decisions on the golden cases and score them",
        description="Score an enforcement model on the same golden cases and against the "
        "same room as the moderators (docs/machine-raters.md). Runs come as CSV files.",
    )
    actions = machine.add_subparsers(dest="action", metavar="ACTION", parser_class=CommandParser)
    machine.set_defaults(run=lambda args: _usage(machine))
    imp = actions.add_parser(
        "import",
        help="import a run: a CSV of case_id,decision (optional pack_id, clause, score, "
        "model_version)",
    )
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--db", type=Path, metavar="PATH", help="the database (default: the user's)")
    imp.add_argument("--name", required=True, metavar="NAME", help="the run's name")
    imp.add_argument(
        "--lessons",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also look cases up in the packs at DIR (repeatable; these win over bundled packs)",
    )
    imp.add_argument(
        "--replace", action="store_true", help="replace a stored run with other decisions"
    )
    imp.set_defaults(run=run_import)
    score = actions.add_parser("score", help="a run's figures against golden and the room")
    score.add_argument("name", metavar="NAME")
    score.add_argument("--db", type=Path, metavar="PATH", help="the database (default: the user's)")
    score.add_argument(
        "--version", metavar="V", help="the model version (default: the last import)"
    )
    score.add_argument("--pack", metavar="ID", help="score only this pack's cases")
    score.add_argument("--json", action="store_true", help="print one JSON object")
    score.set_defaults(run=run_score)


def _usage(parser: argparse.ArgumentParser) -> int:
    print("calibrate machine: say import or score", file=sys.stderr)
    print(parser.format_usage(), file=sys.stderr, end="")
    return 2


def _database(path: Path | None) -> Path:
    from calibrate import paths

    return Path(path) if path is not None else paths.default_database()


def run_import(args: argparse.Namespace) -> int:
    """Check and store a run; 0 (imported or unchanged), 2 and nothing written if refused."""
    from calibrate import paths
    from calibrate.core.machines.rows import name_problem
    from calibrate.workspace import Workspace

    db_path = _database(args.db)
    try:
        for folder in args.lessons:
            if not folder.is_dir():
                return _refused("import", f"--lessons {folder}: no such folder", args)
        folders = [d for d in [paths.bundled_lessons_dir(), *args.lessons] if d is not None]
        if (problem := name_problem(args.name)) is not None:
            return _refused("import", problem, args)
        checked = _check_file_first(args, folders)  # a refused file creates no database
        if isinstance(checked, int):
            return checked
        ws = Workspace.open(db_path, folders)
        try:
            ws.lessons.load()
            outcome = ws.machines.import_run(
                args.file, args.name, replace=args.replace, checked=checked
            )
        finally:
            ws.close()
    except Exception as error:
        return _fail("import", error, args, db_path)
    print(f"{args.file}: {outcome.summary()}.")
    return 0


def _check_file_first(args: argparse.Namespace, folders: list[Path]) -> Any:
    """The file checked against the packs before any database is opened or created: the
    checked run, or the exit code of its refusal."""
    from calibrate.core.lessons.loader import load_library
    from calibrate.workspace.machines import check_run

    bundled = folders[0] if folders else None
    try:
        return check_run(args.file, load_library(folders, bundled=bundled).packs)
    except Exception as error:
        return _fail("import", error, args, None)


def run_score(args: argparse.Namespace) -> int:
    """Print a run's figures; 2 for an unknown name, version or pack."""
    from calibrate.core.machines.score import run_json
    from calibrate.workspace import Workspace

    db_path = _database(args.db)
    try:
        if not db_path.is_file():
            return _refused("score", f"{db_path}: no such database", args)
        # Scored from the database alone (case and pack versions): no pack is loaded.
        ws = Workspace.open(db_path, [])
        try:
            result = run_json(ws.machines.score(args.name, args.version, args.pack))
        finally:
            ws.close()
    except Exception as error:
        return _fail("score", error, args, db_path)
    if args.json:
        import json

        print(json.dumps(result, ensure_ascii=False, allow_nan=False))
    else:
        from calibrate.commands.machine_text import render

        print(render(result))
    return 0


def _refused(command: str, message: str, args: argparse.Namespace) -> int:
    print(f"calibrate machine {command}: {message}", file=sys.stderr)
    _json_error(args, message, None, None)
    return 2


def _json_error(args: argparse.Namespace, message: str, file: Any, row: Any) -> None:
    if getattr(args, "json", False):
        import json

        print(json.dumps({"error": {"message": message, "file": file, "row": row}}))


def _fail(command: str, error: BaseException, args: argparse.Namespace, db: Path | None) -> int:
    """One line for a refusal; bad rows as up to 20 `FILE: row N: message` lines."""
    from calibrate.core.errors import CalibrateError
    from calibrate.core.machines.rows import EmptyRun, RunRefused
    from calibrate.tabular.limits import InputError
    from calibrate.workspace import damage_message

    prefix = f"calibrate machine {command}"
    if isinstance(error, EmptyRun):
        print(f"{prefix}: {error.problems[0]}", file=sys.stderr)
    elif isinstance(error, RunRefused):
        _bad_rows(prefix, error)
    elif isinstance(error, InputError):
        print(f"{prefix}: {error}", file=sys.stderr)
        _json_error(args, error.message, error.file, error.row)
    elif isinstance(error, CalibrateError):
        print(f"{prefix}: {' '.join(str(error).split())}", file=sys.stderr)
        _json_error(args, " ".join(str(error).split()), None, None)
    else:  # a damaged database; else the contract: never a traceback
        message = damage_message(error, db) or (
            f"unexpected error: {type(error).__name__}: {' '.join(str(error).split())}"
        )
        print(f"{prefix}: {message}", file=sys.stderr)
        _json_error(args, message, None, None)
    return 2


def _bad_rows(prefix: str, error: RunRefused) -> None:
    """The first bad row says why on the first line; up to 20 more follow, then how many
    were left out."""
    from calibrate.core.errors import counted

    listed = error.problems[1 : 1 + MAX_PROBLEMS_SHOWN]
    hidden = error.total - 1 - len(listed)
    summary = f" ({counted(error.total, 'problem')}" + (
        f"; {hidden} more not shown)" if hidden > 0 else ")"
    )
    print(
        f"{prefix}: {error.problems[0]}; nothing was imported"
        + (summary if error.total > 1 else ""),
        file=sys.stderr,
    )
    for line in listed:
        print(line, file=sys.stderr)
