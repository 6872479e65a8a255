"""Real widgets: the lead dashboard's "Score against" control and answers by golden version,
a trainer resolving a dispute from the disputes table (trainer passcode, then the dialog),
and the moderator reading the reply on the home screen and dismissing it. Screenshots, light
and dark, go to $CALIBRATE_SHOTS_DIR when it is set."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from calibrate.core.passcodes import hash_passcode
from calibrate.gui import prompts, theme
from calibrate.gui.passcode_dialog import PasscodeDialog
from calibrate.gui.screens.dashboard.case_detail import CaseDetailDialog
from calibrate.gui.screens.dashboard.disputes import ResolveDisputeDialog
from calibrate.store import settings
from tests.golden_history import CURRENT, SEEN, write_golden_history

TRAINER_CODE = "trainer-2026"
SHOTS = os.environ.get("CALIBRATE_SHOTS_DIR")


def shot(widget, name: str) -> None:
    if SHOTS:
        dark = theme.is_dark(QApplication.instance())
        widget.grab().save(str(Path(SHOTS) / f"{name}{'-dark' if dark else ''}.png"))


@pytest.fixture(params=["light", "dark"] if SHOTS else ["light"])
def window(request, qtbot, tmp_path: Path):
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    db_path, lessons = write_golden_history(tmp_path / "history")
    args = argparse.Namespace(db=db_path, lessons=[lessons], no_bundled=False, verbose=False)
    context = build_context(args, tmp_path / "calibrate.log")
    settings.set_passcode_hash(context.db, "trainer", hash_passcode(TRAINER_CODE))
    app = QApplication.instance()
    theme.apply_theme(app, request.param == "dark")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    theme.apply_theme(app, False)


def _dashboard(qtbot, window):
    window.open_dashboard_unlocked()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.result is not None, timeout=20000)
    return dashboard


def _headline(dashboard) -> tuple[int, int]:
    h = dashboard.result.dashboard.headline
    return h.correct, h.scored


def test_the_score_against_control_switches_every_number(qtbot, window) -> None:
    dashboard = _dashboard(qtbot, window)
    box = dashboard.filters.score_against
    assert box.isVisible() and box.currentText() == "Golden as answered"
    assert _headline(dashboard) == SEEN
    box.setCurrentIndex(box.findData("current"))
    qtbot.waitUntil(lambda: _headline(dashboard) == CURRENT, timeout=20000)
    assert "scored against the current golden" in dashboard.filters.describe()
    assert ("filter_score_against", "current") in dashboard.filters.export_columns(False)
    item_row = next(
        i for i, item in enumerate(dashboard.result.dashboard.items.items) if item.case == "c1"
    )
    shown: list[str] = []

    def look(dialog) -> int:
        assert isinstance(dialog, CaseDetailDialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        shown.append(dialog.findChild(type(dashboard.headline), "caseDetailSummary").text())
        shot(dialog, "case-detail-golden-versions")
        return 0

    prompts_run = prompts.run_dialog
    try:
        prompts.run_dialog = look
        dashboard._on_item_activated(item_row)
    finally:
        prompts.run_dialog = prompts_run
    (summary,) = shown
    assert "Answers by golden version" in summary
    assert "2 of 4 (50%)" in summary and "1 of 4 (25%)" in summary  # version 1, both views
    assert "2 of 3 (67%)" in summary  # version 2: the same under both


def test_a_trainer_resolves_a_dispute_and_the_moderator_reads_the_reply(
    qtbot, window, monkeypatch
) -> None:
    dashboard = _dashboard(qtbot, window)
    dashboard.tabs.setCurrentIndex(
        next(i for i in range(dashboard.tabs.count()) if dashboard.tabs.tabText(i) == "Split cases")
    )
    panel = dashboard.tables["disputes"]
    qtbot.waitUntil(lambda: panel.table.model().rowCount() == 1, timeout=20000)
    asked: list[str] = []

    def run(dialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        if isinstance(dialog, PasscodeDialog):
            asked.append("passcode")
            assert dialog.role == "trainer"
            qtbot.keyClicks(dialog.passcode, TRAINER_CODE)
            qtbot.keyClick(dialog.passcode, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
            return dialog.result()
        assert isinstance(dialog, ResolveDisputeDialog)
        asked.append("resolve")
        assert (
            "The clip shows no real injury."
            in dialog.findChild(type(dashboard.headline), "resolveDisputeAbout").text()
        )
        ok = dialog.buttons.buttons()[0]
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # no reply yet: refused, stays open
        assert dialog.isVisible() and "Write a reply" in dialog.error.text()
        qtbot.mouseClick(dialog.changed, Qt.MouseButton.LeftButton)
        assert dialog.new_hash.isEnabled()
        qtbot.keyClicks(dialog.reply, "You were right: c1 is age-restricted from now on.")
        shot(dialog, "resolve-dispute-dialog")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(prompts, "run_dialog", run)
    panel.table.selectRow(0)
    panel.table.setCurrentIndex(panel.table.model().index(0, 0))
    qtbot.mouseClick(dashboard.resolver.button, Qt.MouseButton.LeftButton)
    assert asked == ["passcode", "resolve"]
    qtbot.waitUntil(
        lambda: (
            panel.table.model().rowCount() == 1
            and str(_cell(panel, "Resolution")).startswith("golden changed")
        ),
        timeout=20000,
    )
    assert _cell(panel, "Trainer's reply") == "You were right: c1 is age-restricted from now on."
    qtbot.waitUntil(lambda: not dashboard.runner.busy, timeout=20000)
    assert "Resolve…" in panel.caption.text()
    shot(dashboard, "dashboard-disputes-resolved")
    # The Back button: home, where Dee (who disputed) finds the reply.
    dashboard.leave_requested.emit()
    home = window.home
    notice = home.replies
    assert not notice.isVisible()  # nobody chosen yet
    row = next(i for i, p in enumerate(home._listed) if p.name == "Dee")
    home.profiles.setCurrentRow(row)
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    text = notice.text.text()
    assert "A trainer answered your dispute" in text and "changed the golden answer" in text
    assert "age-restricted from now on" in text and "no real injury" in text
    shot(window, "home-dispute-reply")
    other = next(i for i, p in enumerate(home._listed) if p.name == "Ana")
    home.profiles.setCurrentRow(other)
    assert not notice.isVisible()  # Ana disputed nothing
    home.profiles.setCurrentRow(row)
    assert notice.isVisible()
    qtbot.mouseClick(notice.dismiss_button, Qt.MouseButton.LeftButton)
    assert not notice.isVisible()
    home.profiles.setCurrentRow(other)
    home.profiles.setCurrentRow(row)
    assert not notice.isVisible()  # dismissed for good on this machine


def _cell(panel, title: str):
    model = panel.table.model()
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return model.index(0, header.index(title)).data()
