"""Video playback: libVLC behind VideoPlayer, probes for missing libVLC or files, shields."""

from calibrate.player.shields import Shields
from calibrate.player.vlc_player import (
    PlayerState,
    VideoPlayer,
    format_clock,
    release_shared_instance,
    shared_instance,
)

__all__ = [
    "PlayerState",
    "Shields",
    "VideoPlayer",
    "format_clock",
    "release_shared_instance",
    "shared_instance",
]
