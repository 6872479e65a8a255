"""Counts in sentences, the same in the app, the report and the command line."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 rater`, `2 raters`, `0 raters`: a count with its noun, as a sentence reads it."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def listed(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`: several things named in one sentence."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"
