"""Headless commands, one module each; `calibrate.cli` wires them into argparse.

Each module defines `register(subparsers)` (adds its parser and sets `run=`) and
`run(args) -> int` (the exit code). Heavy imports stay inside `run` to keep start-up lean.
"""

import argparse
from pathlib import Path


class CommandParser(argparse.ArgumentParser):
    """argparse whose refusals say why on the first stderr line (DESIGN.md: exit 2, the
    first line says why), the usage after it; argparse puts the usage first."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n{self.format_usage()}")


def make_parent_folder(path: Path) -> None:
    """Create the missing folders above an output file (report, export and demo all do);
    a file in the way, or a refusal, is a CalibrateError: one line naming the path."""
    from calibrate.core.errors import CalibrateError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocker = next((p for p in path.parents if p.exists()), None)
        reason = (
            f"{blocker} is a file, not a folder"
            if blocker and not blocker.is_dir()
            else error.strerror or str(error)
        )
        raise CalibrateError(f"{path}: cannot create its folder ({reason})") from None


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
