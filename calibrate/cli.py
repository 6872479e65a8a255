"""The `calibrate` command: the GUI by default, and the headless commands of DESIGN.md."""

from __future__ import annotations

import argparse
import importlib
import sys

from calibrate import __version__
from calibrate.commands import CommandParser

# Subcommand modules in calibrate/commands/, in the order `--help` lists them.
COMMAND_MODULES = (
    "gui",
    "validate",
    "agreement",
    "demo",
    "report",
    "exchange",
    "pack",
    "room",
    "machine",
    "signals",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser, or only the one named (the app's start-up skips importing
    the others: ~15 ms)."""
    parser = CommandParser(
        prog="calibrate",
        description="Calibration lessons, reveals and agreement metrics for T&S teams.",
    )
    parser.add_argument("--version", action="version", version=f"calibrate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (only,):
        try:
            module = importlib.import_module(f"calibrate.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"calibrate.commands.{name}":
                continue  # a command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # No subcommand (or only GUI options) opens the app, as a desktop user expects.
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        misplaced = _command_after_options(argv)
        if misplaced:
            import shlex

            rest = list(argv)
            rest.remove(misplaced)
            print(
                f"calibrate: options go after the command, e.g. "
                f"`{shlex.join(['calibrate', misplaced, *rest])}`",
                file=sys.stderr,
            )
            return 2
        argv = ["gui", *argv]
    # A command named by its module builds only its own parser: `calibrate agreement` then
    # skips importing the workspace the other commands need (~30 ms of a ~0.4 s run).
    only = argv[0] if argv[0] in COMMAND_MODULES else None
    args = build_parser(only=only).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the contract: a one-line error, never a traceback
        import logging

        logging.getLogger("calibrate").debug("unexpected error", exc_info=True)
        detail = " ".join(str(error).split())
        print(
            f"calibrate {args.command or 'gui'}: unexpected error: {type(error).__name__}: "
            f"{detail}",
            file=sys.stderr,
        )
        return 2


def _command_after_options(argv: list[str]) -> str | None:
    """`calibrate --db X demo`: the name of a command written after options (which would
    otherwise be read as the app's options and refused as an unknown argument)."""
    takes_value = {"--db", "--lessons"}
    for before, token in zip(["", *argv], argv, strict=False):
        if token in COMMAND_MODULES and before not in takes_value:
            return token
    return None
