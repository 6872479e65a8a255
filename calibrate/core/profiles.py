"""A moderator's profile, on its own so the first screen loads without the lesson models."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    team: str = ""
    site: str = ""
