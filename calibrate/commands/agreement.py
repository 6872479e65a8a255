"""`calibrate agreement RATINGS.csv`: agreement and accuracy metrics, as JSON or a table.

The contract (keys, conventions, exit codes) is DESIGN.md's "Headless contracts". Reading is
streamed (`agreement_csv`): only the tally (one label per case × rater, and the tables built
from it) stays in memory, never the rows. A refusal is one stderr line and, with `--json`, an
`error` object on stdout; warnings are stderr lines and the JSON's `warnings` list.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from calibrate.commands import CommandParser, resample_count
from calibrate.commands.agreement_csv import InputError, one_line

REQUIRED = ("case_id", "rater_id", "label")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `agreement` subcommand."""
    parser = subparsers.add_parser(
        "agreement",
        help="agreement and accuracy metrics from a ratings CSV",
        description="Agreement between raters (percent agreement, Cohen/Fleiss kappa, "
        "Krippendorff's alpha, Gwet's AC1, Brennan-Prediger) with 95 % intervals, "
        "and accuracy against golden answers.",
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
        help="resamples for a bootstrap interval of Krippendorff's alpha",
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


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _case_warnings(categories: tuple[object, ...]) -> list[str]:
    """One warning if some text labels differ only in case (counted apart without
    --ignore-case, which can turn full agreement into a kappa of -1)."""
    seen: dict[str, list[str]] = {}
    for label in categories:
        if isinstance(label, str):
            seen.setdefault(label.casefold(), []).append(label)
    groups = [" and ".join(map(repr, g)) for g in seen.values() if len(g) > 1]
    if not groups:
        return []
    return [
        f"labels that differ only in case count as different categories: "
        f"{'; '.join(groups[:3])}{'; …' if len(groups) > 3 else ''} "
        "(pass --ignore-case to count them as one)"
    ]


def _gold_warnings(gold: str, ungraded_cases: int, unscored: int, unrated: list[str]) -> list[str]:
    """Rated cases the golden file lacks, and golden answers for cases nobody rated."""
    out = []
    if ungraded_cases:
        has = _count(ungraded_cases, "rated case has", "rated cases have")
        out.append(f"{gold}: {has} no golden answer: {_count(unscored, 'rating')} went unscored")
    if unrated:
        name = _count(len(unrated), "golden answer names", "golden answers name")
        out.append(f"{gold}: {name} a case no rating has (first: {unrated[0]!r})")
    return out


# -- the computation -------------------------------------------------------------------


def _compute(args: argparse.Namespace) -> dict[str, Any]:
    from calibrate.commands.agreement_csv import columns, read_gold, read_header, read_ratings
    from calibrate.core import scoring
    from calibrate.core.metrics import accuracy, agreement
    from calibrate.core.metrics.rating_builders import TallyBuilder
    from calibrate.core.metrics.ratings import DuplicateRatingError, RatingsInputError, label_text

    order = None
    if args.order is not None:
        order = [item.strip() for item in args.order.split(",")]
        if not all(order):
            raise InputError(f"--order {args.order!r}: an empty category name")
    gold_rows = read_gold(Path(args.gold)) if args.gold else None
    keep = args.keep or "error"
    reference = gold_rows.first_rows() if gold_rows is not None else []

    def fresh() -> TallyBuilder:
        builder = TallyBuilder(order=order, keep=keep, fold=args.ignore_case)
        for label, row in reference:
            builder.add_reference_label(label, file=args.gold, row=row)
        return builder

    path = Path(args.ratings)
    try:
        header = read_header(path, REQUIRED)
        table = read_ratings(path, header, columns(path, header.names, REQUIRED), fresh)
    except RatingsInputError as error:
        hint = (
            " (pass --keep first or --keep last to choose one)"
            if isinstance(error, DuplicateRatingError)
            else ""
        )
        raise InputError(error.message + hint, error.file or path, error.row) from None
    if table.n_ratings == 0:
        raise InputError("no ratings: the file has a header but no rated rows", path)
    warnings = [] if args.ignore_case else _case_warnings(table.categories)
    gold = None
    if gold_rows is not None:  # golden codes per case, then the id table can go
        gold = accuracy.gold_codes(table, gold_rows.items())
        unrated = [case for case in gold_rows.index if case not in table.case_index]
        del gold_rows

    def as_json_label(label: object) -> object:
        if isinstance(label, float):
            return int(label) if label.is_integer() and abs(label) < 2**53 else label
        return label

    result: dict[str, Any] = {
        "cases": table.n_cases,
        "raters": table.n_raters,
        "ratings": table.n_ratings,
        "categories": [as_json_label(c) for c in table.categories],
    }
    report = agreement.agreement_report(table, bootstrap=args.bootstrap)
    result.update({name: estimate.as_json() for name, estimate in report.items()})
    result["ignored_rows"] = {
        "blank_label": table.blank_labels,
        "duplicate": table.duplicates_dropped,
    }
    result["warnings"] = warnings
    if gold is None:
        return result
    by_rater = accuracy.accuracy_by_rater(table, gold)
    warnings += _gold_warnings(
        args.gold, int((gold < 0).sum()), table.n_ratings - by_rater.total_n, unrated
    )
    value, ci = by_rater.overall
    result["accuracy_overall"] = {
        "value": value,
        "accuracy": value,
        "n": by_rater.total_n,
        "correct": by_rater.total_correct,
        "ci95": list(ci) if ci else None,
        "method": "Wilson score interval, z = 1.959964, over all ratings with a golden answer",
        **({"note": "undefined: no rated case has a golden answer"} if value is None else {}),
    }
    result["accuracy_by_rater"] = {
        rid: {
            "n": int(by_rater.n[i]),
            "correct": int(by_rater.correct[i]),
            "accuracy": float(by_rater.accuracy[i]) if by_rater.n[i] else None,
            "ci95": [float(by_rater.lo[i]), float(by_rater.hi[i])] if by_rater.n[i] else None,
        }
        for i, rid in enumerate(table.rater_ids)
    }
    confusion = accuracy.confusion_matrix(table, gold)
    result["confusion_matrix"] = {"labels": result["categories"], "counts": confusion.tolist()}
    if order is not None:
        # The --order ladder, with `escalate` standing apart as packs declare it.
        ladder = [c for c in table.categories if label_text(c) != "escalate"]
        rungs = scoring.rungs_of(table.categories, ladder)
        result["enforcement"] = {
            "ladder": [as_json_label(c) for c in ladder],
            **accuracy.enforcement(confusion, rungs).as_json(),
        }
    return result
