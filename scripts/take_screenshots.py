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
sys.path.insert(0, str(ROOT))  # tests/pack_factory.py writes the trainer area's draft pack
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
    if "--editor-only" in sys.argv:  # the trainer's editor alone (quicker to retake)
        editor_shots(window, tmp, wait, shot, suffix)
        window.close()
        return
    if "--live-only" in sys.argv:  # the live room console and presenter only
        live_room_shots(window, wait, suffix)
        window.close()
        return
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
    lesson.reveal.show_me.show_next()  # "Show me": the first golden moment, looped
    shot("07b-reveal-show-me", 2500)
    lesson.reveal.show_me.stop()
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
    review_shots(window, wait, shot)
    if "--review-only" in sys.argv:  # the spaced review's screens and the dashboard's tab
        open_dashboard_tab(window, wait, shot, "Reviews")
        window.close()
        return
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
    trainer_shots(window, tmp, wait, shot, suffix)
    editor_shots(window, tmp, wait, shot, suffix)
    live_room_shots(window, wait, suffix)
    window.close()
    from scripts.room_shots import room_shots

    room_shots(wait, OUT, suffix, tmp)


def review_shots(window, wait, shot) -> None:
    """The missed case comes back tomorrow: "Review due (N)" on the lesson list and home, a
    review case (blind) and its reveal, the review's summary."""
    from datetime import UTC, datetime, timedelta

    window.context.review.clock = lambda: datetime.now(UTC) + timedelta(days=1)
    window.lesson_list.refresh()
    shot("09b-lessons-review-due")
    window.lesson_list.switch_profile_requested.emit()
    home = window.home
    names = [home.profiles.item(i).text().split("   ")[0] for i in range(home.profiles.count())]
    home.profiles.setCurrentRow(names.index("Ana Ribeiro"))
    shot("09c-home-review-due")
    home.review_button.click()
    review = window.lesson
    screen = review.case_screen
    if screen.video_stack.currentWidget() is screen.warning_card:
        screen.warning_card.watch.click()
    item = review.current
    order = [d.id for d in item.pack.scale.decisions if d.on_ladder] + [
        d.id for d in item.pack.scale.decisions if not d.on_ladder
    ]
    screen.form.choose_decision(order.index(item.case.golden.decision))
    screen.form.clause.setCurrentIndex(1)
    screen.form.choose_confidence(3)
    shot("09d-review-case", 1500)
    screen.form.submit()
    shot("09e-review-reveal")
    while review.flow.step.value != "summary":
        if review.flow.step.value == "case":
            review.case_screen.form.choose_decision(0)
            review.case_screen.form.clause.setCurrentIndex(1)
            review.case_screen.form.submit()
        else:
            review.reveal.next_button.click()
    shot("09f-review-summary")
    review.summary.done_button.click()


def open_dashboard_tab(window, wait, shot, title: str) -> None:
    """The lead dashboard on one tab, once its sections are computed."""
    window.open_dashboard_unlocked()
    dashboard = window.dashboard
    until(wait, lambda: dashboard.result is not None and dashboard.result.dashboard.details_ready)
    until(wait, lambda: not dashboard.runner.busy)
    titles = [dashboard.tabs.tabText(i) for i in range(dashboard.tabs.count())]
    dashboard.tabs.setCurrentIndex(titles.index(title))
    shot(f"10-dashboard-{title.lower()}", 800)


def trainer_shots(window, tmp: Path, wait, shot, suffix: str) -> None:
    """The trainer area with a trainer's folder beside the bundled packs (a copy of a demo
    pack and a pack with a problem), its export and import dialogs and the lesson folders."""
    import hashlib
    import json
    import shutil
    import zipfile

    if getattr(window, "open_trainer_area_unlocked", None) is None:
        return
    from tests.pack_factory import write_pack

    mine = tmp / "trainer" / "lessons"
    shutil.copytree(ROOT / "lessons" / "harassment", mine / "harassment")
    shutil.copytree(ROOT / "assets" / "harassment", mine.parent / "assets" / "harassment")
    draft = write_pack(mine, "hate-speech-draft")
    (draft / "cases" / "c2.toml").unlink()  # the lesson names a case that is not there
    from calibrate.gui.passcode_dialog import PasscodeDialog

    gate = PasscodeDialog(window.context.profiles, "trainer", window)
    gate.show()
    wait(300)
    gate.grab().save(str(OUT / f"29-trainer-passcode{suffix}.png"))
    gate.close()
    window.context.lessons.add_folder(mine)  # for this run only: not saved in settings
    window.reload_lessons()
    window.open_trainer_area_unlocked()
    area = window.trainer
    until(wait, lambda: not window.lessons_loading and not area.runner.busy)
    area.choose("hate-speech-draft")
    shot("30-trainer-area", 500)
    area.choose("harassment", bundled=False)
    dialog = area.export_pack(area.chosen(), tmp / "harassment.calpack")
    until(wait, lambda: not dialog.running)
    wait(300)
    dialog.grab().save(str(OUT / f"31-trainer-export{suffix}.png"))
    dialog.close()
    # An archive whose pack does not validate (its manifest made to match the edit): the
    # refusal lists the pack's problems.
    bad = tmp / "harassment-edited.calpack"
    with zipfile.ZipFile(tmp / "harassment.calpack") as source:
        files = {i.filename: source.read(i) for i in source.infolist()}
    name = "lessons/harassment/pack.toml"
    files[name] = files[name].replace(b'id = "HB-1"', b'id = "HB 1"', 1)
    manifest = json.loads(files.pop("manifest.json"))
    for listed in manifest["files"]:
        if listed["path"] == name:
            listed.update(size=len(files[name]), sha256=hashlib.sha256(files[name]).hexdigest())
    with zipfile.ZipFile(bad, "w") as out:
        for entry, data in {**files, "manifest.json": json.dumps(manifest).encode()}.items():
            out.writestr(entry, data)
    dialog = area.import_pack(bad, into=mine)
    until(wait, lambda: not dialog.running)
    wait(300)
    dialog.grab().save(str(OUT / f"32-trainer-import-refused{suffix}.png"))
    dialog.close()
    folders = area.open_folders()
    folders.list.setCurrentRow(1)
    wait(300)
    folders.grab().save(str(OUT / f"33-trainer-lesson-folders{suffix}.png"))
    folders.close()


def editor_shots(window, tmp: Path, wait, shot, suffix: str) -> None:
    """The trainer's editor on a copy of the harassment pack: the pack, a lesson, a slide
    with clause ids offered, a case (clip paused on a frame, a cue and a moment), a case with
    problems at its fields, and the lesson's preview."""
    import shutil

    if getattr(window, "open_trainer_area_unlocked", None) is None:
        return
    from calibrate.gui.screens.trainer import editing

    mine = tmp / "editor" / "lessons"
    if not (mine / "harassment").exists():
        shutil.copytree(ROOT / "lessons" / "harassment", mine / "harassment")
        shutil.copytree(ROOT / "assets" / "harassment", mine.parent / "assets" / "harassment")
    window.context.lessons.add_folder(mine)  # for this run only: not saved in settings
    window.reload_lessons()
    window.open_trainer_area_unlocked()
    area = window.trainer
    until(wait, lambda: not window.lessons_loading and not area.runner.busy)
    area.choose("harassment", bundled=False)
    shot("33b-trainer-area-edit", 300)
    screen = editing.open_editor(area, mine / "harassment")
    shot("34-editor-pack", 500)
    screen.pack_page.decisions.choose("remove")
    screen.show_part("lesson", "hb-exposure-threats")
    shot("35-editor-lesson", 300)
    slide = screen.show_part("slide", "04-threats.md")
    source = slide.editor.source
    source.moveCursor(source.textCursor().MoveOperation.End)
    source.insertPlainText("\n\nSee HB-")
    source._offer_ids()
    wait(600)
    shot_with_popup(window, source.completer.popup(), OUT / f"36-editor-slide{suffix}.png")
    source.completer.popup().hide()
    page = screen.show_part("case", "hb-cafe-threat")
    until(wait, lambda: page.player.paused_ms is not None, 10)
    for _ in range(13):
        page.player.player.frame_step(+1)
        wait(120)
    page.player.cue_button.click()
    cues = page.cues.table
    cues.item(cues.currentRow(), 1).setText("He reads the café's opening hours aloud.")
    page.player.start_button.click()
    for _ in range(50):
        page.player.player.frame_step(+1)
        wait(60)
    page.player.end_button.click()
    moments = page.moments.table
    moments.item(moments.currentRow(), 2).setText("The café, readable")
    shot("37-editor-case", 800)
    page.form.title.setText("")
    page.form.edited.emit("title")
    page.form.decision.setCurrentIndex(0)
    page.check()
    shot("38-editor-case-problems", 300)
    screen.show_part("lesson", "hb-exposure-threats")
    page.dirty = False
    editing.open_preview(area, "hb-exposure-threats")
    shot("39-editor-preview", 600)
    area.preview.lesson.leave()


def shot_with_popup(window, popup, path: Path) -> None:
    """The window with a popup (a completer's list: a window of its own) drawn where it is."""
    from PySide6.QtGui import QPainter

    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(
        window.mapFromGlobal(popup.mapToGlobal(popup.rect().topLeft())), popup.grab()
    )
    painter.end()
    picture.save(str(path))
    print("saved", path)


def live_room_shots(window, wait, suffix: str) -> None:
    """The host console with five `room bots` joined, and the presenter view on a case
    before and after its reveal (a real host on 127.0.0.1 in this process)."""
    import subprocess

    if getattr(window, "open_trainer_area_unlocked", None) is None:
        return
    window.open_trainer_area_unlocked()
    if getattr(window.trainer, "open_console", None) is None:
        return
    console = window.trainer.open_console()
    console.resize(1366, 768)
    console.choose("graphic-content", "gr-context")
    console.open_room(new_room=False)
    until(wait, lambda: bool(console.host.code))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bots = subprocess.Popen(
        [sys.executable, "-m", "calibrate", "room", "bots", console.host.code, "--count", "5",
         "--answer-delay", "1"],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    until(wait, lambda: sum(e.connected for e in console.host.roster()) == 5)
    presenter = console.show_presenter()
    presenter.resize(1366, 768)
    wait(500)
    presenter.grab().save(str(OUT / f"34b-live-presenter-waiting{suffix}.png"))
    for _ in range(3):  # two guidance slides, then the first case
        console.host.control("next")
        wait(200)
    until(wait, lambda: console.count_label.text() == "answered 5 / 5", 30)
    console.roster.selectRow(0)
    wait(800)
    console.grab().save(str(OUT / f"34-live-console{suffix}.png"))
    presenter.grab().save(str(OUT / f"35-live-presenter-case{suffix}.png"))
    console.host.control("lock")
    console.host.control("reveal")
    wait(1500)
    presenter.grab().save(str(OUT / f"36-live-presenter-reveal{suffix}.png"))
    console.host.control("end")
    until(wait, lambda: bots.poll() is not None, 30)
    bots.kill()
    console.close()


def until(wait, done, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        wait(50)


if __name__ == "__main__":
    main()
