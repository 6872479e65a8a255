"""A small pack, a room of four moderators and a model run whose every figure is known:
what the machine-rater tests score and count by hand or with sklearn/statsmodels."""

from __future__ import annotations

from pathlib import Path

from tests.pack_factory import write_pack

GOLDEN = {
    "c1": "remove",
    "c2": "remove",
    "c3": "allow",
    "c4": "allow",
    "c5": "age_restricted",
    "c6": "age_restricted",
    "c7": "escalate",
    "c8": "allow",
}
# The model: right on c1, c2, c4, c6; over on c3, under on c5, a missed escalation on c7,
# an unneeded one on c8.
MODEL = {
    "c1": ("remove", 0.9),
    "c2": ("remove", 0.8),
    "c3": ("remove", 0.7),
    "c4": ("allow", 0.6),
    "c5": ("allow", 0.4),
    "c6": ("age_restricted", 0.85),
    "c7": ("remove", 0.5),
    "c8": ("escalate", 0.3),
}


def _answers(case: str, decisions: list[str], confidence: float) -> list[tuple]:
    """(case, reviewer, decision, confidence) of reviewers 1, 2, … in order."""
    return [(case, str(i), d, confidence) for i, d in enumerate(decisions, start=1)]


# The room: (case, reviewer, decision, confidence). c2 is a tie and c6 has two answers,
# so neither has a room majority; r1's later answer on c3 (a retake) does not count.
HUMANS = [
    *_answers("c1", ["remove", "remove", "remove", "allow"], 0.8),
    *_answers("c2", ["remove", "remove", "allow", "allow"], 0.6),
    *_answers("c3", ["allow"] * 4, 0.95),
    *_answers("c4", ["allow", "allow", "allow", "remove"], 0.8),
    *_answers("c5", ["age_restricted"] * 3 + ["allow"], 0.6),
    *_answers("c6", ["age_restricted"] * 2, 0.8),
    *_answers("c7", ["escalate"] * 3 + ["remove"], 0.95),
    *_answers("c8", ["allow"] * 3 + ["escalate"], 0.6),
]
RETAKE = ("c3", "1", "remove", 0.6)


def write_alpha(lessons: Path) -> Path:
    """Pack alpha with the cases' goldens of GOLDEN."""
    folder = write_pack(lessons, "alpha", tuple(GOLDEN))
    for case, golden in GOLDEN.items():
        path = folder / "cases" / f"{case}.toml"
        path.write_text(path.read_text().replace('decision = "remove"', f'decision = "{golden}"'))
    return folder


def history_csv(path: Path) -> Path:
    """The room as a history CSV (`calibrate import --csv`), the retake a day later."""
    rows = [f"{c},r{r},{d},2026-11-02,T,S,{conf}" for c, r, d, conf in HUMANS]
    c, r, d, conf = RETAKE
    rows.append(f"{c},r{r},{d},2026-11-03,T,S,{conf}")
    path.write_text("case_id,reviewer,decision,date,team,site,confidence\n" + "\n".join(rows))
    return path


def run_csv(path: Path, version: str = "v1", model: dict | None = None) -> Path:
    lines = [
        f"{case},{decision},{score},{version}"
        for case, (decision, score) in (model or MODEL).items()
    ]
    path.write_text("case_id,decision,score,model_version\n" + "\n".join(lines) + "\n")
    return path
