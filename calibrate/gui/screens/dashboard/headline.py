"""The dashboard's headline: accuracy, agreement, missed escalations, who is below target."""

from __future__ import annotations

import html

from calibrate.core.lead.agreement import why_not_shown
from calibrate.core.lead.sections.agreement import AgreementRow
from calibrate.core.lead.sections.headline import Headline
from calibrate.gui import theme


def headline_html(h: Headline) -> str:
    """The two headline lines above the tabs, as rich text (pack and reviewer names escaped)."""
    agreement = "; ".join(_agreement(row) for row in h.agreement)
    below = ", ".join(h.below_target[:6]) + (" …" if len(h.below_target) > 6 else "")
    critical_colour = theme.WRONG if h.missed_escalations else theme.CORRECT
    return (
        f"<span style='font-size:13pt'><b>{_pct(h.accuracy)}</b>{_ci(h.accuracy_ci)} "
        f"accuracy</span> on {h.scored} scored answers ({h.skipped} skipped) from "
        f"{h.reviewers} reviewers · agreement {agreement or '—'}<br>"
        f"<span style='color:{critical_colour}'><b>{h.missed_escalations} missed "
        f"escalation(s)</b></span> · {len(h.split_cases)} split case(s) · below the "
        f"{h.target:.0%} target: {html.escape(below) or 'nobody'}"
    )


def _agreement(row: AgreementRow) -> str:
    """ "pack: κ 0.31 · AC1 0.90 · AC2 0.93", and where one decision dominates, why κ is low
    (escaped rich text)."""
    if row.fleiss.value is None:
        return html.escape(f"{row.pack}: κ {why_not_shown(row.fleiss)}")
    numbers = " · ".join(
        f"{name} {e.value:.2f}".replace("-", "\N{MINUS SIGN}")
        for name, e in (("κ", row.fleiss), ("AC1", row.ac1), ("AC2", row.ac2))
        if e.value is not None
    )
    note = row.paradox_note
    paradox = f" <i style='color:{theme.NEUTRAL}'>({html.escape(note)})</i>" if note else ""
    return f"{html.escape(row.pack)}: {numbers}{paradox}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _ci(ci) -> str:
    lo, hi = ci if ci else (None, None)
    return "" if lo is None or hi is None else f" [{lo:.0%}–{hi:.0%}]"
