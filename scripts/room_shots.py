"""Screenshots of a moderator in a live room (take_screenshots.py runs this): the join
dialog, a guidance slide, a case, waiting for the others, the reveal with the room's split.

A real `calibrate room host` on 127.0.0.1 runs the demo's graphic-content lesson, with three
simulated moderators (`calibrate room bots`) so the split has a room's worth of answers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _calibrate(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "calibrate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=ENV,
    )


def room_shots(wait: Callable[[int], None], out: Path, suffix: str, tmp: Path) -> None:
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    host = _calibrate(
        "room", "host", "--db", str(tmp / "room-host.sqlite3"), "--lessons", str(ROOT / "lessons"),
        "--pack", "graphic-content", "--lesson", "gr-context", "--expect", "4",
        "--answer-time", "120", "--reveal-time", "120", "--auto-advance", "2.5",
    )  # fmt: skip
    assert host.stdout is not None
    code = host.stdout.readline().strip()
    bots = _calibrate("room", "bots", code, "--count", "3", "--seed", "7", "--answer-delay", "9")
    args = argparse.Namespace(
        db=tmp / f"room-moderator{suffix}.sqlite3", lessons=[], no_bundled=False, verbose=False
    )
    window = MainWindow(build_context(args, tmp / "room-log.txt"))
    window.resize(1366, 768)
    window.show()

    def until(done: Callable[[], bool], seconds: float = 30) -> None:
        end = time.monotonic() + seconds
        while not done() and time.monotonic() < end:
            wait(50)

    def shot(name: str, widget=None, settle: int = 400) -> None:  # type: ignore[no-untyped-def]
        wait(settle)
        (widget or window).grab().save(str(out / f"{name}{suffix}.png"))
        print("saved", out / f"{name}{suffix}.png")

    try:
        window.context.profiles.create("Ana Ribeiro", "Graphic EU", "Lisbon")
        window.home.refresh()
        window.join_room(window.context.profiles.listed()[0])
        dialog = window.join_dialog
        dialog.code.setText(code[:50])
        shot("40-room-join-cut-short", dialog)
        dialog.code.setText(code)
        shot("41-room-join", dialog)
        dialog.join_button.click()
        until(lambda: window.room is not None and window.room.view.stage == "slide")
        room = window.room
        shot("42-room-slide", settle=800)
        screen = room.case_screen
        until(lambda: room.view.answerable and window.stack.currentWidget() is screen, 60)
        if screen.video_stack.currentWidget() is screen.warning_card:
            screen.warning_card.watch.click()
        wait(1500)
        screen.form.choose_decision(2)
        screen.form.clause.setCurrentIndex(1)
        screen.form.choose_confidence(3)
        shot("43-room-case", settle=600)
        screen.form.submit()
        until(lambda: room.view.stage == "answered")
        shot("44-room-waiting")
        until(lambda: room.view.stage == "reveal", 60)
        shot("45-room-reveal", settle=1200)
    finally:
        window.close()
        for proc in (bots, host):
            proc.kill()
            proc.communicate(timeout=10)
