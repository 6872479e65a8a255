"""`calibrate validate PATH...`: check lesson folders, pack folders or case files."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from calibrate.core.wording import counted


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check lesson packs; one line per problem, exit 1 if any",
        description="Check a lessons folder, one pack folder or one case file. Prints "
        "FILE:LINE: KEY.PATH: message per problem; exit 0 when all is valid.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from calibrate.core.lessons import validate_path

    problems = []
    for path in args.paths:
        problems += validate_path(path)
    cwd = os.getcwd()
    for problem in problems:
        print(problem.format(relative_to=cwd))
    if problems:
        print(f"{counted(len(problems), 'problem')} found.", file=sys.stderr)
        return 1
    print(f"All valid: {', '.join(str(p) for p in args.paths)}", file=sys.stderr)
    return 0
