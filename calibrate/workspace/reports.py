"""ws.reports: the lead report as a PDF, the same from the dashboard's "Save report" and
from `calibrate report` (charts/report/ draws it; matplotlib loads on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from calibrate.core.lead.compute import Dashboard
    from calibrate.workspace import Workspace


class ReportsManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def write(self, dashboard: Dashboard, out: Path, *, filters: str) -> int:
        """Write the report of `dashboard` (its every section computed first) to `out`,
        marked as demo data when the database is, decisions and cases in the loaded packs'
        words, with a page per model run and pack (ws.machines); returns its page count.
        OSError if `out` cannot be written."""
        from calibrate.charts.report import write_report
        from calibrate.core.lead.labels import Labels
        from calibrate.workspace.dashboard import complete

        return write_report(
            complete(dashboard),
            out,
            filters=filters,
            demo=self._ws.is_demo,
            labels=Labels.of_packs(self._ws.library.packs),
            scoreboard=self._ws.machines.scoreboard(),
        )
