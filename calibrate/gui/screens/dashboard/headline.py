"""The dashboard's headline: accuracy, agreement, missed escalations, who is below target."""

from __future__ import annotations

import html

from calibrate.core.lead.agreement import why_not_shown
from calibrate.core.lead.sections.headline import Headline
from calibrate.gui import theme


def headline_html(h: Headline) -> str:
    """The two headline lines above the tabs, as rich text (pack and reviewer names escaped)."""
    agreement = "; ".join(
        f"{row.pack}: κ {row.fleiss.value:.2f}"
        if row.fleiss.value is not None
        else f"{row.pack}: κ {why_not_shown(row.fleiss)}"
        for row in h.agreement
    )
    below = ", ".join(h.below_target[:6]) + (" …" if len(h.below_target) > 6 else "")
    critical_colour = theme.WRONG if h.missed_escalations else theme.CORRECT
    return (
        f"<span style='font-size:13pt'><b>{_pct(h.accuracy)}</b>{_ci(h.accuracy_ci)} "
        f"accuracy</span> on {h.scored} scored answers ({h.skipped} skipped) from "
        f"{h.reviewers} reviewers · agreement {html.escape(agreement) or '—'}<br>"
        f"<span style='color:{critical_colour}'><b>{h.missed_escalations} missed "
        f"escalation(s)</b></span> · {len(h.split_cases)} split case(s) · below the "
        f"{h.target:.0%} target: {html.escape(below) or 'nobody'}"
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _ci(ci) -> str:
    lo, hi = ci if ci else (None, None)
    return "" if lo is None or hi is None else f" [{lo:.0%}–{hi:.0%}]"
