"""`calibrate demo --db PATH [--seed N]`: a seeded demo history in a new or empty database.

The contract is DESIGN.md's "Headless contracts": the file must be new or empty (refused
otherwise, nothing written), sessions end today, the file is marked as demo data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from calibrate.commands import whole_number
from calibrate.core.demo_history.words import DEFAULT_SEED
from calibrate.core.errors import counted


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="write a seeded demo history into a new or empty database",
        description="Write six weeks of realistic calibration history (3 teams at 2 sites, "
        "~40 moderators) over the bundled demo packs, and a year of weekly production "
        "signals (docs/signals.md), into a new or empty database, marked as demo data.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="a new or empty database file (default: the demo database in the user data dir)",
    )
    parser.add_argument(
        "--seed",
        type=whole_number,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"random seed: the same seed gives the same history (default {DEFAULT_SEED})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the demo; 0 on success, 2 with one line on stderr when refused."""
    from calibrate.core.errors import CalibrateError
    from calibrate.workspace.demo import write_demo

    started = time.perf_counter()
    try:
        path, history = write_demo(args.db, args.seed)
    except CalibrateError as error:
        print(f"calibrate demo: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # the contract: never a traceback
        print(
            f"calibrate demo: unexpected error: {type(error).__name__}: "
            f"{' '.join(str(error).split())}",
            file=sys.stderr,
        )
        return 2
    teams = {p.profile.team for p in history.profiles}
    sites = {p.profile.site for p in history.profiles}
    print(
        f"Demo history written to {path}: {counted(len(history.profiles), 'moderator')} in "
        f"{counted(len(teams), 'team')} at {counted(len(sites), 'site')}, "
        f"{counted(len(history.sessions), 'session')}, "
        f"{counted(len(history.answers), 'answer')}, "
        f"{counted(len(history.disputes), 'dispute')} "
        f"(seed {args.seed}, {time.perf_counter() - started:.2f} s)."
    )
    return 0
