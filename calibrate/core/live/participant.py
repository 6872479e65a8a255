"""A participant's side of a room, pure: which screen each host frame asks for, and the
lesson objects the self-paced screens show, built from what the room sent.

The screens are the self-paced ones (guidance, case, reveal, summary). Before a case's
reveal the `Case` they get holds no golden answer, rationale or moments — a blind
placeholder (`BLIND`) — whatever pack the participant has installed; the reveal's `Case` is
built from the `reveal` message itself (DESIGN.md, "Blind means blind").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from calibrate.core.live.messages import (
    Ack,
    AnswerRefused,
    CaseOpen,
    End,
    Locked,
    Message,
    PackInfo,
    Reveal,
    Slide,
    Welcome,
)
from calibrate.core.models import (
    Answer,
    Case,
    CaseContext,
    Clause,
    Cue,
    Decision,
    DecisionScale,
    Golden,
    Moment,
    Pack,
)

Stage = Literal[
    "connecting",  # no welcome yet
    "waiting",  # welcomed; the trainer has not opened a step (or the room is between steps)
    "slide",
    "case",  # the current case, open for this participant's answer
    "sending",  # an answer sent, no ack yet
    "answered",  # the host recorded it: waiting for the others and the reveal
    "locked",  # answers to the current case closed before this participant answered
    "reveal",
    "ended",
    "failed",
]
BLIND = Golden("", ())  # what a case holds before its reveal: nothing


@dataclass
class RoomView:
    """What the participant's screen shows, from the frames received so far. `apply` each
    host message; the transport's events are `sent`, `dropped` and `failed`. A dropped
    connection keeps the stage (the case stays on screen, its answer form locked) until the
    rejoin's welcome and the room's current step say where the room is."""

    stage: Stage = "connecting"
    connected: bool = False
    welcome: Welcome | None = None
    slide: Slide | None = None
    case: CaseOpen | None = None  # the current (or last) case
    reveal: Reveal | None = None  # the reveal on screen
    opened: dict[str, CaseOpen] = field(default_factory=dict)  # every case seen, by id
    reveals: dict[str, Reveal] = field(default_factory=dict)
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # case id → stored row
    notice: str = ""  # one sentence about the last answer refused, shown on the case
    problem: str = ""  # why the room cannot go on (stage "failed")
    attempts: int = 0  # reconnection attempts since the connection dropped

    def apply(self, message: Message) -> None:
        if self.welcome is None and not isinstance(message, Welcome):
            return  # a host welcomes first: anything before is no step of this room
        handler = _HANDLERS.get(type(message))
        if handler is not None:
            handler(self, message)

    @property
    def answerable(self) -> bool:
        """The answer form is unlocked only for the current, open, unanswered case."""
        return self.stage == "case" and self.connected

    def sent(self, case_id: str) -> None:
        if self._is_current(case_id) and self.answerable:
            self.stage, self.notice = "sending", ""

    def dropped(self) -> None:
        if self.stage not in ("ended", "failed"):
            self.attempts += 1
            self.connected = False

    def failed(self, sentence: str) -> None:
        if self.stage != "ended":
            self.stage, self.problem = "failed", sentence

    # --- the host's messages ---------------------------------------------------------------
    def _welcomed(self, welcome: Welcome) -> None:
        self.welcome, self.attempts, self.connected = welcome, 0, True
        for row in welcome.answers:
            self.acked.setdefault(str(row.get("case_id")), row)
        self.stage = "waiting"  # the current step (if any) follows

    def _slide(self, slide: Slide) -> None:
        self.slide, self.stage, self.notice = slide, "slide", ""

    def _case(self, case: CaseOpen) -> None:
        self.case, self.notice = case, ""
        self.opened[case.case_id] = case
        self.stage = "answered" if case.case_id in self.acked else "case"

    def _ack(self, ack: Ack) -> None:
        self.acked[ack.case_id] = ack.answer
        if self._is_current(ack.case_id) and self.stage in ("case", "sending"):
            self.stage = "answered"

    def _answer_refused(self, refused: AnswerRefused) -> None:
        if not self._is_current(refused.case_id) or self.stage not in ("case", "sending"):
            return
        if refused.code in ("locked", "not_open", "wrong_case"):
            self.stage = "locked"
        elif refused.code == "already_answered":
            self.stage = "answered"
        else:  # invalid, not_recorded: the form opens again with the moderator's answer
            self.stage = "case"
        self.notice = f"The room did not record your answer: {refused.reason}."

    def _locked(self, locked: Locked) -> None:
        if self._is_current(locked.case_id) and self.stage in ("case", "sending"):
            self.stage = "locked"

    def _revealed(self, reveal: Reveal) -> None:
        self.reveals[reveal.case_id] = reveal
        self.reveal, self.stage = reveal, "reveal"

    def _ended(self, _end: End) -> None:
        self.stage = "ended"

    def _is_current(self, case_id: str) -> bool:
        return self.case is not None and self.case.case_id == case_id


_HANDLERS: dict[type[Message], Callable[[RoomView, Any], None]] = {
    Welcome: RoomView._welcomed,
    Slide: RoomView._slide,
    CaseOpen: RoomView._case,
    Ack: RoomView._ack,
    AnswerRefused: RoomView._answer_refused,
    Locked: RoomView._locked,
    Reveal: RoomView._revealed,
    End: RoomView._ended,
}


def waiting_sentence(view: RoomView) -> str:
    """The one sentence a waiting participant reads (never a golden answer or a split)."""
    lesson = view.welcome.lesson_title if view.welcome is not None else "the room"
    if view.stage == "failed":
        return view.problem
    if view.stage == "connecting":
        return "Joining the room…"
    if not view.connected and view.stage != "ended":
        return (
            f"The connection to the room dropped. Reconnecting (attempt {view.attempts})… "
            "Your recorded answers are kept."
        )
    if view.stage == "answered":
        return "Your answer is recorded. Waiting for the others and for the trainer…"
    if view.stage == "sending":
        return "Sending your answer…"
    if view.stage == "locked":
        return "Answers to this case are closed. Waiting for the trainer to reveal it…"
    if view.stage == "ended":
        return "The trainer ended the room."
    return f"You joined “{lesson}”. Waiting for the trainer…"


FAILURES = {
    "fingerprint": "This is not the room the code names (the host's certificate does not "
    "match the join code): check the code with your trainer.",
    "refused:secret": "The room refused this code: it belongs to another room, or the room "
    "was started again with a new code.",
    "refused:removed": "The trainer removed you from this room; you cannot rejoin it.",
    "refused:closed": "This room is closed to new participants.",
    "refused:rejoin": "The room refused your rejoin: this profile joined it from another "
    "computer, so rejoin from that one or ask the trainer to let you in again.",
    "refused:protocol": "The room runs a Calibrate that speaks another protocol version: "
    "update Calibrate (yours or the trainer's).",
    "refused:busy": "This window left the room: your profile joined it again from another "
    "window or computer, or the room is full.",
    "protocol": "The room sent something this Calibrate cannot read.",
    "no_host": "No room answered at {where}: is the room open, and is this computer on "
    "its network?",
}


def failure_sentence(code: str, reason: str, where: str = "") -> str:
    """One clear sentence for a join that cannot go on (the host's reason where it helps)."""
    if code == "refused:profile":
        return f"The room refused your profile: {reason.rstrip('.')}."
    if code in FAILURES:
        return FAILURES[code].format(where=where)
    return f"The room closed the connection: {reason.rstrip('.')}."


# --- the lesson objects the self-paced screens take ------------------------------------------
def screen_pack(info: PackInfo, installed: Pack | None, room_pack: Path | None) -> Pack:
    """The installed pack when it is the host's version (its clips, clause summaries and
    decision descriptions), else one made of the welcome's facts over the room pack's
    folder (`room_pack`: the unpacked folder in the cache; None until it arrives)."""
    if installed is not None and installed.content_hash == info.hash:
        return installed
    root = room_pack if room_pack is not None else Path("room-pack-not-received")
    return Pack(
        id=info.id,
        title=info.title,
        policy=info.policy,
        policy_version=info.policy_version,
        description="",
        pass_mark=info.pass_mark,
        scale=DecisionScale(
            tuple(Decision(d.id, d.label, on_ladder=d.on_ladder) for d in info.decisions)
        ),
        clauses=tuple(Clause(c.id, c.title) for c in info.clauses),
        lessons=(),
        cases={},
        guidance={},
        folder=root / "lessons" / info.id,
        assets=root / "assets" / info.id,
        content_hash=info.hash,
    )


def clip_path(pack: Pack, video: str) -> Path:
    """The clip a `case` message names, inside the pack's assets folder; a name leaving it
    (`..`, an absolute path) becomes one that does not exist there: the clip shows as
    unavailable rather than any other file on this computer playing."""
    parts = PurePosixPath(video).parts
    if not parts or video.startswith("/") or any(p in ("..", "") or "\\" in p for p in parts):
        return pack.assets / "clip-refused"
    return pack.assets.joinpath(*parts)


def case_seen(view: RoomView, pack: Pack, case_id: str, case_hash: str) -> CaseOpen:
    """The `case` message of this case, or (a rejoin after the app restarted, when the room
    sent only its reveal) one with the installed pack's title, else its id."""
    if case_id in view.opened:
        return view.opened[case_id]
    installed = pack.cases.get(case_id)
    index = (
        view.welcome.case_ids.index(case_id)
        if view.welcome and case_id in view.welcome.case_ids
        else 0
    )
    return CaseOpen(
        index=index,
        case_id=case_id,
        case_hash=case_hash,
        title=installed.title if installed is not None else case_id,
        video="",
        warnings=[],
        context={},
        cues=[],
        seconds=0,
    )


def screen_case(pack: Pack, opened: CaseOpen, reveal: Reveal | None = None) -> Case:
    """The case as the room sent it; golden, rationale and moments only from its reveal."""
    context = opened.context
    revealed = reveal is not None and reveal.case_id == opened.case_id
    return Case(
        id=opened.case_id,
        pack_id=pack.id,
        title=opened.title,
        video=clip_path(pack, opened.video),
        severity=reveal.severity if revealed and reveal else "",
        difficulty=None,
        warnings=tuple(str(w) for w in opened.warnings),
        context=CaseContext(
            caption=str(context.get("caption", "")),
            on_screen_text=str(context.get("on_screen_text", "")),
            hashtags=_texts(context.get("hashtags")),
            report_reason=str(context.get("report_reason", "")),
            account=_texts(context.get("account")),
            audio=str(context.get("audio", "")),
        ),
        golden=revealed_golden(pack, reveal) if revealed and reveal else BLIND,
        rationale=reveal.rationale if revealed and reveal else "",
        cues=tuple(
            Cue(at, str(c.get("text", "")))
            for c in opened.cues
            if (at := _number(c.get("at"))) is not None
        ),
        moments=_moments(reveal) if revealed and reveal else (),
        source=Path(f"{opened.case_id}.toml"),
        content_hash=opened.case_hash,
    )


def revealed_golden(pack: Pack, reveal: Reveal) -> Golden:
    """The reveal's golden answer; ValueError when it names a decision the pack lacks."""
    decision = str(reveal.golden.get("decision", ""))
    if pack.scale.get(decision) is None:
        raise ValueError(f"the reveal of {reveal.case_id} names an unknown decision")
    known = {c.id for c in pack.clauses}
    clauses = tuple(str(c) for c in reveal.golden.get("clauses", ()) if str(c) in known)
    return Golden(decision, clauses)


def _moments(reveal: Reveal) -> tuple[Moment, ...]:
    return tuple(
        Moment(start, end, str(m.get("label", "")))
        for m in reveal.moments
        if (start := _number(m.get("start"))) is not None
        and (end := _number(m.get("end"))) is not None
    )


def _texts(value: object) -> tuple[str, ...]:
    """A list of texts as the room sent it; anything else (a hostile host) is none."""
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _number(value: object) -> float | None:
    """Seconds as the room sent them; anything but a finite number ≥ 0 is none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 <= value < 1e9 else None


_ANSWER_FIELDS = [f.name for f in dataclasses.fields(Answer)]


def answer_from_row(row: dict[str, Any]) -> Answer:
    """The acknowledged answer row (as the host stored it) as the screens' `Answer`."""
    values: dict[str, Any] = {name: row.get(name) for name in _ANSWER_FIELDS}
    values["skipped"] = bool(values["skipped"])
    values["note"] = values["note"] or ""
    values["team"], values["site"] = values["team"] or "", values["site"] or ""
    values["watched_ms"] = int(values["watched_ms"] or 0)
    values["time_to_answer_ms"] = int(values["time_to_answer_ms"] or 0)
    if values["clip_unavailable"] is not None:
        values["clip_unavailable"] = bool(values["clip_unavailable"])
    return Answer(**values)
