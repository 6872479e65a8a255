"""What a scan of lesson folders found, without importing the loader (and pydantic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calibrate.core.errors import Problem

if TYPE_CHECKING:
    from calibrate.core.models import Pack


@dataclass
class LoadResult:
    """The packs that loaded and every problem found on the way."""

    packs: list[Pack] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
