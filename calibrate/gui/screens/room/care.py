"""Exposure care in a live room: the lesson's (gui/screens/lesson/exposure.py), except that
a break skips the case on screen instead of pausing it — the room never waits."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from calibrate.core.models import Pack
from calibrate.core.profiles import Profile
from calibrate.core.stamps import new_id
from calibrate.core.wellness import WellnessPolicy
from calibrate.gui.context import AppContext
from calibrate.gui.screens.lesson.case import CaseScreen
from calibrate.gui.screens.lesson.exposure import ExposureCare


class RoomCare(ExposureCare):
    def __init__(
        self,
        context: AppContext,
        profile: Profile,
        case_screen: CaseScreen,
        show_screen: Callable[[QWidget], None],
    ):
        # Exposure in a room is kept under one id per joining (the room's sessions are the
        # host's; the day's total is what the break counts).
        log = context.wellness.log(profile, f"live-{new_id()}")
        super().__init__(case_screen, show_screen, log, in_room=True)
        self._context, self._profile = context, profile

    def policy_for(self, installed: Pack | None) -> WellnessPolicy:
        """The installed copy's [wellness] (a room pack received carries none: the
        defaults), made stricter by the moderator's own settings."""
        return self._context.wellness.policy(self._profile, installed)


def room_care(
    context: AppContext,
    profile: Profile,
    case_screen: CaseScreen,
    show_screen: Callable[[QWidget], None],
) -> RoomCare:
    return RoomCare(context, profile, case_screen, show_screen)
