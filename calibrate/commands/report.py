"""`calibrate report --db PATH --out report.pdf`: the lead report as a PDF, without a screen.

Reads the database (never Qt, never a display: charts are plain matplotlib Figures written
by the PDF backend). Bad input — a missing file, a file that is not a Calibrate database, a
--team, --site or --pack the database does not hold, an unwritable output — is one line on
stderr and exit 2, never a traceback, and no report is written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="write the lead report (accuracy, agreement, enforcement) as a PDF",
        description="Write the lead dashboard as a multi-page PDF: a one-page summary, every "
        "chart with its caption, and the key tables. Filters narrow the answers.",
    )
    parser.add_argument(
        "--db", type=Path, required=True, metavar="PATH", help="the Calibrate database to read"
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="report.pdf",
        help="where to write the PDF (overwritten if it exists)",
    )
    parser.add_argument(
        "--team", action="append", metavar="T", help="only this team (repeat for several)"
    )
    parser.add_argument(
        "--site", action="append", metavar="S", help="only this site (repeat for several)"
    )
    parser.add_argument(
        "--pack", action="append", metavar="P", help="only this pack id (repeat for several)"
    )
    parser.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="answers on or after this day (UTC)"
    )
    parser.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD", help="answers on or before this day (UTC)"
    )
    parser.add_argument(
        "--target",
        type=_share,
        default=0.9,
        metavar="0.9",
        help="the accuracy target, a share between 0 and 1 (default 0.9)",
    )
    parser.add_argument(
        "--score-against",
        choices=("seen", "current"),
        default="seen",
        help="score each answer against the golden it was given against (seen, the "
        "default) or against its case's current golden (current: the loaded pack's, else the "
        "newest version the database knows)",
    )
    parser.add_argument(
        "--lessons",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a lessons folder for lesson lists and golden clauses (the "
        "bundled demo packs are always read)",
    )
    parser.set_defaults(run=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day as YYYY-MM-DD, got {text!r}") from None


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}")
    return value


class ReportError(Exception):
    """A refusal already phrased as the one line the user sees."""


def run(args: argparse.Namespace) -> int:
    """Write the report; 0 on success, 2 with one line on stderr otherwise."""
    from calibrate.core.errors import CalibrateError, counted

    try:
        out, pages = write(args)
    except (ReportError, CalibrateError) as error:
        print(f"calibrate report: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except Exception as error:  # the contract: never a traceback
        from calibrate.workspace import damage_message

        # SQLite saw the damage: the same line as when a count shows it
        if (damage := damage_message(error, args.db)) is not None:
            print(f"calibrate report: {damage}", file=sys.stderr)
            return 2
        print(
            f"calibrate report: unexpected error: {type(error).__name__}: "
            f"{' '.join(str(error).split())}",
            file=sys.stderr,
        )
        return 2
    print(f"Report written to {out} ({counted(pages, 'page')}).")
    return 0


def describe_filters(args: argparse.Namespace) -> str:
    """The filters in words, as the report's first page shows them."""
    parts = [
        f"team {', '.join(args.team)}" if args.team else "all teams",
        f"site {', '.join(args.site)}" if args.site else "all sites",
        f"pack {', '.join(args.pack)}" if args.pack else "all packs",
    ]
    if args.since or args.until:
        parts.append(f"{args.since or 'start'} to {args.until or 'today'}")
    parts.append(f"target {args.target:.0%}")
    if getattr(args, "score_against", "seen") == "current":
        parts.append("scored against the current golden")
    return ", ".join(parts)


def check_filters(
    args: argparse.Namespace,
    db_path: Path,
    choices: dict[str, list],
    people: list[dict],
    pack_ids: set[str],
) -> None:
    """Refuse a --team, --site or --pack value the database does not hold (a typo or the
    wrong case would otherwise give a report of nothing). Teams and sites of profiles that
    have not answered yet count, and so do loaded packs nobody has answered yet: their
    report lists who has not calibrated."""
    held_by = {
        "teams": {p["team"] for p in people},
        "sites": {p["site"] for p in people},
        "packs": pack_ids,
    }
    unknown, known = [], []
    for flag, plural in (("team", "teams"), ("site", "sites"), ("pack", "packs")):
        held = set(choices[plural]) | held_by[plural]
        missing = [value for value in getattr(args, flag) or [] if value not in held]
        if missing:
            unknown.append(f"{flag} " + ", ".join(f'"{value}"' for value in missing))
            known.append(f"{plural}: {', '.join(sorted(held)) or 'none'}")
    if unknown:
        raise ReportError(f"no {', no '.join(unknown)} in {db_path}; {'; '.join(known)}")


def write(args: argparse.Namespace) -> tuple[Path, int]:
    """Read, compute and draw; returns the output path and its page count."""
    db_path: Path = args.db
    if not db_path.exists():
        raise ReportError(f"{db_path}: no such database file")
    if db_path.is_file() and db_path.stat().st_size == 0:
        raise ReportError(f"{db_path} is empty, not a Calibrate database")
    out: Path = args.out
    if args.since and args.until and args.since > args.until:
        raise ReportError(f"--since {args.since} is after --until {args.until}")

    from calibrate import paths
    from calibrate.commands import make_parent_folder
    from calibrate.core.metrics.answer_table import Filters
    from calibrate.workspace import Workspace

    for folder in args.lessons:
        if not folder.is_dir():
            raise ReportError(f"{folder}: no such lessons folder")
    folders = [p for p in [paths.bundled_lessons_dir(), *args.lessons] if p is not None]
    filters = Filters(
        teams=tuple(args.team) if args.team else None,
        sites=tuple(args.site) if args.site else None,
        packs=tuple(args.pack) if args.pack else None,
        since=args.since,
        until=args.until,
        score_against=getattr(args, "score_against", "seen"),
    )
    ws = Workspace.open(db_path, folders)
    try:
        packs = ws.lessons.load().packs  # --lessons win over the bundled packs
        choices, everyone = ws.dashboard.choices()
        check_filters(args, db_path, choices, everyone, {p.id for p in packs})
        # The dashboard screen's own pipeline: the same answers, roster and sections.
        dashboard = ws.dashboard.compute(filters, args.target).dashboard
        make_parent_folder(out)
        try:
            pages = ws.reports.write(dashboard, out, filters=describe_filters(args))
        except OSError as error:
            raise ReportError(f"{out}: cannot write the report ({error.strerror})") from None
    finally:
        ws.close()
    return out, pages
