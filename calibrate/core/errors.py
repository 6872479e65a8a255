"""The CalibrateError family: typed errors that carry where the problem is, and the two
helpers every message counts and lists with (`3 problems`, `a, b and c`)."""

from __future__ import annotations

from typing import NamedTuple


class CalibrateError(Exception):
    """Base of every error Calibrate expects and explains to the user."""


class Problem(NamedTuple):
    """One located problem in a lesson file: what `calibrate validate` prints as a line.

    A NamedTuple rather than a frozen dataclass: every start imports this module, and a
    dataclass costs ~1.5 ms to build (its methods are compiled from source)."""

    file: str
    line: int | None
    key_path: str | None
    message: str

    @property
    def is_warning(self) -> bool:
        """`warning:` lines are advice: they leave validate's exit code and a lesson alone."""
        return self.message.startswith("warning:")

    def format(self, relative_to: str | None = None) -> str:
        """`FILE:LINE: KEY.PATH: message`; LINE is `-` where none exists, no KEY.PATH for files."""
        import os

        file = self.file
        if relative_to is not None:
            try:
                file = os.path.relpath(self.file, relative_to)
            except ValueError:  # another drive on Windows
                pass
        line = str(self.line) if self.line is not None else "-"
        if self.key_path:
            return f"{file}:{line}: {self.key_path}: {self.message}"
        return f"{file}:{line}: {self.message}"


# Keys of a case file that hold the answer: a problem there quotes it ("unknown decision
# 'remove'"), so the app's own screens say only where it is (DESIGN.md, "Blind means blind").
ANSWER_KEYS = ("golden", "moments", "rationale")


def shown_to_moderators(problem: Problem, relative_to: str | None = None) -> str:
    """The problem as the app shows it: located as ever, but a problem in a key that holds
    the golden answer is not quoted (`calibrate validate` prints it whole for the trainer)."""
    key = problem.key_path or ""
    if key.split(".")[0].split("[")[0] not in ANSWER_KEYS:
        return problem.format(relative_to)
    hidden = problem._replace(
        message="a problem in the golden answer (details hidden here, "
        "as moderators use this screen; `calibrate validate` "
        "prints them)"
    )
    return hidden.format(relative_to)


class LessonError(CalibrateError):
    """A lesson pack could not be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        first = self.problems[0].format() if self.problems else "invalid lesson pack"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class StoreError(CalibrateError):
    """The database cannot be used as asked (not SQLite, newer schema, locked, ...)."""


class ExchangeError(CalibrateError):
    """A file or database refused for an import, export or demo; the message is one line."""


class SessionFlowError(CalibrateError):
    """A step was asked of the session flow that its current state does not allow."""


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 rater`, `2 raters`, `0 raters`: a count with its noun, as a sentence reads it."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def listed(parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`: several things named in one sentence."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"
