"""`calibrate machine score` without --json: the same object, as lines a lead reads."""

from __future__ import annotations

from typing import Any


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _kappa(k: dict[str, Any]) -> str:
    if k["value"] is None:
        return f"— ({k.get('note') or 'undefined'})"
    ci = k["ci95"]
    text = f"{k['value']:.2f}" + (f" (95% CI {ci[0]:.2f} to {ci[1]:.2f})" if ci else "")
    return text + (f" — {k['note']}" if k.get("note") else "")


def render(r: dict[str, Any]) -> str:
    """The run's figures, pooled then per pack."""
    acc = r["accuracy"]
    ci = acc["ci95"]
    lines = [
        f"Run {r['rater']}"
        + (f" (model version {r['version']})" if r["version"] else "")
        + f": {r['cases']} cases",
        f"Accuracy {_pct(acc['value'])}"
        + (f" (95% CI {_pct(ci[0])}–{_pct(ci[1])})" if ci else "")
        + f", {acc['correct']} of {acc['n']}",
        f"Over-enforcement {_pct(r['over_enforcement']['value'])}, under-enforcement "
        f"{_pct(r['under_enforcement']['value'])}",
        f"Missed escalations {r['missed_escalations']} (critical), unneeded escalations "
        f"{r['unneeded_escalations']}",
        "Brier score "
        + ("— (no scores)" if r["brier"]["value"] is None else f"{r['brier']['value']:.3f}")
        + f" over {r['brier']['n']} scored cases",
    ]
    for pack_id, p in r["packs"].items():
        room = p["agreement_with_room_majority"]
        lines += [
            "",
            f"Pack {pack_id}",
            f"  κ vs golden: {_kappa(p['cohen_kappa_vs_golden'])}",
            f"  κ vs room majority: {_kappa(p['cohen_kappa_vs_room_majority'])}",
            f"  agrees with the room's majority on {_pct(room['value'])} of {room['n']} cases "
            "(cases with 3+ human answers and a unique majority)",
        ]
    return "\n".join(lines)
