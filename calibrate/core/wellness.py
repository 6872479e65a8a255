"""Exposure care, pure: the shields a warned clip starts with, when a break is due, and how
an organisation's defaults (the pack's `[wellness]`) and a moderator's own combine.

- Exposure is wall-clock time a warned clip plays, shielded or not (a paused clip, the
  warning card and the answer form are no exposure). It is kept per session and per day.
- A break is due once the exposure of the current stretch of work reaches
  `break_after_minutes`. A stretch starts when the moderator last chose to go on, or after
  a rest of REST_HOURS with no warned clip playing, whichever is later; midnight ends
  nothing (a night shift is one stretch), and neither does leaving a lesson or a room.
  Until they choose to go on, warned clips are held; in a live room the current case is
  skipped instead (the room does not wait).
- A moderator's own settings may only be stricter than the organisation's: an earlier
  break, more shields. `effective_policy` takes the stricter of each, so a looser personal
  setting simply has no effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

# Pack spelling of the shields, in the order the screens list them.
ShieldName = Literal["grayscale", "blur", "mute"]
SHIELDS: tuple[ShieldName, ...] = ("grayscale", "blur", "mute")
SHIELD_WORDS = {"grayscale": "grayscale", "blur": "blurred", "mute": "muted"}
DEFAULT_BREAK_AFTER_MINUTES = 20
MIN_BREAK_AFTER_MINUTES, MAX_BREAK_AFTER_MINUTES = 1, 240
MAX_INTERSTITIAL_SECONDS = 30
FLUSH_EVERY_MS = 5000  # exposure is written at least this often while a clip plays
# This long without a warned clip playing is a rest that ends a stretch of work (a night's
# sleep, the time between two shifts): what was watched before it no longer counts toward
# the next break. Shorter gaps (answering, lunch, a meeting) do not, as before.
REST_HOURS = 8


@dataclass(frozen=True)
class WellnessPolicy:
    """What applies to one moderator on one pack: when a break is due, the shields a warned
    clip starts with, and the seconds of neutral screen after a warned case (0: none)."""

    break_after_minutes: int = DEFAULT_BREAK_AFTER_MINUTES
    shields: frozenset[str] = frozenset(SHIELDS)
    interstitial_seconds: int = 0

    @property
    def break_after_ms(self) -> int:
        return self.break_after_minutes * 60_000

    def shield_flags(self) -> dict[str, bool]:
        """The shields as the player names them (grayscale, blurred, muted)."""
        return {
            "grayscale": "grayscale" in self.shields,
            "blurred": "blur" in self.shields,
            "muted": "mute" in self.shields,
        }

    def shield_words(self) -> str:
        """ "grayscale, blurred and muted" — for the warning card ("" with no shield)."""
        words = [SHIELD_WORDS[s] for s in SHIELDS if s in self.shields]
        if len(words) < 2:
            return "".join(words)
        return f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class PersonalWellness:
    """A moderator's own settings. None / empty: the organisation's."""

    break_after_minutes: int | None = None
    shields: frozenset[str] = frozenset()
    interstitial_seconds: int = 0


def effective_policy(org: WellnessPolicy, personal: PersonalWellness) -> WellnessPolicy:
    """The stricter of the two, key by key: the earlier break, every shield either asks for."""
    minutes = org.break_after_minutes
    if personal.break_after_minutes is not None:
        minutes = min(minutes, max(MIN_BREAK_AFTER_MINUTES, personal.break_after_minutes))
    seconds = min(MAX_INTERSTITIAL_SECONDS, max(0, personal.interstitial_seconds))
    return WellnessPolicy(
        break_after_minutes=minutes,
        shields=org.shields | (personal.shields & frozenset(SHIELDS)),
        interstitial_seconds=max(org.interstitial_seconds, seconds),
    )


def looser_than(org: WellnessPolicy, personal: PersonalWellness) -> list[str]:
    """What in `personal` would loosen the organisation's defaults (and is not applied)."""
    found = []
    if personal.break_after_minutes is not None and (
        personal.break_after_minutes > org.break_after_minutes
    ):
        found.append(
            f"a break after {personal.break_after_minutes} min: your organisation asks for one "
            f"after {org.break_after_minutes} min"
        )
    return found


@dataclass(frozen=True)
class Exposure:
    """Warned-clip time of one moderator, in ms: today, in the session, since the last break."""

    today_ms: int = 0
    session_ms: int = 0
    since_break_ms: int = 0

    def break_due(self, policy: WellnessPolicy) -> bool:
        return self.since_break_ms >= policy.break_after_ms


def format_minutes(ms: int) -> str:
    """ "1 min", "12 min", "less than a minute"."""
    minutes = ms // 60_000
    return "less than a minute" if minutes < 1 else f"{minutes} min"


def stretch_ms(played: Sequence[tuple[float, int]], now: float) -> int:
    """The ms of warned clips in the stretch of work going on at `now`: `played` is each
    written stretch of clip (when it was written, its ms), oldest first, all since the last
    "go on"; times in seconds (a float per row: this runs each second a warned clip plays).
    Walking back from now, a gap of REST_HOURS or more ends the stretch."""
    rest_s = REST_HOURS * 3600.0
    total, later = 0, now
    for written_at, ms in reversed(played):
        if later - written_at >= rest_s:
            break
        total += ms
        later = written_at - ms / 1000.0
    return total
