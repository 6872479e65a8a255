"""The playback clock's arithmetic, without libVLC: what position a paused start names."""

from __future__ import annotations

from types import SimpleNamespace

from calibrate.player.clock import PlaybackClock


def test_a_paused_start_on_the_last_frame_never_names_a_time_past_it() -> None:
    """A start on the last frame can bring a stray picture before the right one: counting
    each as a frame further named the clip's length (3000 ms), a time no frame starts at."""
    clock = PlaybackClock()
    clock.set_media(40, 3000)
    two_pictures = SimpleNamespace(distinct=2)  # what the player reads: pictures so far
    clock.pause_on_first_picture(2960, two_pictures)  # type: ignore[arg-type]
    assert clock.anchor_pos == 2960
    clock.pause_on_first_picture(1000, two_pictures)  # type: ignore[arg-type]
    assert clock.anchor_pos == 1040  # elsewhere a late picture still counts one frame
