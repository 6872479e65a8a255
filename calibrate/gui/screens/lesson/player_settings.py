"""The moderator's own player speed and volume: applied to each player they use, and kept
(through ws.profiles, in the database) whenever they choose another, so the next case, the
reveal's "Show me" and the next start of the app play at the same speed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calibrate.gui.screens.lesson.case import CaseScreen
    from calibrate.gui.screens.lesson.reveal import RevealScreen
    from calibrate.gui.widgets.player_controls import PlayerPanel
    from calibrate.workspace.profiles import ProfilesManager

log = logging.getLogger(__name__)


def keep_player_settings(
    case_screen: CaseScreen, reveal: RevealScreen, profiles: ProfilesManager, profile_id: str
) -> None:
    """The case screen's player and the reveal's "Show me" player follow the moderator's
    kept speed and volume, and keep what they choose."""

    def follow(panel: PlayerPanel) -> None:
        try:
            panel.apply_settings(*profiles.player_settings(profile_id))
        except Exception:  # a preference unread is no reason to stop a lesson
            log.exception("player settings not read")
        panel.speed_chosen.connect(lambda speed: _keep(profiles.keep_player_speed, speed))
        panel.volume_chosen.connect(lambda volume: _keep(profiles.keep_player_volume, volume))

    def _keep(keep, value) -> None:  # noqa: ANN001 - one of the two keep_player_* methods
        try:
            keep(profile_id, value)
        except Exception:  # a busy database: the choice holds for this run only
            log.exception("player setting not kept")

    follow(case_screen.player)
    reveal.show_me.on_panel_created = follow
