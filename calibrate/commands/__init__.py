"""Headless commands, one module each; `calibrate.cli` wires them into argparse.

Each module defines `register(subparsers)` (adds its parser and sets `run=`) and
`run(args) -> int` (the exit code). Heavy imports stay inside `run` to keep start-up lean.
"""

import argparse


def whole_number(text: str) -> int:
    """argparse type for counts and seeds: a whole number ≥ 0, or a clear usage error."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}")
    return value


def resample_count(text: str) -> int:
    """argparse type for --bootstrap: 0 (no interval) up to MAX_RESAMPLES."""
    value = whole_number(text)
    if value > MAX_RESAMPLES:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_RESAMPLES:,} resamples (1,000–10,000 give stable intervals), "
            f"got {text!r}"
        )
    return value


MAX_RESAMPLES = 100_000
