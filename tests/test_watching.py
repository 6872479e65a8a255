"""What "watched" means (core.watching) and how the player measures it on real clips.

The share of a clip shown is positions seen, not wall time: these tests play the real test
clips through real libVLC at 2x, stop early, and seek past the middle.
"""

# ruff: noqa: F811 - the fixtures imported from player_fixtures are parameters by name

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from player_fixtures import (  # noqa: F401 - fixtures are used by name
    MP4,
    WEBM,
    player,
    settle,
    vlc_instance,
    wait_state,
)

from calibrate.core.watching import (
    NOT_WATCHED,
    UNKNOWN,
    WATCHED,
    Coverage,
    answered_unwatched,
    not_watched_codes,
)
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer


# --- the definition -----------------------------------------------------------------------------
def test_replaying_a_span_counts_it_once() -> None:
    seen = Coverage(6000)
    seen.saw(0, 1000)
    seen.saw(0, 1000)
    seen.saw(500, 1000)
    assert seen.share == pytest.approx(1 / 6)


def test_a_jump_leaves_the_skipped_span_unseen() -> None:
    seen = Coverage(6000)
    seen.saw(0, 1000)
    seen.saw(4000, 6000)  # played on after seeking from 1 s to 4 s
    assert seen.share == pytest.approx(0.5)
    assert seen.covers(500) and seen.covers(5999) and not seen.covers(2500)


def test_a_clip_not_a_multiple_of_the_bucket_ends_at_one() -> None:
    seen = Coverage(3008)
    seen.saw(0, 3008)
    assert seen.share == 1.0
    seen.saw(-50, 99_999)  # out-of-range spans are clamped, never above 1
    assert seen.share == 1.0


def test_a_visit_elsewhere_merges_what_was_seen_before() -> None:
    before, after = Coverage(6000), Coverage(6000)
    before.saw(0, 2000)
    after.saw(1000, 4000)
    after.merge(before)
    assert after.share == pytest.approx(4 / 6)


def test_unknown_duration_gives_no_share() -> None:
    assert Coverage(0).share is None


def test_not_watched_means_under_half_of_an_available_clip() -> None:
    assert answered_unwatched(0.0, False) is True
    assert answered_unwatched(0.49, None) is True
    assert answered_unwatched(0.5, False) is False
    assert answered_unwatched(0.0, True) is False  # a broken clip is not "not watched"
    assert answered_unwatched(None, None) is None  # imported history: unknown
    codes = not_watched_codes(
        np.array([0.1, 0.9, np.nan, 0.0, 0.0]),
        np.array([False, False, False, True, False]),
        np.array([False, False, False, False, True]),
    )
    # A skip (at the warning card) is no answer given without watching.
    assert codes.tolist() == [NOT_WATCHED, WATCHED, UNKNOWN, WATCHED, WATCHED]


# --- the player measures positions seen ---------------------------------------------------------
def test_playing_to_the_end_at_double_speed_shows_the_whole_clip(
    qtbot: Any, player: VideoPlayer
) -> None:
    player.set_rate(2.0)
    player.load(MP4)
    wait_state(qtbot, player, PlayerState.ENDED, timeout=5000)
    assert player.coverage.share == pytest.approx(1.0, abs=0.05)
    assert player.watched_ms < 2300  # ~1.5 s of wall time for 3 s of clip


def test_stopping_after_a_second_shows_a_third_of_a_three_second_clip(
    qtbot: Any, player: VideoPlayer
) -> None:
    player.load(MP4)
    wait_state(qtbot, player, PlayerState.PLAYING)
    qtbot.waitUntil(lambda: player.position >= 1000, timeout=3000)
    player.pause()
    settle(qtbot, 400)  # paused time shows nothing new
    assert player.coverage.share == pytest.approx(1 / 3, abs=0.08)


def test_seeking_past_the_middle_leaves_the_skipped_span_unseen(
    qtbot: Any, player: VideoPlayer
) -> None:
    player.load(WEBM)
    wait_state(qtbot, player, PlayerState.PLAYING)
    player.seek(2000)
    wait_state(qtbot, player, PlayerState.ENDED, timeout=4000)
    seen = player.coverage
    assert not any(seen.covers(ms) for ms in range(600, 1900, 100))
    assert seen.covers(2500) and seen.covers(2950)
    assert seen.share < 0.5
    player.play()  # replaying from the start shows the rest
    wait_state(qtbot, player, PlayerState.ENDED, timeout=4000)
    assert player.coverage.share == pytest.approx(1.0, abs=0.05)


def test_coverage_survives_a_reload_that_reports_the_length_a_bucket_off() -> None:
    before = Coverage(3_000)
    before.saw(0, 2_000)
    after = Coverage(3_040)  # libVLC's length of the same clip, read again after a reload
    after.saw(2_000, 3_040)
    after.merge(before)
    assert after.share == pytest.approx(1.0, abs=0.02)
