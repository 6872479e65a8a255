"""The rules of a production signals file, one row at a time and across rows (docs/signals.md).

A row is `week,pack_id,metric,value` plus optional `clause,site,team` (absent = ""). Its key
is (week, pack_id, clause, site, team, metric). Every refusal is a `RowProblem` naming the
file's row; the reader and the store only say where a row came from and what is stored.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
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
    """Set the file's rows against what is stored — `stored` holding every value of the weeks
    and packs the file touches (`weeks_to_look_up`): a different value is refused unless
    `replace`; then part ≤ whole (AT_MOST) is checked on the values as they would be, for
    each key and for each week's totals as the Production tab adds them up."""
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
    bound, flagged = _bound_problems(rows, stored)
    totals = _total_problems(rows, {**stored, **{r.key: r.value for r in rows}}, flagged)
    return Merge(added, replaced, unchanged, problems + bound + totals)


def _bound_problems(
    rows: list[SignalRow], stored: Mapping[Key, int]
) -> tuple[list[RowProblem], set[tuple[str, str, str]]]:
    """part ≤ whole per key, the file's values over the stored ones; named on a file row.
    Also the (week, pack, part) where it broke."""
    mine = {r.key: r for r in rows}
    problems = []
    flagged = set()
    for part, whole in AT_MOST.items():
        for key in {r.key.group() for r in rows if r.key.metric in (part, whole)}:
            part_key, whole_key = Key(*key, part), Key(*key, whole)
            part_value = mine[part_key].value if part_key in mine else stored.get(part_key)
            whole_value = mine[whole_key].value if whole_key in mine else stored.get(whole_key)
            if part_value is None or whole_value is None or part_value <= whole_value:
                continue
            at = mine[part_key] if part_key in mine else mine[whole_key]
            held = "" if part_key in mine and whole_key in mine else " (one of them stored)"
            flagged.add((key[0], key[1], part))
            problems.append(
                RowProblem(
                    at.row,
                    f"{part} {part_value} is more than {whole} {whole_value} for "
                    f"{Key(*key, part).place()}{held}",
                )
            )
    return problems, flagged


Level = tuple[str, ...]  # the breakdown columns a row fills: () is the pack's own row


@functools.lru_cache(maxsize=8)
def _level(clause: bool, site: bool, team: bool) -> Level:
    return tuple(name for name, given in zip(OPTIONAL, (clause, site, team), strict=True) if given)


def level_of(key: Key) -> Level:
    return _level(bool(key.clause), bool(key.site), bool(key.team))


Where = tuple[str, str, str]  # (week, pack_id, metric): one total on the Production tab


class Totals(NamedTuple):
    """Each metric's total per week and pack, as the Production tab charts it."""

    own: dict[Where, int]  # the pack's own rows (no clause, site or team)
    summed: dict[Where, int]  # the sum of the breakdown rows
    levels: dict[Where, set[Level]]  # the breakdowns given (not the pack's own row)

    def value(self, at: Where) -> int | None:
        """The pack's own row where there is one, else the sum of its breakdown."""
        return self.own[at] if at in self.own else self.summed.get(at)

    def level(self, at: Where) -> Level:
        return () if at in self.own else min(self.levels[at])

    def summable(self, at: Where) -> bool:
        """The pack's own row, or one breakdown: not two breakdowns of the same numbers."""
        return at in self.own or len(self.levels.get(at, ())) < 2


def weekly_totals(values: Mapping[Key, int]) -> Totals:
    """The totals the Production tab charts (`_level_problems` refuses two breakdowns of a
    metric without the pack's own row: they would be summed together)."""
    own: dict[Where, int] = {}
    summed: dict[Where, int] = defaultdict(int)
    levels: dict[Where, set[Level]] = defaultdict(set)
    for key, value in values.items():
        if key.clause or key.site or key.team:
            at = (key.week, key.pack_id, key.metric)
            summed[at] += value
            levels[at].add(level_of(key))
        else:
            own[key.week, key.pack_id, key.metric] = value
    return Totals(own, summed, levels)


def _level_problems(rows: list[SignalRow], totals: Totals) -> tuple[list[RowProblem], set[Where]]:
    """A metric of a week and pack given without the pack's own row must be given by one
    breakdown: rows by clause and rows by site are the same decisions counted twice. Also
    the (week, pack, metric) that have no total for that reason."""
    problems, unsummed = [], set()
    for r in rows:
        at = (r.key.week, r.key.pack_id, r.key.metric)
        if at in unsummed or totals.summable(at):
            continue
        unsummed.add(at)
        ways = " and ".join(sorted(_words(level) for level in totals.levels[at]))
        problems.append(
            RowProblem(
                r.row,
                f"{r.key.metric} of week {r.key.week}, pack {r.key.pack_id} is broken down "
                f"{ways}, without the pack's own row: the Production tab would add them up "
                "as one total; give the pack's total (no clause, site or team) or one breakdown",
            )
        )
    return problems, unsummed


def _total_problems(
    rows: list[SignalRow], merged: Mapping[Key, int], flagged: set[Where]
) -> list[RowProblem]:
    """part ≤ whole on each week's totals as the Production tab adds them up (a pack total of
    appeals beside overturns given by clause, say): no charted rate can exceed 100 %. A week
    whose rows broke a per-key bound (`flagged`) is not named twice, nor a total that
    cannot be summed."""
    totals = weekly_totals(merged)
    problems, unsummed = _level_problems(rows, totals)
    first_row: dict[Where, int] = {}
    for r in rows:
        first_row.setdefault((r.key.week, r.key.pack_id, r.key.metric), r.row)
    for week, pack in dict.fromkeys((r.key.week, r.key.pack_id) for r in rows):
        for part, whole in AT_MOST.items():
            have = [totals.value((week, pack, m)) for m in (part, whole)]
            if have[0] is None or have[1] is None or have[0] <= have[1]:
                continue
            at = min(
                (first_row[week, pack, m] for m in (part, whole) if (week, pack, m) in first_row),
                default=None,
            )
            if at is None or (week, pack, part) in flagged:
                continue
            if {(week, pack, part), (week, pack, whole)} & unsummed:
                continue
            levels = [_source(totals.level((week, pack, m))) for m in (part, whole)]
            problems.append(
                RowProblem(
                    at,
                    f"{part} {have[0]} ({levels[0]}) is more than {whole} {have[1]} "
                    f"({levels[1]}) for week {week}, pack {pack}, as "
                    "the Production tab totals them; give both at the same level",
                )
            )
    return problems


def _words(level: Level) -> str:
    return "by " + " and ".join(level)


def _source(level: Level) -> str:
    return "the pack's own row" if not level else f"summed {_words(level)}"


def weeks_to_look_up(rows: Iterable[SignalRow]) -> set[tuple[str, str]]:
    """The (week, pack_id) pairs whose stored values a merge needs: every value of them, as
    a week's totals are checked whole."""
    return {(r.key.week, r.key.pack_id) for r in rows}


def unknown_metrics(rows: Iterable[SignalRow]) -> list[str]:
    """The metric names a file uses that the Production tab does not chart, sorted."""
    return sorted({r.key.metric for r in rows} - set(METRICS))
