"""ws.profiles: who takes lessons (name, team, site) and the lead/trainer passcodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.store import catalog, settings

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
