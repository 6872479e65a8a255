"""The editor's own widgets, on real parts: the slide editor's preview is the moderator's
renderer, clause ids are offered while typing, cues and moments take the paused frame's time
(checked against the frame-number strip a demo clip draws), and a lesson preview through
the real lesson screens records nothing in the database."""

# ruff: noqa: F811 - the fixtures imported from player_fixtures are parameters by name

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from player_fixtures import vlc_instance, wait_state  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from test_demo_content import ASSETS
from test_demo_media import strip_number

from calibrate.core.session import Step
from calibrate.gui import prompts
from calibrate.gui.screens.editor.markdown_editor import MarkdownEditor
from calibrate.gui.screens.editor.marking_player import MarkingPlayer, clip_time
from calibrate.gui.screens.lesson.guidance import GuidanceScreen
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer
from tests.gui_driver import answer_current_case_by_keys, press

SLIDE = """\
# Targets

## HB-2.1 - Credible, specific threats
A **time**, a place or a means. <script>alert(1)</script>

![tracker](https://example.com/pixel.png)
"""


def type_lines(qtbot, field, text: str) -> None:
    """Type text as a person does: Return between lines (QTest cannot type a newline)."""
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(field, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(field, line)


def test_the_slide_preview_is_what_the_moderator_sees(qtbot, app_window) -> None:
    pack = app_window.context.pack("harassment")
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.set_clause_ids(c.id for c in pack.clauses)
    editor.source.setFocus()
    type_lines(qtbot, editor.source, SLIDE)
    assert editor.text() == SLIDE
    qtbot.waitUntil(lambda: "Credible" in editor.preview.toPlainText(), timeout=2000)
    moderator = GuidanceScreen()
    qtbot.addWidget(moderator)
    slide = SimpleNamespace(markdown=SLIDE)
    moderator.show_slide(pack, "Lesson", slide, 0, 1, False)
    assert editor.preview.toHtml() == moderator.view.toHtml()
    shown = editor.preview.toPlainText()
    assert "<script>alert(1)</script>" in shown  # raw HTML is text, never markup
    assert " HB-2.1 " in shown  # the clause badge, as on the moderator's slide


def test_clause_ids_are_offered_while_typing(qtbot, app_window) -> None:
    pack = app_window.context.pack("harassment")
    editor = MarkdownEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.set_clause_ids(c.id for c in pack.clauses)
    editor.source.setFocus()
    qtbot.keyClicks(editor.source, "the ")  # a prose word is offered nothing
    assert not editor.source.completer.popup().isVisible()
    qtbot.keyClicks(editor.source, "hb-2")
    popup = editor.source.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    offered = [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())]
    assert offered == ["HB-2", "HB-2.1"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.text() == "the HB-2.1"
    assert not popup.isVisible()
    type_lines(qtbot, editor.source, " - threats\nplain words")  # nothing offered for them
    assert not popup.isVisible()
    assert editor.text() == "the HB-2.1 - threats\nplain words"


def test_clip_time_is_exact_to_the_millisecond() -> None:
    assert [clip_time(ms) for ms in (0, 520, 3000, 11_040, 61_033, 3_723_500)] == [
        "0:00",
        "0:00.52",
        "0:03",
        "0:11.04",
        "1:01.033",
        "1:02:03.5",
    ]


def test_a_cue_and_a_moment_take_the_paused_frame(qtbot: Any, vlc_instance: Any) -> None:
    """Pause on a frame of a real demo clip, step frames, and the times the buttons give are
    the frames the strip in the picture shows."""
    marking = MarkingPlayer(player=VideoPlayer(instance=vlc_instance))
    qtbot.addWidget(marking)
    marking.resize(800, 600)
    marking.show()
    cues: list[int] = []
    moments: list[tuple[int, int]] = []
    marking.cue_requested.connect(cues.append)
    marking.moment_marked.connect(lambda start, end: moments.append((start, end)))
    try:
        marking.load(ASSETS / "harassment" / "hb-cafe-threat.mp4")
        player = marking.player
        wait_state(qtbot, player, PlayerState.PAUSED, timeout=5000)
        assert not marking.end_button.isEnabled()

        def step_to_frame(steps: int) -> int:
            for _ in range(steps):
                before = player.position
                player.frame_step(+1)
                qtbot.waitUntil(lambda b=before: player.position == b + player.frame_ms)
            qtbot.wait(250)  # the stepped picture is on screen
            shown = strip_number(player.frame)
            assert player.position == shown * player.frame_ms
            return shown

        first = step_to_frame(13)
        assert "frame 13" in marking.at_label.text() and first == 13
        marking.cue_button.click()
        marking.start_button.click()
        assert not marking.end_button.isEnabled()  # the end must come after the start
        last = step_to_frame(12)
        marking.end_button.click()
        assert cues == [first * 40] and moments == [(first * 40, last * 40)]
        assert clip_time(cues[0]) == "0:00.52"
        player.play()  # a playing picture gives no time
        wait_state(qtbot, player, PlayerState.PLAYING)
        assert not marking.cue_button.isEnabled()
    finally:
        marking.shutdown()


def _dump(db_path) -> list[str]:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return list(conn.iterdump())


def test_a_preview_through_the_lesson_screens_records_nothing(
    qtbot, app_window, monkeypatch
) -> None:
    from calibrate.gui.screens.editor.preview import PreviewScreen

    context = app_window.context
    pack = context.pack("harassment")
    lesson = pack.lessons[1]
    before = _dump(context.db_path)
    preview = PreviewScreen(context, pack.folder, lesson.id)
    app_window.show_screen(preview)
    preview.start()
    try:
        driven = SimpleNamespace(lesson=preview.lesson)
        for _ in lesson.guidance:
            press(qtbot, app_window, Qt.Key.Key_Return)
        for number, case_id in enumerate(lesson.case_ids):
            assert preview.lesson.flow.current_case_id == case_id
            answer_current_case_by_keys(qtbot, driven, "remove", pack.clauses[0].id)
            if number == 0:  # a dispute, too, goes nowhere
                monkeypatch.setattr(prompts, "ask_text", lambda *_args: "the golden is wrong")
                preview.lesson.reveal.dispute_requested.emit()
            press(qtbot, app_window, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: preview.lesson.flow.step is Step.SUMMARY)
        assert preview.stack.currentWidget() is preview.lesson.summary
        banner = preview.findChild(QLabel, "previewBanner").text()
        assert "Nothing you answer here is recorded" in banner
    finally:
        preview.shutdown()
    assert [a.case_id for a in preview.sessions.answers] == list(lesson.case_ids)
    assert len(preview.sessions.disputes) == 1
    assert _dump(context.db_path) == before  # no session, answer, pack version or dispute
    assert QApplication.focusWidget() is not None


def test_a_lesson_without_cases_or_with_a_broken_case_is_not_previewed(tmp_path) -> None:
    from calibrate.gui.screens.editor.preview import preview_refusal
    from tests.pack_factory import write_pack

    folder = write_pack(tmp_path / "lessons", "alpha")
    text = (folder / "pack.toml").read_text(encoding="utf-8")
    lesson_id = text.split("[[lessons]]")[1].split('id = "')[1].split('"')[0]
    assert preview_refusal(folder, lesson_id) is None
    (folder / "cases" / "c1.toml").write_text('id = "c1"\n', encoding="utf-8")
    assert "has a problem" in preview_refusal(folder, lesson_id)
    assert "not saved in pack.toml" in preview_refusal(folder, "no-such-lesson")
    (folder / "pack.toml").write_text("id = ", encoding="utf-8")
    assert "pack.toml has" in preview_refusal(folder, lesson_id)
