"""Seeded synthetic ratings for benchmarks: cases × raters, a few categories, missing cells.

Each case has a true decision and a difficulty; each rater has a skill. A rater matches the
true decision with a probability set by both, else picks another decision at random. Rows
are written in shuffled order, as an export of answers over time would be.

`generate` holds the whole case × rater grid in memory (fine up to a few million ratings);
`generate_streamed` writes files of any size (2 GB and beyond) in constant memory: each
cell's draws come from a hash of its index, and rows follow a fixed affine permutation of
the cells, so consecutive rows land on cases and raters all over the grid.
"""

from __future__ import annotations

import argparse
import csv
import math
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
    labels = np.array(
        DECISIONS[:categories]
        if categories <= len(DECISIONS)
        else [f"d{i}" for i in range(categories)]
    )
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
            c, r = case_idx[start : start + step], rater_idx[start : start + step]
            writer.writerows(zip(case_names[c], rater_names[r], labels[chosen[c, r]], strict=True))
    if gold is not None:
        with gold.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["case_id", "gold"])
            writer.writerows(zip(case_names, labels[truth], strict=True))
    return int(case_idx.size)


def _uniform(cell: np.ndarray, salt: int) -> np.ndarray:
    """A uniform draw in [0, 1) per cell: splitmix64 of (cell, salt)."""
    with np.errstate(over="ignore"):
        z = cell.astype(np.uint64) * np.uint64(4) + np.uint64(salt)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _names(prefix: str, n: int, width: int) -> np.ndarray:
    """n × (len(prefix) + width) bytes: prefix and a zero-padded number, as uint8."""
    digits = (np.arange(n)[:, None] // 10 ** np.arange(width - 1, -1, -1)[None, :]) % 10
    out = np.empty((n, len(prefix) + width), dtype=np.uint8)
    out[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    out[:, len(prefix) :] = digits + ord("0")
    return out


def generate_streamed(
    out: Path,
    *,
    cases: int = 1_000_000,
    raters: int = 110,
    categories: int = 4,
    missing: float = 0.10,
    seed: int = 7,
    gold: Path | None = None,
    step: int = 1_000_000,
) -> int:
    """Write RATINGS.csv (and GOLD.csv if asked) in constant memory; return the ratings."""
    rng = np.random.default_rng(seed)
    labels = list(
        DECISIONS[:categories]
        if categories <= len(DECISIONS)
        else [f"d{i}" for i in range(categories)]
    )
    truth = rng.integers(0, categories, size=cases)
    difficulty = rng.beta(2, 5, size=cases)
    skill = rng.beta(8, 2, size=raters)
    case_names = _names("c", cases, len(str(max(cases - 1, 0))))
    rater_names = _names("r", raters, max(3, len(str(max(raters - 1, 0)))))
    longest = max(len(x) for x in labels)
    label_bytes = np.zeros((categories, longest), dtype=np.uint8)
    for i, text in enumerate(labels):
        label_bytes[i, : len(text)] = np.frombuffer(text.encode(), dtype=np.uint8)
    label_len = np.array([len(x) for x in labels])
    cells = cases * raters
    stride = int(cells * 0.6180339887) | 1  # coprime with cells: a permutation of them
    while math.gcd(stride, cells) != 1:
        stride += 2
    offset = int(rng.integers(0, cells))
    width_case, width_rater = case_names.shape[1], rater_names.shape[1]
    total = 0
    with out.open("wb") as handle:
        handle.write(b"case_id,rater_id,label\n")
        for start in range(0, cells, step):
            i = np.arange(start, min(start + step, cells), dtype=np.int64)
            cell = (i * stride + offset) % cells
            cell = cell[_uniform(cell, 0) >= missing]
            case, rater = cell // raters, cell % raters
            p_right = np.clip(skill[rater] * (1 - difficulty[case]) + 0.1, 0, 1)
            other = (
                truth[case] + 1 + (_uniform(cell, 2) * (categories - 1)).astype(np.int64)
            ) % categories
            label = np.where(_uniform(cell, 1) < p_right, truth[case], other)
            row = np.zeros((cell.size, width_case + width_rater + longest + 3), dtype=np.uint8)
            keep = np.ones(row.shape, dtype=bool)
            row[:, :width_case] = case_names[case]
            row[:, width_case] = ord(",")
            at = width_case + 1
            row[:, at : at + width_rater] = rater_names[rater]
            row[:, at + width_rater] = ord(",")
            at += width_rater + 1
            row[:, at : at + longest] = label_bytes[label]
            row[:, -1] = ord("\n")
            keep[:, at : at + longest] = np.arange(longest)[None, :] < label_len[label][:, None]
            handle.write(row[keep].tobytes())
            total += cell.size
    if gold is not None:
        with gold.open("w", newline="", encoding="utf-8") as handle:
            handle.write("case_id,gold\n")
            for start in range(0, cases, step):
                part = slice(start, min(start + step, cases))
                handle.writelines(
                    f"{bytes(name).decode()},{labels[t]}\n"
                    for name, t in zip(case_names[part], truth[part], strict=True)
                )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--raters", type=int, default=100)
    parser.add_argument("--categories", type=int, default=4)
    parser.add_argument("--missing", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--streamed",
        action="store_true",
        help="constant memory, for files of any size (e.g. --cases 1000000 --raters 110: ~2 GB)",
    )
    args = parser.parse_args()
    make = generate_streamed if args.streamed else generate
    n = make(
        args.out,
        cases=args.cases,
        raters=args.raters,
        categories=args.categories,
        missing=args.missing,
        seed=args.seed,
        gold=args.gold,
    )
    print(f"{args.out}: {n} ratings")


if __name__ == "__main__":
    main()
