"""The lesson flow a moderator walks: guidance, blind answers, reveals, summary, resume."""

from __future__ import annotations

import pytest

from calibrate.core.errors import SessionFlowError
from calibrate.core.models import Answer
from calibrate.core.session import Position, SessionFlow, Step


def answer(case_id: str, decision: str | None = "remove") -> Answer:
    return Answer(
        id=f"id-{case_id}",
        session_id="s",
        profile_id="p",
        pack_id="pk",
        lesson_id="l",
        case_id=case_id,
        case_hash="h",
        pack_hash="ph",
        team="t",
        site="x",
        session_kind="first_attempt",
        decision=decision,
        clause=None,
        confidence=0.8,
        note="",
        skipped=decision is None,
        shown_at="2026-11-25T10:00:00.000Z",
        answered_at="2026-11-25T10:00:05.000Z",
        time_to_answer_ms=5000,
        watched_ms=4000,
    )


def test_a_lesson_goes_guidance_then_blind_case_then_reveal_then_summary() -> None:
    flow = SessionFlow(["a.md", "b.md"], ["c1", "c2"])
    assert flow.position == Position(Step.GUIDANCE, 0) and flow.current_slide == "a.md"
    flow.next()
    assert flow.current_slide == "b.md"
    flow.next()
    assert flow.position == Position(Step.CASE, 0) and flow.current_case_id == "c1"
    assert not flow.may_reveal("c1")
    flow.accept(answer("c1"))
    assert flow.step is Step.REVEAL and flow.may_reveal("c1") and not flow.may_reveal("c2")
    flow.next()
    assert flow.current_case_id == "c2" and flow.step is Step.CASE
    flow.accept(answer("c2", decision=None))
    flow.next()
    assert flow.step is Step.SUMMARY and flow.is_complete and flow.answered_count == 2


def test_a_case_cannot_be_left_unanswered_or_answered_twice() -> None:
    flow = SessionFlow([], ["c1", "c2"])
    assert flow.position == Position(Step.CASE, 0)
    with pytest.raises(SessionFlowError):
        flow.next()
    with pytest.raises(SessionFlowError):
        flow.accept(answer("c2"))
    flow.accept(answer("c1"))
    with pytest.raises(SessionFlowError):
        flow.accept(answer("c1"))


def test_resume_opens_the_first_unanswered_case_with_earlier_reveals_allowed() -> None:
    flow = SessionFlow(
        ["a.md"], ["c1", "c2", "c3"], answered={"c1": answer("c1"), "c3": answer("c3")}
    )
    assert flow.position == Position(Step.CASE, 1)
    assert flow.may_reveal("c1") and not flow.may_reveal("c2")
    flow.accept(answer("c2"))
    assert flow.next().step is Step.SUMMARY


def test_resume_of_a_fully_answered_lesson_lands_on_the_summary() -> None:
    flow = SessionFlow(["a.md"], ["c1"], answered={"c1": answer("c1")})
    assert flow.step is Step.SUMMARY


def test_guidance_can_be_reread_before_answering_but_not_from_a_reveal() -> None:
    flow = SessionFlow(["a.md", "b.md"], ["c1"])
    flow.next(), flow.next()
    assert flow.back() == Position(Step.GUIDANCE, 1)
    flow.next()
    flow.accept(answer("c1"))
    with pytest.raises(SessionFlowError):
        flow.open_guidance(0)


def test_answers_for_other_cases_are_refused() -> None:
    with pytest.raises(SessionFlowError):
        SessionFlow([], ["c1"], answered={"zz": answer("zz")})


def test_only_guidance_opened_from_a_waiting_case_returns_to_it() -> None:
    flow = SessionFlow(["a.md", "b.md"], ["c1", "c2"])
    assert not flow.can_return_to_case  # the lesson's first reading: no case to go back to
    with pytest.raises(SessionFlowError):
        flow.return_to_case()
    flow.next()
    flow.next()
    flow.open_guidance(0)
    flow.next()  # on the second slide
    assert flow.can_return_to_case
    assert flow.return_to_case() == Position(Step.CASE, 0)
    flow.back()  # Back from the first case also opens the guidance
    assert flow.return_to_case() == Position(Step.CASE, 0)
