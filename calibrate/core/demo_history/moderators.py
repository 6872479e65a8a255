"""Who the demo hires: three teams at two sites, each moderator with a latent skill and bias."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from calibrate.core.demo_history.words import AMBIGUOUS, NAMES
from calibrate.core.models import Profile

OVER_ENFORCING_SITE = "Manila"
SITE_BIAS = 0.22  # rungs: how far the over-enforcing site's judgement sits above the golden


@dataclass(frozen=True)
class Team:
    name: str
    site: str
    pack_id: str  # the policy the team enforces day to day
    size: int


TEAMS = (
    Team("Graphic EU", "Lisbon", "graphic-content", 14),
    Team("Harassment EU", "Lisbon", "harassment", 13),
    Team("Graphic APAC", "Manila", "graphic-content", 13),
)


@dataclass
class Moderator:
    profile: Profile
    own_pack: str
    noise: float
    bias: float
    overconfidence: float
    speed: float
    skip_rate: float
    note_rate: float
    join_day: int
    camps: dict[str, int] = field(default_factory=dict)  # ambiguous case id -> reading 0/1
    busy: set[tuple[int, int]] = field(default_factory=set)  # (working day, hour) taken


def hire(rng: np.random.Generator, new_id: Callable[[], str]) -> list[Moderator]:
    """Every team's moderators, then their camps on the ambiguous cases."""
    moderators: list[Moderator] = []
    for team in TEAMS:
        pool = NAMES[team.site]
        taken = {m.profile.name for m in moderators}
        names = [n for n in (pool[i] for i in rng.permutation(len(pool))) if n not in taken]
        for k in range(team.size):
            bias = rng.normal(0.0, 0.1) + (SITE_BIAS if team.site == OVER_ENFORCING_SITE else 0.0)
            moderators.append(
                Moderator(
                    profile=Profile(new_id(), names[k], team.name, team.site),
                    own_pack=team.pack_id,
                    noise=float(np.clip(np.exp(rng.normal(np.log(0.3), 0.35)), 0.14, 0.8)),
                    bias=float(bias),
                    overconfidence=float(rng.normal(0.2, 0.4)),
                    speed=float(np.exp(rng.normal(0.0, 0.25))),
                    skip_rate=float(rng.choice([0.01, 0.2], p=[0.88, 0.12])),
                    note_rate=float(rng.choice([0.5, 1.0, 2.5], p=[0.4, 0.45, 0.15])),
                    # The last hire of each team joined mid-way and catches up.
                    join_day=int(rng.integers(10, 18)) if k == team.size - 1 else 0,
                )
            )
    _pair_camps(moderators, rng)
    return moderators


def _pair_camps(moderators: list[Moderator], rng: np.random.Generator) -> None:
    """Pair moderators of similar skill into opposite camps of each ambiguous case."""
    ordered = sorted(moderators, key=lambda m: m.noise)
    for case_id in AMBIGUOUS:
        for i in range(0, len(ordered), 2):
            flip = int(rng.integers(2))
            for j, m in enumerate(ordered[i : i + 2]):
                m.camps[case_id] = (j + flip) % 2
