"""`calibrate agreement RATINGS.csv`: agreement and accuracy metrics, as JSON or a table.

The contract (keys, conventions, exit codes) is DESIGN.md's "Headless contracts". Reading is
streamed (`calibrate/tabular/`): only the tally (one label per case × rater, and the tables
built from it) stays in memory, never the rows. The JSON object is core's
(`core/metrics/agreement_result.py`); this face parses the arguments and prints. A refusal is
one stderr line and, with `--json`, an `error` object on stdout; warnings are stderr lines
and the JSON's `warnings` list.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from calibrate.commands import CommandParser, resample_count
from calibrate.tabular.limits import InputError, one_line


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `agreement` subcommand."""
    parser = subparsers.add_parser(
        "agreement",
        help="agreement and accuracy metrics from a ratings CSV",
        description="Agreement between raters (percent agreement, Cohen/Fleiss kappa, "
        "Krippendorff's alpha, Gwet's AC1, Brennan-Prediger, and Gwet's AC2 on numeric or "
        "--order ranked labels) with 95 % intervals, and accuracy against golden answers.",
    )
    parser.add_argument(
        "ratings", metavar="RATINGS.csv", help="CSV with a header holding case_id,rater_id,label"
    )
    parser.add_argument("--gold", metavar="GOLD.csv", help="golden answers: case_id,gold")
    parser.add_argument(
        "--order", metavar="a,b,c", help="the categories, least to most restrictive (ranks them)"
    )
    parser.add_argument(
        "--keep",
        choices=("first", "last"),
        help="which rating counts when a rater rated a case twice",
    )
    parser.add_argument(
        "--bootstrap",
        metavar="N",
        type=resample_count,
        default=0,
        help="resamples for a bootstrap interval of Krippendorff's alpha (instead of the "
        "analytic one; ordinal alpha has only this)",
    )
    parser.add_argument(
        "--ignore-case",
        action="store_true",
        help="labels that differ only in case are one category (spelled as first met)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)
    parser.__class__ = _Parser  # its own refusals answer --json too


class _Parser(CommandParser):
    """argparse's refusals (a bad option or value), with --json also as the `error` object."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        given = list(sys.argv[1:] if args is None else args)
        self._json = any(len(a) > 2 and "--json".startswith(a) for a in given)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> Any:
        if getattr(self, "_json", False):
            import json

            _print(
                json.dumps(
                    {"error": {"message": message, "file": None, "row": None}}, ensure_ascii=False
                )
            )
        super().error(message)


def run(args: argparse.Namespace) -> int:
    """Compute and print the metrics; 0 on success, 2 on bad input (one line on stderr, and
    with --json an `error` object on stdout)."""
    import warnings

    try:
        # A library's warning (numpy's overflow, pandas' parser notes) is never the user's
        # message: what matters is said in a note or a warning of ours.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = _compute(args)
    except InputError as error:
        return _refuse(args, error)
    except MemoryError:
        return _refuse(args, InputError("out of memory", args.ratings))
    except Exception as error:  # the contract: never a traceback
        return _refuse(
            args,
            InputError(
                f"unexpected error: {type(error).__name__}: {one_line(str(error))}", args.ratings
            ),
        )
    for warning in result["warnings"]:
        print(f"calibrate agreement: warning: {warning}", file=sys.stderr)
    if args.json:
        import json

        text = json.dumps(result, ensure_ascii=False, allow_nan=False)
    else:
        from calibrate.commands.agreement_table import render

        text = render(args.ratings, result)
    _print(text)
    return 0


def _refuse(args: argparse.Namespace, error: InputError) -> int:
    print(f"calibrate agreement: {error}", file=sys.stderr)
    if args.json:
        import json

        _print(
            json.dumps(
                {"error": {"message": error.message, "file": error.file, "row": error.row}},
                ensure_ascii=False,
            )
        )
    return 2


def _print(text: str) -> None:
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# -- the computation -------------------------------------------------------------------


def _compute(args: argparse.Namespace) -> dict[str, Any]:
    """Read the files and compute the contract's object; bad input raises InputError."""
    from calibrate.core.metrics.agreement_result import agreement_result
    from calibrate.tabular.gold_csv import read_gold

    order = _order(args.order)
    gold_rows = read_gold(Path(args.gold)) if args.gold else None  # its errors come first
    table = _read_ratings(args, order, gold_rows.first_rows() if gold_rows is not None else [])
    if table.n_ratings == 0:
        raise InputError("no ratings: the file has a header but no rated rows", Path(args.ratings))
    gold = gold_rows.against(table, args.gold) if gold_rows is not None else None
    del gold_rows  # the golden ids (~130 MB for a million cases) go before the metrics run
    return agreement_result(
        table,
        gold=gold,
        ordered_by_user=order is not None,
        ignore_case=args.ignore_case,
        bootstrap=args.bootstrap,
    )


def _order(text: str | None) -> list[str] | None:
    """--order's categories, least to most restrictive."""
    if text is None:
        return None
    order = [item.strip() for item in text.split(",")]
    if not all(order):
        raise InputError(f"--order {text!r}: an empty category name")
    return order


def _read_ratings(
    args: argparse.Namespace, order: list[str] | None, reference: list[tuple[str, int]]
) -> Any:
    """The ratings tally; core's refusals (a label off --order, a rating given twice) become
    InputErrors naming the ratings file unless they name another."""
    from calibrate.core.metrics.ratings import DuplicateRatingError, RatingsInputError
    from calibrate.tabular.ratings_csv import read_tally

    path = Path(args.ratings)
    try:
        return read_tally(
            path,
            order=order,
            keep=args.keep or "error",
            fold=args.ignore_case,
            reference=reference,
            reference_file=args.gold,
        )
    except RatingsInputError as error:
        hint = (
            " (pass --keep first or --keep last to choose one)"
            if isinstance(error, DuplicateRatingError)
            else ""
        )
        raise InputError(error.message + hint, error.file or path, error.row) from None
