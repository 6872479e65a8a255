"""The result of `calibrate agreement`: the one JSON object of DESIGN.md's headless contract
("Headless contracts"; keys, their order and every text are part of it), computed from the
ratings tally and the golden answers. `--json` prints it as it is; the readable table is
drawn from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from numpy.typing import NDArray

from calibrate.core import scoring
from calibrate.core.metrics import accuracy, agreement
from calibrate.core.metrics.accuracy import Table
from calibrate.core.metrics.ratings import label_text

WILSON_METHOD = "Wilson score interval, z = 1.959964, over all ratings with a golden answer"


@dataclass(frozen=True)
class GoldenAnswers:
    """Golden answers laid over the table's cases: what accuracy reads, and what did not fit."""

    file: str  # as the user named it (warnings quote it)
    codes: NDArray[Any]  # golden category code per case of the table, -1 where there is none
    unrated: list[str]  # cases with a golden answer that no rating has, in file order


def agreement_result(
    table: Table,
    *,
    gold: GoldenAnswers | None = None,
    ordered_by_user: bool = False,
    ignore_case: bool = False,
    bootstrap: int = 0,
) -> dict[str, Any]:
    """Every agreement metric, and with `gold` accuracy, the confusion matrix and (when the
    categories are in the user's --order, `ordered_by_user`) over/under-enforcement; the
    `warnings` list is always there. No NaN or infinity anywhere: undefined is None."""
    warnings = [] if ignore_case else case_warnings(table.categories)
    result: dict[str, Any] = {
        "cases": table.n_cases,
        "raters": table.n_raters,
        "ratings": table.n_ratings,
        "categories": [json_label(c) for c in table.categories],
    }
    report = agreement.agreement_report(table, bootstrap=bootstrap, by_order=ordered_by_user)
    result.update({name: estimate.as_json() for name, estimate in report.items()})
    result["ignored_rows"] = {
        "blank_label": table.blank_labels,
        "duplicate": table.duplicates_dropped,
    }
    result["warnings"] = warnings
    if gold is None:
        return result
    result.update(_accuracy(table, gold, warnings))
    confusion = accuracy.confusion_matrix(table, gold.codes)
    result["confusion_matrix"] = {"labels": result["categories"], "counts": confusion.tolist()}
    if ordered_by_user:
        # The --order ladder, with `escalate` standing apart as packs declare it.
        ladder = [c for c in table.categories if label_text(c) != "escalate"]
        rungs = scoring.rungs_of(table.categories, ladder)
        result["enforcement"] = {
            "ladder": [json_label(c) for c in ladder],
            **accuracy.enforcement(confusion, rungs).as_json(),
        }
    return result


def _accuracy(table: Table, gold: GoldenAnswers, warnings: list[str]) -> dict[str, Any]:
    """`accuracy_overall` and `accuracy_by_rater`; the golden file's warnings join `warnings`."""
    by_rater = accuracy.accuracy_by_rater(table, gold.codes)
    warnings += gold_warnings(
        gold.file,
        int((gold.codes < 0).sum()),
        table.n_ratings - by_rater.total_n,
        gold.unrated,
    )
    value, ci = by_rater.overall
    overall = {
        "value": value,
        "accuracy": value,
        "n": by_rater.total_n,
        "correct": by_rater.total_correct,
        "ci95": list(ci) if ci else None,
        "method": WILSON_METHOD,
        **({"note": "undefined: no rated case has a golden answer"} if value is None else {}),
    }
    per_rater = {
        rid: {
            "n": int(by_rater.n[i]),
            "correct": int(by_rater.correct[i]),
            "accuracy": float(by_rater.accuracy[i]) if by_rater.n[i] else None,
            "ci95": [float(by_rater.lo[i]), float(by_rater.hi[i])] if by_rater.n[i] else None,
        }
        for i, rid in enumerate(table.rater_ids)
    }
    return {"accuracy_overall": overall, "accuracy_by_rater": per_rater}


def json_label(label: object) -> object:
    """A category as the JSON writes it: a whole number as an integer (1, not 1.0)."""
    if isinstance(label, float):
        return int(label) if label.is_integer() and abs(label) < 2**53 else label
    return label


def case_warnings(categories: tuple[object, ...]) -> list[str]:
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


def gold_warnings(gold: str, ungraded_cases: int, unscored: int, unrated: list[str]) -> list[str]:
    """Rated cases the golden file lacks, and golden answers for cases nobody rated."""
    out = []
    if ungraded_cases:
        has = _count(ungraded_cases, "rated case has", "rated cases have")
        out.append(f"{gold}: {has} no golden answer: {_count(unscored, 'rating')} went unscored")
    if unrated:
        name = _count(len(unrated), "golden answer names", "golden answers name")
        out.append(f"{gold}: {name} a case no rating has (first: {unrated[0]!r})")
    return out


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"
