"""The host's running commentary: one short line per event a trainer wants to see (who
joined or left, which step is open, a case locked, the end, a resumed room).

The lines hold counts, step numbers and participants' names only — never a golden answer,
a clause, a rationale, a moment or how the room split: the host's terminal may be projected
to the room. Names come from participants, so they are printed without control characters
(no escape sequence reaches the trainer's terminal) and cut short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Tell = Callable[[str], None]
NAME_CHARS = 60


def silent(_line: str) -> None:
    """The default: a room nobody narrates (tests, the GUI until it shows these)."""


def shown_name(name: str) -> str:
    clean = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    return clean if len(clean) <= NAME_CHARS else clean[: NAME_CHARS - 1] + "…"


def step_label(steps: Sequence[tuple[str, str]], step: int) -> str:
    """`case 2/3` or `slide 1/2`: the step's place among the steps of its kind."""
    kind = steps[step][0]
    number = sum(1 for k, _ in steps[: step + 1] if k == kind)
    return f"{kind} {number}/{sum(1 for k, _ in steps if k == kind)}"


def joined(name: str, again: bool, connected: int, expect: int, waiting: bool) -> str:
    count = f"{connected}/{expect}" if waiting and expect else f"{connected} connected"
    return f"{'rejoined' if again else 'joined'}: {shown_name(name)} ({count})"


def left(name: str, connected: int) -> str:
    return f"left: {shown_name(name)} ({connected} connected)"


def removed(name: str) -> str:
    return f"removed by the host: {shown_name(name)}"


def opened(steps: Sequence[tuple[str, str]], step: int) -> str:
    return f"{step_label(steps, step)} open"


def locked(steps: Sequence[tuple[str, str]], step: int, answered: int, of: int) -> str:
    return f"{step_label(steps, step)} locked: {answered}/{of} answered"


def count(n: int, word: str) -> str:
    """`1 answer`, `15 answers`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def ended(answers: int) -> str:
    return f"ended: {count(answers, 'answer')} recorded"


def resumed(steps: Sequence[tuple[str, str]], step: int) -> str:
    """Where a resumed room picks up (`step` -1: it never started)."""
    if not 0 <= step < len(steps):
        return "resumed before the first step"
    kind, number_of = step_label(steps, step).split(" ", 1)
    number, total = number_of.split("/")
    return f"resumed at {kind} {number} of {total}"
