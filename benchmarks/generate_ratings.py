"""Seeded synthetic ratings for benchmarks: cases × raters, a few categories, missing cells.

Each case has a true decision and a difficulty; each rater has a skill. A rater matches the
true decision with a probability set by both, else picks another decision at random. Rows
are written in shuffled order, as an export of answers over time would be.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

DECISIONS = ("allow", "restrict", "warn", "remove", "limit", "escalate")


def generate(
    out: Path,
    *,
    cases: int = 10_000,
    raters: int = 100,
    categories: int = 4,
    missing: float = 0.10,
    seed: int = 7,
    gold: Path | None = None,
) -> int:
    """Write RATINGS.csv (and GOLD.csv if asked); return the number of ratings written."""
    rng = np.random.default_rng(seed)
    labels = np.array(DECISIONS[:categories] if categories <= len(DECISIONS)
                      else [f"d{i}" for i in range(categories)])
    truth = rng.integers(0, categories, size=cases)
    difficulty = rng.beta(2, 5, size=cases)
    skill = rng.beta(8, 2, size=raters)
    p_right = np.clip(skill[None, :] * (1 - difficulty[:, None]) + 0.1, 0, 1)
    right = rng.random((cases, raters)) < p_right
    other = (truth[:, None] + rng.integers(1, categories, size=(cases, raters))) % categories
    chosen = np.where(right, truth[:, None], other)
    present = rng.random((cases, raters)) >= missing
    case_idx, rater_idx = np.nonzero(present)
    order = rng.permutation(case_idx.size)
    case_idx, rater_idx = case_idx[order], rater_idx[order]
    width = len(str(cases))
    case_names = np.array([f"c{i:0{width}d}" for i in range(cases)])
    rater_names = np.array([f"r{i:03d}" for i in range(raters)])
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "rater_id", "label"])
        step = 200_000
        for start in range(0, case_idx.size, step):
            c, r = case_idx[start:start + step], rater_idx[start:start + step]
            writer.writerows(zip(case_names[c], rater_names[r], labels[chosen[c, r]],
                                 strict=True))
    if gold is not None:
        with gold.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["case_id", "gold"])
            writer.writerows(zip(case_names, labels[truth], strict=True))
    return int(case_idx.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--raters", type=int, default=100)
    parser.add_argument("--categories", type=int, default=4)
    parser.add_argument("--missing", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = generate(args.out, cases=args.cases, raters=args.raters, categories=args.categories,
                 missing=args.missing, seed=args.seed, gold=args.gold)
    print(f"{args.out}: {n} ratings")


if __name__ == "__main__":
    main()
