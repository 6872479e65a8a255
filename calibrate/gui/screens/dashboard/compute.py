"""What the dashboard computes off the GUI thread for one filter state (no Qt here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matplotlib.figure import Figure

from calibrate.charts.dashboard_figures import dashboard_figures
from calibrate.core.answer_table import Filters
from calibrate.core.lead_metrics import Dashboard, case_clauses_of, compute_dashboard
from calibrate.core.models import Pack
from calibrate.store.db import open_reader
from calibrate.store.queries import dispute_rows, filter_choices, load_answers, roster


@dataclass(frozen=True)
class DashboardResult:
    filters: Filters
    dashboard: Dashboard
    figures: dict[str, Figure]
    choices: dict[str, list]


def in_roster(profile: dict, filters: Filters) -> bool:
    """Completion lists the people the filters cover, answers or not."""
    return ((filters.teams is None or (profile["team"] or "") in filters.teams)
            and (filters.sites is None or (profile["site"] or "") in filters.sites)
            and (filters.reviewers is None or profile["id"] in filters.reviewers))


def compute(db_path: Path, filters: Filters, packs: Sequence[Pack], target: float,
            dark: bool) -> DashboardResult:
    """Load, compute every section and draw every chart, on a read-only connection."""
    db = open_reader(db_path)
    try:
        table = load_answers(db, filters, packs)
        people = [p for p in roster(db) if in_roster(p, filters)]
        disputes = dispute_rows(db, filters)
        choices = filter_choices(db)
    finally:
        db.conn.close()
    period = None
    if filters.since is not None or filters.until is not None:
        period = (filters.since or date.min, filters.until or date.max)
    pack_ids = filters.packs if filters.packs is not None else None
    dashboard = compute_dashboard(table, people, disputes, target=target, period=period,
                                  case_clauses=case_clauses_of(packs), packs=pack_ids)
    return DashboardResult(filters, dashboard, dict(dashboard_figures(dashboard, dark=dark)),
                           choices)
