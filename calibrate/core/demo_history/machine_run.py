"""The demo's model run (docs/machine-raters.md): an enforcement model scored beside the
demo moderators, with two faults a policy team should see on the scoreboard — it
over-enforces on satire and comedy (their cases' text says so), and it misses one
escalation, confidently. Otherwise it is right, but for one case it under-enforces."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from calibrate.core.machines.rows import CheckedRun, check_rows, known_cases
from calibrate.core.models import Case, Pack

DEMO_RUN_NAME = "policy-llm"
DEMO_MODEL_VERSION = "2026-11-demo"
COMEDY_WORDS = ("satire", "parody", "roast")  # the model reads these as mockery


def _comic(case: Case) -> bool:
    text = f"{case.id} {case.title} {case.rationale}".lower()
    return any(word in text for word in COMEDY_WORDS)


def demo_run_rows(packs: Sequence[Pack], seed: int) -> list[tuple[int, dict[str, str]]]:
    """The run's CSV rows as `check_rows` reads them (row numbers from 2, as in a file)."""
    rng = np.random.default_rng([seed, 8])
    cases = [(pack, case) for pack in packs for case in sorted(pack.cases.values(), key=_id)]
    escalations = [c for p, c in cases if c.golden.decision not in p.scale.ladder]
    missed = escalations[-1].id if escalations else None
    # The lenient slip falls in a pack without comedy, so the faults stay apart.
    plain = [
        c.id
        for p, c in cases
        if c.golden.decision in p.scale.ladder and not any(map(_comic, p.cases.values()))
    ]
    lenient = plain[int(rng.integers(len(plain)))] if plain else None
    rows = []
    for row, (pack, case) in enumerate(cases, start=2):
        ladder, golden = pack.scale.ladder, case.golden.decision
        decision, score = golden, float(rng.uniform(0.72, 0.97))
        if _comic(case) and golden in ladder:
            decision, score = ladder[-1], 0.9  # removes the joke, sure of itself
        elif case.id == missed:
            decision, score = ladder[-1], 0.85  # removes a threat that needed escalating
        elif case.id == lenient and ladder.index(golden) > 0:
            decision, score = ladder[ladder.index(golden) - 1], 0.6
        rows.append(
            (
                row,
                {
                    "pack_id": pack.id,
                    "case_id": case.id,
                    "decision": decision,
                    "score": f"{score:.2f}",
                    "model_version": DEMO_MODEL_VERSION,
                },
            )
        )
    return rows


def demo_run(packs: Sequence[Pack], seed: int) -> CheckedRun:
    """The demo's run, checked as an imported file is."""
    return check_rows("demo", demo_run_rows(packs, seed), known_cases(packs))


def _id(case: Case) -> str:
    return case.id
