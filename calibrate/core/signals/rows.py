"""The rules of a production signals file, one row at a time and across rows (docs/signals.md).

A row is `week,pack_id,metric,value` plus optional `clause,site,team` (absent = ""). Its key
is (week, pack_id, clause, site, team, metric). Every refusal is a `RowProblem` naming the
file's row; the reader and the store only say where a row came from and what is stored.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

REQUIRED = ("week", "pack_id", "metric", "value")
OPTIONAL = ("clause", "site", "team")
# The metrics the Production tab charts; any other name is kept and named in one warning.
METRICS = (
    "decisions",
    "appeals",
    "appeals_overturned",
    "user_reports",
    "survey_responses",
    "survey_negative",
    "qa_sampled",
    "qa_correct",
)
# part ≤ whole for the same key (week, pack, clause, site, team).
AT_MOST = {
    "appeals_overturned": "appeals",
    "survey_negative": "survey_responses",
    "qa_correct": "qa_sampled",
}
MAX_VALUE = 10**15  # a count no real week reaches; well inside SQLite's 64-bit integers
MAX_NAME = 200  # characters of a clause, site, team or metric name
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_METRIC_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


class Key(NamedTuple):
    """What one stored value is of; clause, site and team are "" when not given."""

    week: str  # ISO date of a Monday
    pack_id: str
    clause: str
    site: str
    team: str
    metric: str

    def group(self) -> tuple[str, str, str, str, str]:
        """The key without its metric: where AT_MOST holds."""
        return self.week, self.pack_id, self.clause, self.site, self.team

    def place(self) -> str:
        """Where the value belongs, as a reader names it: `week 2026-01-05, pack harassment`."""
        extra = [f"{n} {v}" for n, v in zip(OPTIONAL, self[2:5], strict=True) if v]
        return ", ".join([f"week {self.week}", f"pack {self.pack_id}", *extra])

    def words(self) -> str:
        """The key as a reader names it: `appeals of week 2026-01-05, pack harassment`."""
        return f"{self.metric} of {self.place()}"


@dataclass(frozen=True)
class SignalRow:
    """One checked row of a signals file."""

    row: int  # the file's row (the header is row 1)
    key: Key
    value: int


class RowProblem(NamedTuple):
    row: int
    message: str


COLUMNS = (*REQUIRED, *OPTIONAL)  # the order `check_row` takes a row's values in


def check_row(
    row: int, values: Sequence[str], clauses: Mapping[str, Collection[str]]
) -> SignalRow | RowProblem:
    """One row checked on its own: `values` in COLUMNS order ("" for a column the file
    lacks), `clauses` pack id → its clause ids, the packs known. A file repeats its weeks,
    packs and metrics on every row: their checks are looked up once each (`_once`)."""
    week, pack_id, metric, value, clause, site, team = map(str.strip, values)
    problem = (
        _week_problem(week)
        or _pack_problem(pack_id, clause, clauses)
        or _metric_problem(metric)
        or _count_problem(value)
    )
    if problem is None and (len(site) > MAX_NAME or len(team) > MAX_NAME):
        problem = (
            f"{'site' if len(site) > MAX_NAME else 'team'} is longer than {MAX_NAME} characters"
        )
    if problem is not None:
        return RowProblem(row, problem)
    return SignalRow(row, Key(week, pack_id, clause, site, team, metric), int(value))


@functools.lru_cache(maxsize=4096)
def _week_problem(text: str) -> str | None:
    if not text:
        return "week is empty; give the ISO date of a Monday, e.g. 2026-01-05"
    try:
        day = date.fromisoformat(text) if _ISO_DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        return f"week {text!r} is not an ISO date (YYYY-MM-DD)"
    if day.weekday() != 0:
        return f"week {text} is a {day:%A}; a week is named by its Monday"
    return None


def _pack_problem(pack_id: str, clause: str, clauses: Mapping[str, Collection[str]]) -> str | None:
    if not pack_id:
        return "pack_id is empty"
    if len(clause) > MAX_NAME:
        return f"clause is longer than {MAX_NAME} characters"
    if pack_id not in clauses:
        return f"unknown pack {pack_id!r} (not among the loaded packs; --lessons DIR?)"
    if clause and clause not in clauses[pack_id]:
        return f"clause {clause!r} is not a clause of pack {pack_id}"
    return None


@functools.lru_cache(maxsize=4096)
def _metric_problem(metric: str) -> str | None:
    if not metric:
        return "metric is empty"
    if len(metric) > MAX_NAME or not _METRIC_NAME.fullmatch(metric):
        return "metric names are letters, digits, '_', '.' and '-' (at most 200)"
    return None


def _count_problem(text: str) -> str | None:
    if not (text.isascii() and text.isdigit()):
        shown = text if len(text) <= 40 else text[:40] + "…"
        return f"value {shown!r} is not a non-negative whole number"
    if len(text) > 16 or int(text) > MAX_VALUE:
        return f"value is larger than {MAX_VALUE:,}, the limit"
    return None


def duplicate_problems(rows: Iterable[SignalRow]) -> list[RowProblem]:
    """The same key twice in one file: each later row names the first."""
    first: dict[Key, int] = {}
    problems = []
    for r in rows:
        if r.key in first:
            problems.append(
                RowProblem(r.row, f"{r.key.words()} again (first on row {first[r.key]})")
            )
        else:
            first[r.key] = r.row
    return problems


class Merge(NamedTuple):
    """What a file does to the stored values: new keys, changed ones, unchanged ones."""

    added: list[SignalRow]
    replaced: list[tuple[SignalRow, int]]  # the row and the value it replaces
    unchanged: list[SignalRow]
    problems: list[RowProblem]


def merge_problems(rows: list[SignalRow], stored: Mapping[Key, int], replace: bool) -> Merge:
    """Set the file's rows against what is stored: a different value is refused unless
    `replace`; then every part ≤ whole (AT_MOST) is checked on the values as they would be."""
    added, replaced, unchanged, problems = [], [], [], []
    for r in rows:
        old = stored.get(r.key)
        if old is None:
            added.append(r)
        elif old == r.value:
            unchanged.append(r)
        elif replace:
            replaced.append((r, old))
        else:
            problems.append(
                RowProblem(
                    r.row,
                    f"{r.key.words()} is {old} in the database, {r.value} here "
                    "(--replace to replace it)",
                )
            )
    return Merge(added, replaced, unchanged, problems + _bound_problems(rows, stored))


def _bound_problems(rows: list[SignalRow], stored: Mapping[Key, int]) -> list[RowProblem]:
    """part ≤ whole per key, the file's values over the stored ones; named on a file row."""
    mine = {r.key: r for r in rows}
    problems = []
    for part, whole in AT_MOST.items():
        for key in {r.key.group() for r in rows if r.key.metric in (part, whole)}:
            part_key, whole_key = Key(*key, part), Key(*key, whole)
            part_value = mine[part_key].value if part_key in mine else stored.get(part_key)
            whole_value = mine[whole_key].value if whole_key in mine else stored.get(whole_key)
            if part_value is None or whole_value is None or part_value <= whole_value:
                continue
            at = mine[part_key] if part_key in mine else mine[whole_key]
            held = "" if part_key in mine and whole_key in mine else " (one of them stored)"
            problems.append(
                RowProblem(
                    at.row,
                    f"{part} {part_value} is more than {whole} {whole_value} for "
                    f"{Key(*key, part).place()}{held}",
                )
            )
    return problems


def keys_to_look_up(rows: Iterable[SignalRow]) -> set[Key]:
    """The keys whose stored values a merge needs: the file's own, and for each part or
    whole of AT_MOST its partner of the same week, pack, clause, site and team."""
    partner = {**AT_MOST, **{whole: part for part, whole in AT_MOST.items()}}
    keys = set()
    for r in rows:
        keys.add(r.key)
        if r.key.metric in partner:
            keys.add(Key(*r.key.group(), partner[r.key.metric]))
    return keys


def unknown_metrics(rows: Iterable[SignalRow]) -> list[str]:
    """The metric names a file uses that the Production tab does not chart, sorted."""
    return sorted({r.key.metric for r in rows} - set(METRICS))
