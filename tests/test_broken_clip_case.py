"""A case whose clip is missing or undecodable says so and stays answerable."""

from __future__ import annotations

import argparse
import faulthandler
import os
from pathlib import Path

import pytest

from calibrate.app import build_context
from calibrate.core.session import Step
from calibrate.gui.main_window import MainWindow
from tests.gui_driver import answer_current_case_by_keys, create_profile_by_keys
from tests.pack_factory import write_pack


@pytest.mark.parametrize("breakage", ["missing", "garbage", "fifo"])
def test_unplayable_clip_shows_unavailable_and_the_case_can_be_answered(
    qtbot, tmp_path: Path, breakage: str
) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_pack(lessons, "alpha", case_ids=("c1",), media=b"\x00garbage, not a video" * 40)
    clip = tmp_path / "assets" / "alpha" / "c1.mp4"
    if breakage in ("missing", "fifo"):
        clip.unlink()
    if breakage == "fifo":  # opening it for reading would block the GUI thread forever:
        os.mkfifo(clip)  # end the run with the stacks printed rather than hang it
        faulthandler.dump_traceback_later(120, exit=True)
    args = argparse.Namespace(
        db=tmp_path / "db.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    context = build_context(args, tmp_path / "log.txt")
    assert [p.id for p in context.library.packs] == ["alpha"]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    create_profile_by_keys(qtbot, window, "Lee")
    window.lesson_list.start_button.click()
    lesson = window.lesson
    lesson.guidance.next_button.click()
    assert lesson.flow.step is Step.CASE
    screen = lesson.case_screen
    screen.warning_card.watch.click()
    player = screen.player.player
    qtbot.waitUntil(lambda: player.state.name == "UNAVAILABLE")
    assert "unavailable" in screen.player.video_view.overlay_text().lower()
    assert player.reason
    answer_current_case_by_keys(qtbot, window, "remove", "GR-1")
    assert lesson.flow.answered_count == 1
    assert "Matches the golden decision" in lesson.reveal.verdict.text()
    window.close()
    faulthandler.cancel_dump_traceback_later()
