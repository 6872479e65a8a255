"""Walk the real app through its screens offscreen and save docs/screenshots/*.png.

Run: QT_QPA_PLATFORM=offscreen CALIBRATE_DUMMY_AUDIO=1 .venv/bin/python scripts/take_screenshots.py
Uses a throwaway demo database, so the reveal's split shows a realistic room.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CALIBRATE_DUMMY_AUDIO", "1")

from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("CALIBRATE_SHOTS_OUT", ROOT / "docs" / "screenshots"))


def main() -> None:
    app = QApplication(sys.argv[:1])
    from calibrate.app import build_context
    from calibrate.core.session import Step
    from calibrate.gui.main_window import MainWindow
    from calibrate.gui.theme import apply_theme, use_fusion

    OUT.mkdir(parents=True, exist_ok=True)
    dark = "--dark" in sys.argv
    use_fusion(app)
    apply_theme(app, dark)
    suffix = "-dark" if dark else ""
    tmp = Path(tempfile.mkdtemp())
    args = argparse.Namespace(
        db=tmp / "demo.sqlite3", lessons=[], no_bundled=False, verbose=False, demo=True
    )
    window = MainWindow(build_context(args, tmp / "log.txt"))
    window.resize(1366, 768)
    window.show()

    def wait(ms: int) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shot(name: str, settle: int = 300) -> None:
        wait(settle)
        window.grab().save(str(OUT / f"{name}{suffix}.png"))
        print("saved", OUT / f"{name}{suffix}.png")

    from calibrate.gui import prompts

    def answer_question(dialog) -> int:
        """The script answers at once: "Submit without watching?" is shot, then submits."""
        dialog.show()
        wait(300)
        if not (OUT / f"06b-submit-unwatched{suffix}.png").exists():
            dialog.grab().save(str(OUT / f"06b-submit-unwatched{suffix}.png"))
        button = dialog.findChild(QPushButton, "submitUnwatchedButton")
        if button is not None:
            button.click()
        dialog.hide()
        return 0

    prompts.run_dialog = answer_question
    shot("01-home")
    window.home.name.setText("Ana Ribeiro")
    window.home.team.setText("Graphic EU")
    window.home.site.setText("Lisbon")
    window.home.create_button.click()
    shot("02-lessons")
    window.lesson_list.start_button.click()
    lesson = window.lesson
    shot("03-guidance")
    while lesson.flow.step is Step.GUIDANCE:
        lesson.guidance.next_button.click()
    screen = lesson.case_screen
    shot("04-case-warning")
    screen.warning_card.watch.click()
    shot("05-case-shielded", 1500)
    screen.player.set_shields(grayscale=False, blurred=False, muted=True)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    order = [d.id for d in lesson.pack.scale.decisions if d.on_ladder] + [
        d.id for d in lesson.pack.scale.decisions if not d.on_ladder
    ]
    wrong = next(d for d in lesson.pack.scale.ladder if d != case.golden.decision)
    screen.form.choose_decision(order.index(wrong))
    screen.form.clause.setCurrentIndex(1)
    screen.form.choose_confidence(3)
    shot("06-case-answered", 800)
    screen.form.submit()
    shot("07-reveal")
    while lesson.flow.step is not Step.SUMMARY:
        if lesson.flow.step is Step.CASE:
            current = lesson.pack.cases[lesson.flow.current_case_id]
            lesson.case_screen.form.choose_decision(order.index(current.golden.decision))
            lesson.case_screen.form.clause.setCurrentIndex(1)
            lesson.case_screen.form.choose_confidence(4)
            lesson.case_screen.form.submit()
        else:
            lesson.reveal.next_button.click()
    shot("08-summary")
    lesson.summary.done_button.click()
    shot("09-lessons-after")
    open_dashboard = getattr(window, "open_dashboard_unlocked", None)
    if open_dashboard is not None:
        open_dashboard()
        dashboard = window.dashboard
        end = time.monotonic() + 60
        while (
            dashboard.result is None
            or not dashboard.result.dashboard.details_ready
            or dashboard.runner.busy
        ) and time.monotonic() < end:
            wait(50)
        for index in range(dashboard.tabs.count()):
            dashboard.tabs.setCurrentIndex(index)
            name = re.sub(r"[^a-z0-9]+", "-", dashboard.tabs.tabText(index).lower())
            shot(f"{10 + index:02d}-dashboard-{name}", 500)
        after_tabs = 10 + dashboard.tabs.count()
        # A chart saved: the note beside its button (the file dialog answered for us).
        from PySide6.QtWidgets import QFileDialog

        dashboard.tabs.setCurrentIndex(0)
        saved = tmp / "reviewer_accuracy.png"
        QFileDialog.getSaveFileName = lambda *a, **k: (str(saved), "")
        dashboard.charts["reviewer_accuracy"].save_button.click()
        shot(f"{after_tabs + 1}-dashboard-chart-saved", 300)
        from calibrate.gui.screens.dashboard.case_detail import CaseDetailDialog

        board = dashboard.result.dashboard
        item = board.items.items[0]  # the most split case
        pack = next(p for p in window.context.library.packs if p.id == item.pack)
        dialog = CaseDetailDialog(item, pack, board.disputes.disputes, window)
        dialog.show()
        wait(1500)
        dialog.grab().save(str(OUT / f"{after_tabs}-dashboard-case-detail{suffix}.png"))
        dialog.shutdown()
        dialog.close()
    window.close()


if __name__ == "__main__":
    main()
