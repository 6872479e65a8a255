"""ws.dashboard: filters → the Dashboard result and its figures, off the GUI thread (no Qt).

The one pipeline behind the dashboard screen and `calibrate report`: the same reading, the
same roster filter (`in_roster`), the same period rule (`period_of`), the same sections and
the same name → figure table (charts/dashboard/__init__.py), so the two faces may show a
number differently but never compute it differently.

The answers stay in memory between filter changes (`ANSWERS`: the coded columns of the
database last shown, extended by new rows only), so a change costs a selection in memory,
the metrics and the charts on screen. Figures are built per chart when first needed
(`DashboardResult.figure`), not all at once. The detail sections (other tabs than the first
ones) come in a second pass, `finish_details`, once the first view is on screen; a newer
request cancels it.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.lead.compute import (
    DETAIL_TABLES,
    Dashboard,
    DetailsCancelled,
    case_clauses_of,
    compute_dashboard,
)
from calibrate.core.metrics.answer_table import Filters
from calibrate.core.models import Pack
from calibrate.store.answer_cache.cache import AnswerCache
from calibrate.store.db import open_reader
from calibrate.store.integrity import refuse_damage
from calibrate.store.queries import dispute_rows, filter_choices, goldens, load_answers, roster

if TYPE_CHECKING:
    from matplotlib.figure import Figure  # matplotlib loads with the first chart built

    from calibrate.core.signals.production import ProductionInputs
    from calibrate.store.db import Database
    from calibrate.workspace import Workspace

# What the filter boxes offer (store.queries.filter_choices) and a roster profile (its id,
# name, team and site: store.queries.roster), as the store returns them.
Choices = dict[str, list[Any]]
RosterEntry = dict[str, Any]

ANSWERS = AnswerCache()  # the app's: shared by every dashboard computation in this process
# One computation at a time: a quick series of filter changes would otherwise hold several
# million-row working sets at once (only the newest result is shown anyway).
_COMPUTING = threading.Lock()
# The last few results by (database state, filters, target, packs): going back to a view
# seen before — everything, after looking at one team — costs no computation.
_RECENT: OrderedDict[tuple[object, ...], tuple[Dashboard, Choices]] = OrderedDict()
RECENT_RESULTS = 4
# Bumped on the GUI thread by every new request (`new_request`): a details pass started for
# an older request stops at its next section.
_LATEST_REQUEST = [0]


def new_request() -> int:
    """A new view was asked for (or the screen closes): a running details pass stops."""
    _LATEST_REQUEST[0] += 1
    return _LATEST_REQUEST[0]


@dataclass(frozen=True)
class DashboardResult:
    filters: Filters
    dashboard: Dashboard
    choices: Choices
    dark: bool = False
    figures: dict[str, Figure] = field(default_factory=dict)  # the charts built so far
    key: tuple[object, ...] = ()  # its place in _RECENT (database state, filters, target, packs)
    pack_titles: dict[str, str] = field(default_factory=dict)  # the charts name packs so

    def figure(self, name: str) -> Figure:
        """Chart `name` for this result, built on first use (then kept)."""
        if name not in self.figures:
            self.figures[name] = build_figure(name, self.dashboard, self.dark, self.pack_titles)
        return self.figures[name]


def build_figure(
    name: str, d: Dashboard, dark: bool, pack_titles: Mapping[str, str] | None = None
) -> Figure:
    """One dashboard chart by name (the one table in charts/dashboard), packs by their
    titles where given (the loaded packs')."""
    from calibrate.charts.dashboard import dashboard_figure

    return dashboard_figure(name, d, dark=dark, pack_titles=pack_titles)


def release_memory() -> None:
    """Hand memory freed by a computation back to the system (glibc keeps freed blocks of a
    million-row working set in its heap otherwise; elsewhere this does nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):  # not glibc
        return None


def in_roster(profile: RosterEntry, filters: Filters) -> bool:
    """Completion lists the people the filters cover, answers or not: by team, site and
    reviewer (a profile without a team or site is the "" one of the filter boxes)."""
    return (
        (filters.teams is None or (profile["team"] or "") in filters.teams)
        and (filters.sites is None or (profile["site"] or "") in filters.sites)
        and (filters.reviewers is None or profile["id"] in filters.reviewers)
    )


def database_state(db_path: Path) -> tuple[object, ...]:
    """Changes whenever anything is committed to the database: every commit writes its WAL
    file (size and time), every checkpoint the file itself."""
    state: list[object] = [str(db_path.resolve())]
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            stat = path.stat()
            state += [stat.st_mtime_ns, stat.st_size, stat.st_ino]
        except OSError:
            state += [None, None, None]
    return tuple(state)


def period_of(filters: Filters) -> tuple[date, date] | None:
    """The days "taken" counts within and the headline's first and last day: the filter's
    days when both are given; else the answers' own (already cut to the one given day)."""
    if filters.since is not None and filters.until is not None:
        return filters.since, filters.until
    return None


def _compute(
    db_path: Path, filters: Filters, packs: Sequence[Pack], target: float, cache: AnswerCache
) -> tuple[Dashboard, Choices]:
    db = open_reader(db_path)
    try:
        table = load_answers(db, filters, packs, cache=cache)
        people = [p for p in roster(db) if in_roster(p, filters)]
        disputes = dispute_rows(db, filters)
        choices = filter_choices(db, cache=cache)
        golden_book = goldens(db, packs)
        signals = production_inputs(db, filters)
    finally:
        db.conn.close()
    period = period_of(filters)
    pack_ids = filters.packs if filters.packs is not None else None
    dashboard = compute_dashboard(
        table,
        people,
        disputes,
        target=target,
        period=period,
        case_clauses=case_clauses_of(packs),
        packs=pack_ids,
        defer_details=True,
        goldens=golden_book,
        score_against=filters.score_against,
        signals=signals,
    )
    return dashboard, choices


def production_inputs(db: Database, filters: Filters) -> ProductionInputs | None:
    """The signal values the filters' packs and weeks cover, and every lesson's first
    session (None when no signals were imported). Teams, sites and reviewers do not cut
    signals: a file's breakdowns are summed per pack (docs/signals.md)."""
    from calibrate.core.signals.production import ProductionInputs, monday_of
    from calibrate.store.signals import has_signals, lesson_starts, signal_values

    if not has_signals(db):
        return None
    since, until = filters.since, filters.until
    values = signal_values(
        db,
        filters.packs,
        None if since is None else monday_of(since).isoformat(),
        None if until is None else until.isoformat(),
    )
    return ProductionInputs(values, lesson_starts(db))


def compute(
    db_path: Path,
    filters: Filters,
    packs: Sequence[Pack],
    target: float,
    dark: bool,
    charts: Sequence[str] = (),
    panels: Sequence[str] = (),
    cache: AnswerCache = ANSWERS,
) -> DashboardResult:
    """Read (new answers only), select, compute the sections `panels` (the charts and
    tables on screen) need, and build the figures of `charts`, on a read-only connection of
    this thread's own. The other sections wait for `finish_details`."""
    with _COMPUTING:
        key = (
            database_state(db_path),
            filters,
            target,
            tuple((p.id, p.content_hash) for p in packs),
        )
        if key in _RECENT:
            _RECENT.move_to_end(key)
            dashboard, choices = _RECENT[key]
        else:
            with refuse_damage(db_path):  # a damaged file: a dialog saying what to do
                dashboard, choices = _compute(db_path, filters, packs, target, cache)
            release_memory()
        result = DashboardResult(
            filters, dashboard, choices, dark, key=key, pack_titles={p.id: p.title for p in packs}
        )
        if DETAIL_TABLES.intersection(panels):  # panels include the charts
            dashboard.details()
        if dashboard.details_ready:
            _remember(result)
        for name in charts:
            result.figure(name)
        return result


def _remember(result: DashboardResult) -> None:
    """Keep a complete result for going back to its view. Only complete ones: a result with
    details pending holds its filtered answers, and one superseded before its details pass
    would hold them until pushed out."""
    _RECENT[result.key] = (result.dashboard, result.choices)
    _RECENT.move_to_end(result.key)
    while len(_RECENT) > RECENT_RESULTS:
        _RECENT.popitem(last=False)


def finish_details(
    result: DashboardResult, request: int, charts: Callable[[], Sequence[str]] = tuple
) -> DashboardResult | None:
    """Compute the result's detail sections and build the figures `charts()` names (asked
    once they are computed: the detail charts of the tab on screen by then), unless request
    `request` is no longer the newest (then None: a newer view is coming, and this result
    was never kept, so what it holds goes with the screen's reference to it)."""
    with _COMPUTING:
        try:
            result.dashboard.details(cancelled=lambda: _LATEST_REQUEST[0] != request)
        except DetailsCancelled:
            return None  # expected, not a failure: nothing to log or show
        finally:
            release_memory()
        _remember(result)
        for name in charts():
            result.figure(name)
        return result


def complete(dashboard: Dashboard) -> Dashboard:
    """`dashboard` with every section computed, one computation at a time as for a refresh
    (exports and the report need them all)."""
    with _COMPUTING:
        dashboard.details()
    return dashboard


class DashboardManager:
    """The workspace's dashboard: the answer cache it keeps, choices and results."""

    def __init__(self, ws: Workspace):
        self._ws = ws
        self.answers = ANSWERS

    def choices(self) -> tuple[Choices, list[RosterEntry]]:
        """What the filters can pick (teams, sites, packs, … of the answers) and every
        profile (whose teams and sites count too, answers or not), on a connection of this
        thread's own."""
        db = self._ws.reader()
        try:
            with refuse_damage(self._ws.db_path):
                return filter_choices(db, cache=self.answers), roster(db)
        finally:
            db.conn.close()

    def compute(
        self,
        filters: Filters,
        target: float,
        *,
        dark: bool = False,
        charts: Sequence[str] = (),
        panels: Sequence[str] = (),
    ) -> DashboardResult:
        """`compute` over the workspace's database and loaded packs."""
        return compute(
            self._ws.db_path,
            filters,
            list(self._ws.library.packs),
            target,
            dark,
            charts,
            panels,
            cache=self.answers,
        )

    def warm_cache(self) -> bool:
        """Bring the answer cache file up to date (store.answer_cache.cache.warm); True when it
        read. Runs on a connection of its own."""
        from calibrate.store.answer_cache.cache import warm

        return warm(self._ws.db_path)

    def complete(self, filters: Filters, target: float) -> Dashboard:
        """Every section for the filters: what the report and exports show."""
        return complete(self.compute(filters, target).dashboard)
