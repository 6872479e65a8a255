"""Blind first: nothing of the golden answer shows before submitting; then the full reveal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTextBrowser

from calibrate.core.models import AnswerDraft
from calibrate.core.session import Step
from calibrate.store import answers as answer_store
from calibrate.store import catalog, disputes, sessions
from tests.gui_driver import answer_current_case_by_keys, open_first_case, press


def visible_text(widget) -> str:
    """All text a user could read on a screen right now."""
    parts = [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    parts += [view.toPlainText() for view in widget.findChildren(QTextBrowser) if view.isVisible()]
    return "\n".join(parts)


def add_other_answers(window, pack, case, decisions: list[str]) -> None:
    """Answers to this case by other moderators, recorded through the store."""
    db = window.context.db
    catalog.record_pack_version(db, pack)
    for index, decision in enumerate(decisions):
        profile = catalog.create_profile(db, f"other {index}", "Team B", "Manila")
        session_id = sessions.start_session(db, profile, pack, pack.lessons[0].id, "first_attempt")
        answer_store.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id=pack.lessons[0].id,
            case=case,
            draft=AnswerDraft(decision, case.golden.clauses[0], 0.6),
            shown_at="2026-11-20T09:00:00.000Z",
            time_to_answer_ms=9000,
            watched_ms=8000,
        )


def test_golden_rationale_and_split_stay_hidden_until_the_answer_is_recorded(qtbot, app_window):
    window = app_window
    lesson = open_first_case(qtbot, window)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    on_screen = visible_text(lesson.case_screen)
    assert window.stack.currentWidget() is lesson.case_screen
    assert case.rationale.strip()[:40] not in on_screen
    assert "Golden" not in on_screen and "How everyone decided" not in on_screen
    # The case asks "Where does it show?": its golden moments are hidden as the rest.
    assert case.mark_moment and lesson.case_screen.form.moment.isVisible()
    assert all(m.label not in on_screen for m in case.moments) and "Where it" not in on_screen
    assert not lesson.reveal.isVisible()
    answer_current_case_by_keys(qtbot, window, case.golden.decision, case.golden.clauses[0])
    revealed = visible_text(lesson.reveal)
    assert case.rationale.strip()[:40] in revealed
    golden_label = lesson.pack.scale.get(case.golden.decision).label
    assert "Golden answer: " in revealed and golden_label in revealed
    assert all(m.label in revealed for m in case.moments) and "Your mark: <b>none</b>" in revealed


def test_split_counts_every_profiles_answer_without_names(qtbot, app_window) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    pack = lesson.pack
    case = pack.cases[lesson.flow.current_case_id]
    wrong = next(d for d in pack.scale.ladder if d != case.golden.decision)
    add_other_answers(window, pack, case, [case.golden.decision, wrong, wrong])
    answer_current_case_by_keys(qtbot, window, wrong, case.golden.clauses[0])
    reveal = lesson.reveal
    assert "N = 4" in reveal.split_title.text()
    assert reveal.split_caption.text().startswith("1 of 4 answers (25%) chose the golden")
    # The chart's bars carry the same counts, in the pack's decision order.
    bars = reveal.chart.figure.axes[0].patches
    widths = {
        label.get_text().replace("  ✓", ""): bar.get_width()
        for bar, label in zip(bars, reveal.chart.figure.axes[0].get_yticklabels(), strict=True)
    }
    assert widths[pack.scale.get(wrong).label] == 3
    assert widths[pack.scale.get(case.golden.decision).label] == 1
    assert "other 0" not in visible_text(reveal)
    assert "Differs from the golden answer" in reveal.verdict.text()


def test_dispute_from_the_reveal_is_stored_for_trainers(qtbot, app_window, monkeypatch) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    answer_current_case_by_keys(qtbot, window, case.golden.decision, case.golden.clauses[0])
    monkeypatch.setattr(
        "calibrate.gui.prompts.ask_text",
        lambda *args: "The caption frames it as news, GR-2 should apply.",
    )
    lesson.reveal.dispute_button.click()
    [stored] = disputes.disputes_for_case(window.context.db, lesson.pack.id, case.id)
    assert stored["note"].startswith("The caption frames it as news")
    assert not lesson.reveal.dispute_button.isEnabled()


def test_a_warned_case_can_be_skipped_and_is_never_scored_wrong(qtbot, app_window) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    assert case.is_warned, "the first demo case carries a content warning"
    screen = lesson.case_screen
    assert screen.video_stack.currentWidget() is screen.warning_card
    assert screen.player.player.state.name == "EMPTY"  # nothing plays before a choice
    screen.warning_card.skip.click()
    assert lesson.flow.step is Step.REVEAL
    assert "Skipped" in lesson.reveal.verdict.text()
    [answer] = answer_store.answers_for_session(window.context.db, lesson.session_id)
    assert answer.skipped and answer.decision is None
    while lesson.flow.step is not Step.SUMMARY:
        press(qtbot, window, Qt.Key.Key_Return)
        if lesson.flow.step is Step.CASE:
            current = lesson.pack.cases[lesson.flow.current_case_id]
            answer_current_case_by_keys(
                qtbot, window, current.golden.decision, current.golden.clauses[0]
            )
    answered = len(lesson.lesson.case_ids) - 1
    headline = lesson.summary.headline.text()
    assert f"{answered} of {answered} right (100%)" in headline and "skipped: 1" in headline


def test_the_room_split_chart_fills_its_space_on_every_reveal(qtbot, app_window) -> None:
    window = app_window
    window.resize(1366, 768)
    window.show()
    lesson = open_first_case(qtbot, window)
    for _ in range(2):  # the second reveal swaps a new figure into the same canvas
        case = lesson.pack.cases[lesson.flow.current_case_id]
        answer_current_case_by_keys(qtbot, window, case.golden.decision, case.golden.clauses[0])
        canvas = lesson.reveal.chart
        qtbot.waitUntil(lambda c=canvas: c.isVisible() and c.width() > 0)
        qtbot.wait(50)
        drawn = canvas.figure.get_size_inches() * canvas.figure.dpi / canvas.device_pixel_ratio
        assert abs(drawn[0] - canvas.width()) <= 1 and abs(drawn[1] - canvas.height()) <= 1
        press(qtbot, window, Qt.Key.Key_Return)  # next case


def test_the_right_call_under_another_clause_is_scored_right_and_pointed_out(
    qtbot, app_window
) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    pack = lesson.pack
    case = pack.cases[lesson.flow.current_case_id]
    other = next(c.id for c in pack.clauses if c.id not in case.golden.clauses)
    answer_current_case_by_keys(qtbot, window, case.golden.decision, other)
    verdict = lesson.reveal.verdict.text()
    assert "Matches the golden decision" in verdict
    assert f"but the guidance decides it under {', '.join(case.golden.clauses)}" in verdict
    while lesson.flow.step is not Step.SUMMARY:  # the rest: golden decision and clause
        press(qtbot, window, Qt.Key.Key_Return)
        if lesson.flow.step is Step.CASE:
            current = pack.cases[lesson.flow.current_case_id]
            answer_current_case_by_keys(
                qtbot, window, current.golden.decision, current.golden.clauses[0]
            )
    summary = lesson.summary
    assert f"{len(lesson.lesson.case_ids)} of {len(lesson.lesson.case_ids)} right" in (
        summary.headline.text()
    )
    shown = summary.misses.toPlainText()
    assert "No misses" in shown and "Right call, other clause" in shown
    assert case.title in shown and f"You named {other}" in shown
