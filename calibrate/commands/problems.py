"""A refused input's problems on stderr, the same way for every command (DESIGN.md "Exit
codes"): the first line says why, and where there are several problems up to
MAX_PROBLEMS_SHOWN lines follow, one per problem — never more."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from calibrate.core.errors import counted

MAX_PROBLEMS_SHOWN = 20


def print_problems(
    prefix: str,
    problems: Sequence[str],
    outcome: str = "nothing was imported",
    *,
    why: str | None = None,
    all_counted: bool = True,
) -> None:
    """`PREFIX: WHY; OUTCOME`, then up to MAX_PROBLEMS_SHOWN of `problems`, one a line.

    WHY is `why` when given (an invalid pack's message, `outcome` "" when it says it), else
    the one problem alone on its line, else `N problems` — `at least N problems` when the
    check stopped collecting (`all_counted` False) — with `(M more not shown)` when some are
    left out; after a given `why`, that is said as `(the first 20 follow)`."""
    shown = list(problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - len(shown)
    if why is None and len(problems) == 1 and all_counted:
        head, shown = problems[0], []
    elif why is None:
        head = ("" if all_counted else "at least ") + counted(len(problems), "problem")
        head += f" ({more} more not shown)" if more > 0 else ""
    else:
        head = why + (f" (the first {len(shown)} follow)" if more > 0 else "")
    print(f"{prefix}: {head}" + (f"; {outcome}" if outcome else ""), file=sys.stderr)
    for line in shown:
        print(line, file=sys.stderr)
