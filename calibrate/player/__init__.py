"""Video playback: libVLC behind VideoPlayer, probes for missing libVLC or files, shields."""

from calibrate.player.clock import format_clock
from calibrate.player.lifetime import release_shared_instance
from calibrate.player.playback import PlayerState
from calibrate.player.probe import shared_instance
from calibrate.player.shields import Shields
from calibrate.player.vlc_player import VideoPlayer

__all__ = [
    "PlayerState",
    "Shields",
    "VideoPlayer",
    "format_clock",
    "release_shared_instance",
    "shared_instance",
]
