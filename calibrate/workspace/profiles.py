"""ws.profiles: who takes lessons (name, team, site) and the lead/trainer passcodes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from calibrate.store import catalog, settings

# The player's speeds and volume a moderator may keep (calibrate/player/clock.py's range).
MIN_SPEED, MAX_SPEED = 0.25, 3.0

if TYPE_CHECKING:
    from calibrate.core.profiles import Profile
    from calibrate.workspace import Workspace


class ProfilesManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def listed(self) -> list[Profile]:
        """Every profile, on the plain connection (the first screen lists them before
        sqlite-utils is loaded)."""
        return catalog.list_profiles(self._ws.connection)

    def create(self, name: str, team: str, site: str) -> Profile:
        return catalog.create_profile(self._ws.db, name, team, site)

    def passcode_hash(self, role: str) -> str | None:
        return settings.passcode_hash(self._ws.db, role)

    def set_passcode_hash(self, role: str, new_hash: str, event: str) -> None:
        settings.set_passcode_hash(self._ws.db, role, new_hash, event)

    def passcode_resets(self, role: str) -> tuple[int, str | None]:
        """How often the role's passcode was reset without the old one, and when last."""
        return settings.passcode_resets(self._ws.db, role)

    def player_settings(self, profile_id: str) -> tuple[float | None, int | None]:
        """The speed and volume (percent) this moderator last chose in the player; None for
        one never chosen, or one the database holds out of range (then the default)."""
        db = self._ws.connection
        speed = _number(settings.get_meta(db, f"player_speed:{profile_id}"))
        volume = _number(settings.get_meta(db, f"player_volume:{profile_id}"))
        return (
            speed if speed is not None and MIN_SPEED <= speed <= MAX_SPEED else None,
            int(volume) if volume is not None and 0 <= volume <= 100 else None,
        )

    def keep_player_speed(self, profile_id: str, speed: float) -> None:
        """Keep the moderator's speed for their next clips (and the next start)."""
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(f"speed {speed} is outside {MIN_SPEED}-{MAX_SPEED}")
        settings.set_meta(self._ws.db, f"player_speed:{profile_id}", f"{speed:g}")

    def keep_player_volume(self, profile_id: str, volume: int) -> None:
        """Keep the moderator's volume (0-100 %)."""
        if not 0 <= volume <= 100:
            raise ValueError(f"volume {volume} is outside 0-100")
        settings.set_meta(self._ws.db, f"player_volume:{profile_id}", str(int(volume)))


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None
