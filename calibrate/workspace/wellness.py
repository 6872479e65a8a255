"""ws.wellness: exposure care over the database — what applies to a moderator on a pack,
their warned-clip time (per session and per day, written as it is measured so a crash
keeps it), their choice to go on after a break, and their own settings. Qt-free; the rules
are core/wellness.py's, docs/lesson-format.md ("Exposure care") states them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from calibrate.core.errors import StoreError
from calibrate.core.wellness import (
    MAX_BREAK_AFTER_MINUTES,
    MAX_INTERSTITIAL_SECONDS,
    MIN_BREAK_AFTER_MINUTES,
    SHIELDS,
    Exposure,
    PersonalWellness,
    WellnessPolicy,
    effective_policy,
)
from calibrate.store import wellness as rows

if TYPE_CHECKING:
    from calibrate.core.models import Pack, Profile
    from calibrate.workspace import Workspace


class WellnessManager:
    def __init__(self, ws: Workspace):
        self._ws = ws
        # What "today" is (the machine's local day) and what time it is: a test sets fakes.
        self.today: Callable[[], date] = lambda: datetime.now().astimezone().date()
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def personal(self, profile: Profile) -> PersonalWellness:
        return rows.personal_wellness(self._ws.db, profile.id)

    def save_personal(self, profile: Profile, personal: PersonalWellness) -> None:
        """Keep the moderator's own settings; StoreError (nothing written) for a value out
        of range. A break later than the organisation's is kept and simply not applied."""
        minutes = personal.break_after_minutes
        if minutes is not None and not (
            MIN_BREAK_AFTER_MINUTES <= minutes <= MAX_BREAK_AFTER_MINUTES
        ):
            raise StoreError(
                f"a break after {minutes} min: choose {MIN_BREAK_AFTER_MINUTES} to "
                f"{MAX_BREAK_AFTER_MINUTES} minutes"
            )
        if not 0 <= personal.interstitial_seconds <= MAX_INTERSTITIAL_SECONDS:
            raise StoreError(
                f"a pause of {personal.interstitial_seconds} s after a warned case: choose 0 "
                f"to {MAX_INTERSTITIAL_SECONDS} seconds"
            )
        unknown = sorted(personal.shields - frozenset(SHIELDS))
        if unknown:
            raise StoreError(f"unknown shield {unknown[0]!r}: {', '.join(SHIELDS)}")
        rows.save_personal_wellness(self._ws.db, profile.id, personal)

    def policy(self, profile: Profile, pack: Pack | None) -> WellnessPolicy:
        """The organisation's defaults of the pack, made stricter by the moderator's own."""
        org = pack.wellness if pack is not None else WellnessPolicy()
        return effective_policy(org, self.personal(profile))

    def log(self, profile: Profile, session_id: str) -> ExposureLog:
        """Where one session's exposure is written and read."""
        return ExposureLog(self, profile.id, session_id)

    def _day(self) -> str:
        return self.today().isoformat()


class ExposureLog:
    """One moderator's session: each stretch of warned clip played, written at once."""

    def __init__(self, manager: WellnessManager, profile_id: str, session_id: str):
        self._manager, self.profile_id, self.session_id = manager, profile_id, session_id

    def record(self, case_id: str, ms: int) -> None:
        db, now = self._manager._ws.db, self._manager.now()
        rows.insert_exposure(db, self.profile_id, self.session_id, case_id, self._day(), ms, now)

    def exposure(self) -> Exposure:
        db, now = self._manager._ws.db, self._manager.now()
        return rows.exposure(db, self.profile_id, self.session_id, self._day(), now)

    def go_on(self) -> None:
        """The moderator chose to go on after a break: warned clips play again."""
        rows.insert_went_on(self._manager._ws.db, self.profile_id, self._day(), self._manager.now())

    def _day(self) -> str:
        return self._manager._day()


class MemoryExposureLog:
    """The same calls, kept in memory: a trainer's preview records nothing."""

    def __init__(self) -> None:
        self._total = 0
        self._at_go_on = 0

    def record(self, case_id: str, ms: int) -> None:
        self._total += max(0, int(ms))

    def exposure(self) -> Exposure:
        return Exposure(self._total, self._total, self._total - self._at_go_on)

    def go_on(self) -> None:
        self._at_go_on = self._total
