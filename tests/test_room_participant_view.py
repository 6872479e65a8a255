"""Which screen a moderator in a room sees for each frame (core/live/participant), without
widgets: the answer form open only for the current unanswered case, nothing golden early."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate.core.live.messages import (
    Ack,
    AnswerRefused,
    CaseOpen,
    ClauseInfo,
    DecisionInfo,
    End,
    Locked,
    PackInfo,
    Reveal,
    Slide,
    Welcome,
)
from calibrate.core.live.participant import (
    BLIND,
    FAILURES,
    RoomView,
    answer_from_row,
    clip_path,
    failure_sentence,
    screen_case,
    screen_pack,
    waiting_sentence,
)

PACK = PackInfo(
    id="alpha", title="Alpha", policy="P", policy_version="1", pass_mark=0.8, hash="h1",
    decisions=[DecisionInfo(id="allow", label="Allow"), DecisionInfo(id="remove", label="Remove")],
    clauses=[ClauseInfo(id="GR-1", title="Real injury")],
)  # fmt: skip


def welcome(answers: list[dict] | None = None) -> Welcome:
    return Welcome(
        room_id="r", pack=PACK, lesson_id="basics", lesson_title="Basics", slides=1,
        case_ids=["c1", "c2"], session={"id": "s"}, answers=answers or [], rejoin="t",
    )  # fmt: skip


def case(case_id: str, index: int = 0, video: str = "c1.mp4") -> CaseOpen:
    return CaseOpen(
        index=index, case_id=case_id, case_hash=f"h-{case_id}", title=f"Case {case_id}",
        video=video, warnings=["graphic"], context={"caption": "cap"},
        cues=[{"at": 1.0, "text": "a cue"}], seconds=30,
    )  # fmt: skip


def reveal(case_id: str, decision: str = "remove") -> Reveal:
    return Reveal(
        case_id=case_id, case_hash=f"h-{case_id}", golden={"decision": decision,
        "clauses": ["GR-1", "GR-9"]}, rationale="Because.", moments=[{"start": 1, "end": 2,
        "label": "m"}], split={"remove": 2}, severity="high", seconds=5,
    )  # fmt: skip


def row(case_id: str) -> dict:
    return {
        "id": f"a-{case_id}", "session_id": "s", "profile_id": "p", "pack_id": "alpha",
        "lesson_id": "basics", "case_id": case_id, "case_hash": f"h-{case_id}",
        "pack_hash": "h1", "team": None, "site": "", "session_kind": "live",
        "decision": "remove", "clause": "GR-1", "confidence": 0.8, "note": None,
        "skipped": 0, "shown_at": "t0", "answered_at": "t1", "time_to_answer_ms": 5,
        "watched_ms": 900, "watched_share": 0.6, "clip_unavailable": None,
    }  # fmt: skip


def test_the_answer_form_opens_only_for_the_current_unanswered_case() -> None:
    view = RoomView()
    assert view.stage == "connecting" and not view.answerable
    view.apply(welcome())
    assert view.stage == "waiting" and "Waiting for the trainer" in waiting_sentence(view)
    view.apply(Slide(index=0, name="01.md", markdown="# Hi", seconds=3))
    assert view.stage == "slide" and not view.answerable
    view.apply(case("c1"))
    assert view.answerable
    view.sent("c1")
    assert view.stage == "sending" and not view.answerable
    view.apply(Ack(case_id="c1", answer=row("c1")))
    assert view.stage == "answered" and "Waiting for the others" in waiting_sentence(view)
    view.apply(Locked(case_id="c1", answered=2))
    view.apply(reveal("c1"))
    assert view.stage == "reveal" and not view.answerable
    view.apply(case("c2", 1))
    assert view.answerable
    view.apply(Locked(case_id="c2", answered=1))  # closed before this moderator answered
    assert view.stage == "locked" and not view.answerable
    view.apply(End(finished_at="t"))
    assert view.stage == "ended"


def test_a_refused_answer_reopens_the_form_or_closes_it_with_the_reason() -> None:
    view = RoomView()
    view.apply(welcome())
    view.apply(case("c1"))
    view.sent("c1")
    view.apply(AnswerRefused(case_id="c1", code="not_recorded", reason="disk full; send again"))
    assert view.answerable and "disk full" in view.notice
    view.sent("c1")
    view.apply(AnswerRefused(case_id="c1", code="locked", reason="answers to this case closed"))
    assert view.stage == "locked" and not view.answerable
    view.apply(AnswerRefused(case_id="other", code="invalid", reason="x"))  # not this case
    assert view.stage == "locked"


def test_a_dropped_connection_keeps_the_step_locks_the_form_and_a_rejoin_knows_the_answer() -> None:
    view = RoomView()
    view.apply(welcome())
    view.apply(case("c1"))
    view.dropped()
    assert view.stage == "case" and not view.answerable
    assert "dropped. Reconnecting (attempt 1)" in waiting_sentence(view)
    view.apply(welcome(answers=[row("c1")]))  # recorded before the drop: kept
    view.apply(case("c1"))
    assert view.stage == "answered" and not view.answerable


def test_before_its_reveal_a_case_holds_nothing_golden(tmp_path: Path) -> None:
    pack = screen_pack(PACK, None, tmp_path / "cache" / "h1")
    blind = screen_case(pack, case("c1"))
    assert blind.golden == BLIND and blind.rationale == "" and blind.moments == ()
    assert blind.severity == "" and blind.video == tmp_path / "cache/h1/assets/alpha/c1.mp4"
    revealed = screen_case(pack, case("c1"), reveal("c1"))
    assert revealed.golden.decision == "remove"
    assert revealed.golden.clauses == ("GR-1",)  # a clause the pack lacks is dropped
    assert revealed.rationale == "Because." and revealed.moments[0].label == "m"
    with pytest.raises(ValueError, match="unknown decision"):
        screen_case(pack, case("c1"), reveal("c1", decision="burn"))


@pytest.mark.parametrize("video", ["../../etc/passwd", "/etc/passwd", "a/../../b.mp4", "a\\..\\b"])
def test_a_clip_path_leaving_the_packs_assets_is_refused(tmp_path: Path, video: str) -> None:
    pack = screen_pack(PACK, None, tmp_path)
    path = clip_path(pack, video)
    assert path == pack.assets / "clip-refused"


def test_each_refusal_is_one_sentence_and_the_acked_row_is_an_answer() -> None:
    for code in FAILURES:
        sentence = failure_sentence(code, "ignored", "127.0.0.1 port 1")
        assert sentence[0].isupper() and sentence.rstrip("?.").count(". ") == 0
    assert failure_sentence("refused:removed", "x") == (
        "The trainer removed you from this room; you cannot rejoin it."
    )
    answer = answer_from_row(row("c1"))
    assert answer.team == "" and answer.note == "" and answer.skipped is False


def test_a_hostile_hosts_case_and_reveal_shapes_are_dropped_not_raised(tmp_path: Path) -> None:
    pack = screen_pack(PACK, None, tmp_path)
    odd = CaseOpen(
        index=0, case_id="c1", case_hash="h", title="t", video="c1.mp4", warnings=[],
        context={"hashtags": 7, "account": "not a list", "caption": ["x"]},
        cues=[{"at": "soon", "text": "x"}, {"at": float("nan")}, {"at": 0, "text": "start"}],
        seconds=1,
    )  # fmt: skip
    bad = reveal("c1").model_copy(update={"moments": [{"start": "a"}, {"start": 1, "end": 2}]})
    case_ = screen_case(pack, odd, bad)
    assert case_.context.hashtags == () and case_.context.account == ()
    assert [c.text for c in case_.cues] == ["start"] and len(case_.moments) == 1
    with pytest.raises(ValueError):
        answer_from_row({**row("c1"), "watched_ms": "lots"})


def test_frames_before_the_welcome_open_no_step() -> None:
    view = RoomView()
    view.apply(case("c1"))
    view.apply(reveal("c1"))
    assert view.stage == "connecting" and view.case is None and view.reveal is None
