"""A moderator's profile, on its own so the first screen loads without the lesson models."""

from __future__ import annotations

from typing import NamedTuple


# A NamedTuple, not a frozen dataclass: the first screen builds this class, and a dataclass
# costs ~1.5 ms to build (its methods are compiled from source), a NamedTuple ~0.3 ms.
class Profile(NamedTuple):
    id: str
    name: str
    team: str = ""
    site: str = ""
