"""`calibrate validate PATH...`: check lesson folders, pack folders or case files."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from calibrate.core.errors import counted


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check lesson packs; one line per problem, exit 1 if any (2: no such PATH)",
        description="Check a lessons folder, one pack folder or one case file. Prints "
        "FILE:LINE: KEY.PATH: message per problem; exit 0 when all is valid, 1 when "
        "there are problems, 2 when a PATH does not exist.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from calibrate.core.lessons.loader import validate_path

    absent = next((path for path in args.paths if not os.path.lexists(path)), None)
    if absent is not None:  # a refused argument (exit 2), not a pack with problems (exit 1)
        shown = "".join(c if c.isprintable() else "?" for c in str(absent))
        print(f"calibrate validate: no such file or folder: {shown}", file=sys.stderr)
        return 2
    problems = []
    for path in args.paths:
        problems += validate_path(path)
    cwd = os.getcwd()
    for problem in problems:
        print(problem.format(relative_to=cwd))
    warnings = sum(1 for p in problems if p.is_warning)
    errors = len(problems) - warnings
    also = f" and {counted(warnings, 'warning')}" if warnings else ""
    if errors:  # `warning:` lines leave the exit code unchanged (DESIGN.md)
        print(f"{counted(errors, 'problem')}{also} found.", file=sys.stderr)
        return 1
    print(
        f"All valid{also.replace(' and', ', with')}: {', '.join(str(p) for p in args.paths)}",
        file=sys.stderr,
    )
    return 0
