"""Names and pack text are shown as words: markup in them is never rendered (nor files loaded)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QWidget

from calibrate.core.session import Step
from calibrate.player.playback import PlayerState
from tests.gui_driver import (
    answer_current_case_by_keys,
    create_profile_by_keys,
    open_window_on_packs,
    press,
)
from tests.pack_factory import write_pack

CLIP = Path(__file__).resolve().parent / "media" / "clip_640x360.mp4"


def _hostile(tmp_path: Path) -> str:
    """Markup that, if rendered, loads a local picture 6,000 px wide."""
    picture = tmp_path / "wide.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(picture))
    return f'<img src="{picture}" width=6000 height=30>'


def _pack_in_hostile_words(tmp_path: Path, hostile: str) -> Path:
    lessons = tmp_path / "lessons"
    pack = write_pack(lessons, "alpha", case_ids=("c1",), media=CLIP.read_bytes())
    replacements = {
        pack / "pack.toml": [
            ('title = "Test pack alpha"', f"title = 'pack {hostile}'"),
            ('title = "Basics"', f"title = 'lesson {hostile}'\ndescription = 'about {hostile}'"),
            ('label = "Allow"', f"label = 'allow {hostile}'\ndescription = 'means {hostile}'"),
            ('title = "Real injury"', f"title = 'clause {hostile}'\nsummary = 'sum {hostile}'"),
        ],
        pack / "cases" / "c1.toml": [
            ('title = "Case c1"', f"title = 'case {hostile}'"),
            (
                'caption = "caption of c1"',
                f"caption = 'caption {hostile}'\naccount = ['facts {hostile}']",
            ),
            ('text = "a cue"', f"text = 'cue {hostile}'"),
            ('label = "the moment"', f"label = 'moment {hostile}'"),
            ('decision = "remove"', 'decision = "allow"'),
        ],
    }
    for path, pairs in replacements.items():
        text = path.read_text()
        for old, new in pairs:
            assert old in text
            text = text.replace(old, new)
        path.write_text(text)
    return lessons


def _shown(text: str, rich: bool) -> str:
    """What Qt displays for text: rich text through its HTML reader, else as it is."""
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _label_words(screen: QWidget) -> str:
    words = []
    for label in screen.findChildren(QLabel):
        form = label.textFormat()
        rich = form == Qt.TextFormat.RichText or (
            form == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
        )
        words.append(_shown(label.text(), rich))
        assert label.sizeHint().width() < 2000, (label.objectName(), label.text())
    return "\n".join(words)


def _tooltip_words(tips: list[str]) -> str:
    return "\n".join(_shown(tip, GuiQt.mightBeRichText(tip)) for tip in tips)


def test_markup_in_names_and_pack_text_is_shown_literally(qtbot, tmp_path) -> None:
    hostile = _hostile(tmp_path)
    window = open_window_on_packs(
        qtbot, tmp_path, _pack_in_hostile_words(tmp_path, hostile), size=(1280, 760)
    )
    create_profile_by_keys(qtbot, window, f"Ana {hostile}")
    assert f"Ana {hostile}" in window.home.profiles.item(0).text()
    lessons = window.lesson_list
    assert f"Lessons for Ana {hostile}" in _label_words(lessons)
    lesson_item = lessons.tree.topLevelItem(0).child(0)
    assert f"about {hostile}" in _tooltip_words([lesson_item.toolTip(0)])
    assert f"about {hostile}" in _label_words(lessons)  # the description under the list
    assert lessons.tree.topLevelItem(0).text(0) == f"pack {hostile}"

    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    assert f"lesson {hostile} · guidance 1 of 1" in _label_words(lesson.guidance)
    press(qtbot, window, Qt.Key.Key_Return)
    screen = lesson.case_screen
    assert lesson.flow.step is Step.CASE
    press(qtbot, window, Qt.Key.Key_W)
    player = screen.player.player
    qtbot.waitUntil(
        lambda: player.state is PlayerState.PLAYING and player.position > 1200, timeout=10000
    )
    shown = _label_words(screen)
    for words in (f"case {hostile}", f"caption {hostile}", f"facts {hostile}", f"cue {hostile}"):
        assert words in shown
    form = screen.form
    tips = [button.toolTip() for button in form.decisions.buttons()]
    tips += [
        form.clause.itemData(i, Qt.ItemDataRole.ToolTipRole) or ""
        for i in range(form.clause.count())
    ]
    assert f"means {hostile}" in _tooltip_words(tips)
    assert f"sum {hostile}" in _tooltip_words(tips)
    assert window.width() < 2000

    answer_current_case_by_keys(qtbot, window, "allow", "GR-1")
    shown = _label_words(lesson.reveal)
    for words in (f"allow {hostile}", f"clause {hostile}", f"sum {hostile}", f"moment {hostile}"):
        assert words in shown
    press(qtbot, window, Qt.Key.Key_Return)
    assert lesson.flow.step is Step.SUMMARY
    assert f"lesson {hostile} · summary" in _label_words(lesson.summary)
    assert window.width() < 2000 and window.windowTitle() == f"Calibrate — Ana {hostile}"
    window.close()


def test_long_names_and_titles_never_widen_the_window(qtbot, tmp_path) -> None:
    long = "Unbroken" * 60 + " and then many ordinary words" * 20
    window = open_window_on_packs(
        qtbot, tmp_path, _pack_in_hostile_words(tmp_path, long), size=(1280, 760)
    )
    widths = []
    create_profile_by_keys(qtbot, window, f"Ana {long}")
    widths.append(window.width())
    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    widths.append(window.width())
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_W)
    player = lesson.case_screen.player.player
    qtbot.waitUntil(
        lambda: player.state is PlayerState.PLAYING and player.position > 1200, timeout=10000
    )
    widths.append(window.width())
    answer_current_case_by_keys(qtbot, window, "allow", "GR-1")
    widths.append(window.width())
    press(qtbot, window, Qt.Key.Key_Return)
    widths.append(window.width())
    assert max(widths) < 1400, widths
    window.close()
