"""The live-room protocol: every message a participant and a host exchange, as pydantic models.

One frame is one text WebSocket message holding one single-line JSON object with `"v"` (the
protocol version) and `"type"`. Each model forbids unknown keys, so a message is either
exactly one of these or refused. docs/live-protocol.md lists them with their JSON Schema
(`protocol_schemas()` prints it).

Blind on the wire (DESIGN.md): the golden decision and clauses, the rationale, the moments
and the room's split travel in `reveal` only — no other model has a field named
`golden`, `rationale`, `moments` or `split` (tests/test_room_protocol.py holds that).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

PROTOCOL_VERSION = 1
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024  # a participant's frame: an answer with a 2,000-char note
MAX_HOST_MESSAGE_BYTES = 4 * 1024 * 1024  # a host's frame: a guidance slide, a reveal
MAX_NOTE_CHARS = 2000
REVEAL_ONLY_KEYS = frozenset({"golden", "rationale", "moments", "split"})

Text = Annotated[str, Field(max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = 1  # PROTOCOL_VERSION

    def frame(self) -> str:
        """The single-line JSON text frame (no NaN: pydantic writes none)."""
        return self.model_dump_json()


# --- participant → host ----------------------------------------------------------------------
class ProfileInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    name: Annotated[str, Field(min_length=1, max_length=100)]
    team: Annotated[str, Field(max_length=100)] = ""
    site: Annotated[str, Field(max_length=100)] = ""


class Hello(Message):
    """First frame of a connection: who joins, with the room's secret from the join code."""

    type: Literal["hello"] = "hello"
    secret: Annotated[str, Field(max_length=64)]
    profile: ProfileInfo
    pack_hash: Annotated[str, Field(max_length=128)] | None = None  # the pack it holds, if any
    # the participant's rejoin token (it makes one before its first hello and keeps it): the
    # host keeps its digest, and a member's later hello must carry the same token
    rejoin: Annotated[str, Field(min_length=32, max_length=64)] | None = None


class AnswerMessage(Message):
    """A participant's answer to the open case; the host acknowledges or refuses it."""

    type: Literal["answer"] = "answer"
    case_id: Id
    decision: Id | None = None
    clause: Id | None = None
    confidence: Annotated[float, Field(ge=0, le=1)] | None = None
    note: Annotated[str, Field(max_length=MAX_NOTE_CHARS)] = ""
    skipped: bool = False
    watched_share: Annotated[float, Field(ge=0, le=1)] | None = None
    watched_ms: Annotated[int, Field(ge=0, le=24 * 3600 * 1000)] = 0


ClientMessage = Annotated[Hello | AnswerMessage, Field(discriminator="type")]


# --- host → participant ----------------------------------------------------------------------
class DecisionInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    on_ladder: bool = True


class ClauseInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str


class PackInfo(BaseModel):
    """What a participant answers with: the pack's decisions and clauses (no case content)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    policy: str
    policy_version: str
    pass_mark: float
    hash: str
    decisions: list[DecisionInfo]
    clauses: list[ClauseInfo]


class Welcome(Message):
    """The host accepted the hello: the room, the lesson's outline and the participant's
    live session (its row, so the participant's database holds the same one)."""

    type: Literal["welcome"] = "welcome"
    room_id: str
    pack: PackInfo
    lesson_id: str
    lesson_title: str
    slides: int
    case_ids: list[str]
    session: dict[str, Any]
    answers: list[dict[str, Any]]  # this participant's answers already recorded, as stored
    rejoin: str  # the member's token: the hello's, or one the host made for a hello without


class Refused(Message):
    """The connection is refused (the host closes it next): bad secret, version, removed…"""

    type: Literal["refused"] = "refused"
    code: Literal[
        "protocol",
        "secret",
        "malformed",
        "closed",
        "removed",
        "profile",
        "flood",
        "busy",
        "rejoin",
    ]
    reason: str


class PackOffer(Message):
    """The host sends its room pack next, as binary frames of the announced size in all:
    the participant's hello named no pack, or another version (docs/live-protocol.md)."""

    type: Literal["pack_offer"] = "pack_offer"
    pack_id: str
    pack_hash: str
    size: int
    sha256: str
    case_hashes: dict[str, str]


class Slide(Message):
    type: Literal["slide"] = "slide"
    index: int
    name: str
    markdown: str
    seconds: float


class CaseOpen(Message):
    """A case opens for answers: what a moderator sees before answering, nothing more."""

    type: Literal["case"] = "case"
    index: int
    case_id: str
    case_hash: str
    title: str
    video: str  # the clip's path inside the pack's assets folder
    warnings: list[str]
    context: dict[str, Any]
    cues: list[dict[str, Any]]
    seconds: float  # how long answers stay open at most


class Ack(Message):
    """The answer is recorded in the host's database: the row exactly as stored."""

    type: Literal["ack"] = "ack"
    case_id: str
    answer: dict[str, Any]


class AnswerRefused(Message):
    type: Literal["answer_refused"] = "answer_refused"
    case_id: str
    code: Literal["not_open", "locked", "already_answered", "invalid", "wrong_case", "not_recorded"]
    reason: str


class Locked(Message):
    type: Literal["locked"] = "locked"
    case_id: str
    answered: int


class Reveal(Message):
    """After lock: the golden answer, the rationale, the moments and how the room split."""

    type: Literal["reveal"] = "reveal"
    case_id: str
    case_hash: str
    golden: dict[str, Any]  # decision, clauses
    rationale: str
    moments: list[dict[str, Any]]
    split: dict[str, int]
    severity: str
    seconds: float


class End(Message):
    type: Literal["end"] = "end"
    finished_at: str


HostMessage = Annotated[
    Welcome | Refused | PackOffer | Slide | CaseOpen | Ack | AnswerRefused | Locked | Reveal | End,
    Field(discriminator="type"),
]
HOST_MESSAGE_TYPES: tuple[type[Message], ...] = (
    Welcome,
    Refused,
    PackOffer,
    Slide,
    CaseOpen,
    Ack,
    AnswerRefused,
    Locked,
    Reveal,
    End,
)
CLIENT_MESSAGE_TYPES: tuple[type[Message], ...] = (Hello, AnswerMessage)

_client = TypeAdapter(ClientMessage)
_host = TypeAdapter(HostMessage)


class ProtocolError(ValueError):
    """A frame that is not a message of this protocol; `code` says how (Refused.code)."""

    def __init__(self, code: Literal["protocol", "malformed"], reason: str):
        super().__init__(reason)
        self.code: Literal["protocol", "malformed"] = code
        self.reason = reason


def _parse(text: str, adapter: TypeAdapter[Any], limit: int) -> Any:
    if len(text) > limit:
        raise ProtocolError("malformed", f"message longer than {limit} bytes")
    try:
        raw = json.loads(text)
    except ValueError:
        raise ProtocolError("malformed", "not JSON") from None
    if not isinstance(raw, dict):
        raise ProtocolError("malformed", "not a JSON object")
    version = raw.get("v")
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            "protocol",
            f"protocol version {str(version)[:10]} is not spoken here "
            f"(this side speaks {PROTOCOL_VERSION})",
        )
    try:
        return adapter.validate_python(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProtocolError("malformed", f"{where}: {first['msg']}"[:200]) from None


def parse_client_message(text: str) -> Hello | AnswerMessage:
    """One participant frame, validated (ProtocolError otherwise)."""
    return _parse(text, _client, MAX_CLIENT_MESSAGE_BYTES)  # type: ignore[no-any-return]


def parse_host_message(text: str) -> Message:
    """One host frame, validated (ProtocolError otherwise)."""
    return _parse(text, _host, MAX_HOST_MESSAGE_BYTES)  # type: ignore[no-any-return]


def protocol_schemas() -> dict[str, dict[str, Any]]:
    """Each message type's JSON Schema, by type name (docs/live-protocol.md)."""
    return {
        str(model.model_fields["type"].default): model.model_json_schema()
        for model in (*CLIENT_MESSAGE_TYPES, *HOST_MESSAGE_TYPES)
    }
