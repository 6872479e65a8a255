"""Each dashboard chart's natural size (inches) from the number of rows it shows, and how
many rows a chart shows at most: the figure functions and `natural_size` share these, so
the report can lay a page out before drawing."""

from __future__ import annotations

from collections.abc import Callable

from calibrate.core.lead.compute import Dashboard

MAX_ROWS = 40  # beyond this a dot chart stops being readable; the rest is in the table
MAX_PACKS = 6  # confusion heatmaps on one chart
MAX_PRODUCTION_PACKS = 4  # rows of three panels on the Production chart


def confusion_grid(n: int) -> tuple[int, int]:
    """Columns and rows of the confusion grid: three packs a row."""
    columns = min(max(n, 1), 3)
    return columns, -(-max(n, 1) // columns)


SIZES: dict[str, Callable[[int], tuple[float, float]]] = {
    "reviewer_accuracy": lambda n: (7.0, 1.3 + 0.19 * max(n, 4)),
    "agreement": lambda n: (7.0, 1.3 + 0.22 * max(n, 3)),
    "confusion": lambda n: (2.6 * confusion_grid(n)[0] + 0.9, 0.4 + 2.9 * confusion_grid(n)[1]),
    "enforcement": lambda n: (7.4, 1.5 + 0.32 * max(n, 3)),
    "team_pack": lambda n: (7.4, 1.3 + 0.42 * max(n, 3)),
    "trend": lambda n: (7.4, 5.0),
    "attempts": lambda n: (7.0, 1.4 + 0.55 * max(n, 2)),
    "calibration": lambda n: (5.6, 4.6),
    "moments": lambda n: (7.0, 1.2 + 0.22 * max(n, 3)),
    "production": lambda n: (7.4, 1.0 + 1.9 * max(1, min(n, MAX_PRODUCTION_PACKS))),
}


def natural_size(name: str, dashboard: Dashboard) -> tuple[float, float]:
    """The size (inches) chart `name` takes when drawn from `dashboard` with its defaults."""
    shown = {
        "reviewer_accuracy": min(
            MAX_ROWS, sum(r.accuracy is not None for r in dashboard.reviewers.reviewers)
        ),
        "agreement": min(
            MAX_ROWS,
            len(dashboard.agreement.by_pack)
            + sum(
                r.pack in {p.pack for p in dashboard.agreement.by_pack}
                for r in dashboard.agreement.by_clause
            ),
        ),
        "confusion": min(MAX_PACKS, len(dashboard.confusion.matrices)),
        "enforcement": len(dashboard.enforcement.by_team) + len(dashboard.enforcement.by_site),
        "team_pack": len({r.team for r in dashboard.enforcement.by_team_pack}),
        "attempts": len({a.team for a in dashboard.trend.attempts}),
        "moments": min(MAX_ROWS, sum(r.rate is not None for r in dashboard.moments.by_case)),
        "production": len(dashboard.production.packs),
    }
    return SIZES[name](shown.get(name, 0))
