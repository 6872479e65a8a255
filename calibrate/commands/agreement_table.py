"""The readable table `calibrate agreement` prints without `--json`, from the JSON result."""

from __future__ import annotations

import re
from typing import Any

from calibrate.core.errors import counted

NAMES = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "gwet_ac1": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger",
    "gwet_ac2_linear": "Gwet's AC2 (linear)",
    "gwet_ac2_quadratic": "Gwet's AC2 (quadratic)",
    "krippendorff_alpha_nominal": "Krippendorff alpha (nominal)",
    "krippendorff_alpha_ordinal": "Krippendorff alpha (ordinal)",
    "krippendorff_alpha_interval": "Krippendorff alpha (interval)",
    "krippendorff_alpha_ratio": "Krippendorff alpha (ratio)",
}


def fmt(x: object) -> str:
    """A number to four places, `-` for none; a value that rounds to zero prints as 0.0000
    (κ-type estimates land at ±1e-17 where the arithmetic says exactly 0)."""
    if x is None:
        return "-"
    text = f"{x:.4f}"
    return text.removeprefix("-") if text == "-0.0000" else text


def _singular(text: str) -> str:
    """The JSON's method and note texts (a contract, left as they are) with `1 resamples`
    read as `1 resample`."""
    return re.sub(r"(?<![\d.,])1 resamples\b", "1 resample", text)


def render(source: str, r: dict[str, Any]) -> str:
    """Metrics, notes, accuracy, confusion matrix and enforcement as aligned text."""
    lines = [
        f"{source}: {counted(r['cases'], 'case')}, {counted(r['raters'], 'rater')}, "
        f"{counted(r['ratings'], 'rating')}, "
        f"{counted(len(r['categories']), 'category', 'categories')} "
        f"({', '.join(map(str, r['categories']))})",
        "",
    ]
    lines.append(f"{'metric':<31}{'value':>8}  {'95 % interval':<19} method")
    notes = []
    for key, name in NAMES.items():
        if key not in r:
            continue
        m = r[key]
        ci = f"[{fmt(m['ci95'][0])}, {fmt(m['ci95'][1])}]" if m["ci95"] else "-"
        lines.append(f"{name:<31}{fmt(m['value']):>8}  {ci:<19} {_singular(m['method'])}")
        if m.get("note"):
            notes.append(f"  {name}: {_singular(m['note'])}")
    lines += ["", "Notes:", *notes] if notes else []
    if "accuracy_overall" in r:
        acc = r["accuracy_overall"]
        ci = acc["ci95"]
        rw = max([24, *(len(str(rid)) + 2 for rid in r["accuracy_by_rater"])])
        lines += [
            "",
            f"Accuracy against golden answers: {fmt(acc['value'])} "
            f"({acc['correct']}/{acc['n']})"
            + (f", 95 % Wilson [{fmt(ci[0])}, {fmt(ci[1])}]" if ci else ""),
            "",
            f"{'rater':<{rw}}{'n':>7}{'correct':>9}{'accuracy':>10}  95 % Wilson",
        ]
        for rid, a in r["accuracy_by_rater"].items():
            ci = f"[{fmt(a['ci95'][0])}, {fmt(a['ci95'][1])}]" if a["ci95"] else "-"
            lines.append(f"{rid:<{rw}}{a['n']:>7}{a['correct']:>9}{fmt(a['accuracy']):>10}  {ci}")
        labels = [str(x) for x in r["confusion_matrix"]["labels"]]
        width = max([8, *map(len, labels)]) + 2
        lines += [
            "",
            "Confusion matrix (rows golden, columns chosen):",
            " " * width + "".join(f"{x:>{width}}" for x in labels),
        ]
        for label, row in zip(labels, r["confusion_matrix"]["counts"], strict=True):
            lines.append(f"{label:>{width}}" + "".join(f"{v:>{width}}" for v in row))
    if "enforcement" in r:
        e = r["enforcement"]
        lines += [
            "",
            f"Enforcement: {e['over']} over, {e['under']} under, "
            f"{counted(e['missed_escalations'], 'missed escalation')} (critical), "
            f"{counted(e['unneeded_escalations'], 'unneeded escalation')}, "
            f"of {e['scored']} scored",
        ]
    return "\n".join(lines)
