"""Reading the guidance by keys: a long slide is read to its end before the next one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from calibrate.core.session import Step
from tests.gui_driver import create_profile_by_keys, open_window_on_packs, press
from tests.pack_factory import write_pack

LAST = "The last paragraph decides borderline cases."


def _long_slide_lesson(tmp_path: Path) -> Path:
    lessons = tmp_path / "lessons"
    pack = write_pack(lessons, "alpha", case_ids=("c1",))
    toml = pack / "pack.toml"
    toml.write_text(
        toml.read_text().replace(
            'guidance = ["01-intro.md"]', 'guidance = ["01-intro.md", "02-next.md"]'
        )
    )
    paragraphs = "\n\n".join(f"Paragraph {n}: what the clause covers." for n in range(40))
    (pack / "guidance" / "01-intro.md").write_text(
        f"# GR-1 · Real injury\n\n{paragraphs}\n\n{LAST}\n"
    )
    (pack / "guidance" / "02-next.md").write_text("# GR-2 · News context\n\nShort.\n")
    return lessons


def _last_paragraph_visible(view) -> bool:
    cursor = view.document().find(LAST)
    assert not cursor.isNull()
    return view.viewport().rect().contains(view.cursorRect(cursor))


def test_page_down_scrolls_a_long_slide_to_its_end_before_moving_on(qtbot, tmp_path) -> None:
    window = open_window_on_packs(qtbot, tmp_path, _long_slide_lesson(tmp_path), size=(800, 520))
    create_profile_by_keys(qtbot, window, "Ana")
    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    view, bar = lesson.guidance.view, lesson.guidance.view.verticalScrollBar()
    assert bar.maximum() > 0 and not _last_paragraph_visible(view)
    pages = 0
    while bar.value() < bar.maximum():
        before = bar.value()
        press(qtbot, window, Qt.Key.Key_PageDown)
        pages += 1
        assert lesson.flow.position.index == 0 and bar.value() > before
    assert pages >= 2 and _last_paragraph_visible(view)
    press(qtbot, window, Qt.Key.Key_PageUp)  # back up the same slide, not to another
    assert lesson.flow.position.index == 0 and bar.value() < bar.maximum()
    press(qtbot, window, Qt.Key.Key_PageDown)
    press(qtbot, window, Qt.Key.Key_PageDown)  # at the end: on to the next slide
    assert lesson.flow.step is Step.GUIDANCE and lesson.flow.position.index == 1
    press(qtbot, window, Qt.Key.Key_PageUp)  # a short slide: PgUp goes back a slide
    assert lesson.flow.position.index == 0
    window.close()
