"""What a scan of lesson folders found, without importing the loader (and pydantic)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calibrate.core.errors import Problem
    from calibrate.core.models import Pack


class LoadResult:
    """The packs that loaded and every problem found on the way.

    A plain class: the first screen starts with an empty one, and a dataclass would cost
    ~1 ms of start-up to build."""

    def __init__(self, packs: list[Pack] | None = None, problems: list[Problem] | None = None):
        self.packs: list[Pack] = [] if packs is None else packs
        self.problems: list[Problem] = [] if problems is None else problems
        self.folders: list[str] = []  # the lessons folders read, for naming files within them

    def __repr__(self) -> str:
        return f"LoadResult({len(self.packs)} packs, {len(self.problems)} problems)"
