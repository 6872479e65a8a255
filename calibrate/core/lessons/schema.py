"""The file format of lesson packs (pack.toml, cases/*.toml) as pydantic models.

These models are the one schema: `lessons.py` validates files with them, and
`json_schema()` publishes the same rules as JSON Schema (docs/schema/, kept in sync by a test).
Unknown keys are errors, so a misspelt key is caught instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from calibrate.core.wellness import (
    DEFAULT_BREAK_AFTER_MINUTES,
    MAX_BREAK_AFTER_MINUTES,
    MIN_BREAK_AFTER_MINUTES,
    SHIELDS,
    ShieldName,
)

IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
# The same rule in words, for the problem a trainer reads instead of the pattern.
IDENTIFIER_RULE = "start with a letter or digit, then letters, digits, _ . or - (64 at most)"
Identifier = Annotated[str, Field(pattern=IDENTIFIER, description="letters, digits, _ . -")]

# Content warnings a case may carry; the wellness shields key off these.
Warning_ = Literal[
    "graphic",
    "violence",
    "gore",
    "injury",
    "death",
    "animal_harm",
    "self_harm",
    "weapons",
    "drugs",
    "dangerous_acts",
    "harassment",
    "hate",
    "sexual",
    "distressing_audio",
]
Severity = Literal["low", "medium", "high", "critical"]
Difficulty = Literal["easy", "medium", "hard"]


def parse_clock(value: object) -> float:
    """Seconds from a number, "m:ss(.fff)" / "h:mm:ss" text, or a bare TOML time (00:00:05)."""
    if isinstance(value, bool):
        raise ValueError('a time is seconds (a number) or text like "0:03.5"')
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, dt.time):  # `at = 00:00:05` unquoted is a TOML local time
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    elif isinstance(value, str):
        parts = value.strip().split(":")
        if not 2 <= len(parts) <= 3 or not all(p.replace(".", "", 1).isdigit() for p in parts):
            raise ValueError(f'{value!r} is not a time; write seconds (3.5) or "0:03.5"')
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + float(part)
    else:
        raise ValueError('a time is seconds (a number) or text like "0:03.5"')
    if not math.isfinite(seconds):
        raise ValueError("a time must be a finite number of seconds")
    if seconds < 0:
        raise ValueError("a time cannot be negative")
    return seconds


Clock = Annotated[
    float,
    BeforeValidator(parse_clock),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^(\d+:)?\d+:\d{2}(\.\d+)?$"},
            ],
            "description": 'seconds into the clip: a number (3.5) or "m:ss(.f)" text ("0:03.5")',
        }
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)


class DecisionSpec(_Strict):
    id: Identifier
    label: str = Field(min_length=1)
    description: str = ""
    ladder: bool = Field(
        True,
        description="false for actions outside the order of restrictiveness (e.g. escalate)",
    )
    key: str | None = Field(None, description="reserved")


class ClauseSpec(_Strict):
    id: Identifier
    title: str = Field(min_length=1)
    summary: str = ""


class LessonSpec(_Strict):
    id: Identifier
    title: str = Field(min_length=1)
    description: str = ""
    guidance: list[str] = Field(
        default_factory=list, description="guidance slide files, relative to guidance/, in order"
    )
    cases: list[Identifier] = Field(
        default_factory=list,
        description="case ids, in the order shown; a lesson without any is not offered",
    )
    pass_mark: float | None = Field(
        None, ge=0, le=1, description="share of cases right to pass this lesson; absent: the pack's"
    )


class WellnessSpec(_Strict):
    """[wellness]: the organisation's exposure care defaults (core/wellness.py); a
    moderator's own settings may be stricter, never looser."""

    break_after_minutes: int = Field(
        DEFAULT_BREAK_AFTER_MINUTES,
        ge=MIN_BREAK_AFTER_MINUTES,
        le=MAX_BREAK_AFTER_MINUTES,
        description="minutes of warned clips watched before a break is suggested",
    )
    shields: list[ShieldName] = Field(
        default_factory=lambda: list(SHIELDS),
        description="the shields a warned clip starts with (the moderator lifts each on "
        "purpose); [] starts it unshielded, after the warning card",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("shields")
    @classmethod
    def _no_repeats(cls, shields: list[str]) -> list[str]:
        repeated = sorted({s for s in shields if shields.count(s) > 1})
        if repeated:
            raise ValueError(f"{', '.join(repeated)} appears twice; name each shield once")
        return shields


class PackSpec(_Strict):
    """pack.toml: what the pack is, its decision ladder, its clauses and its lessons."""

    format: Literal[1] = Field(1, description="version of this file format")
    id: Identifier
    title: str = Field(min_length=1)
    policy: str = Field(min_length=1, description="the policy area, e.g. Shocking & graphic")
    policy_version: str = Field(
        min_length=1, description="the guidance version cases were judged against"
    )
    description: str = ""
    pass_mark: float = Field(0.8, ge=0, le=1, description="share of cases right to pass a lesson")
    decisions: list[DecisionSpec] = Field(
        min_length=2, description="least to most restrictive; ladder=false ones stand apart"
    )
    clauses: list[ClauseSpec] = Field(min_length=1)
    lessons: list[LessonSpec] = Field(
        default_factory=list, description="when empty: one lesson of every slide and case"
    )
    wellness: WellnessSpec = Field(default_factory=WellnessSpec)

    @model_validator(mode="after")
    def _unique_ids(self) -> PackSpec:
        for name, items in (
            ("decisions", self.decisions),
            ("clauses", self.clauses),
            ("lessons", self.lessons),
        ):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{name}: id {item.id!r} appears twice")
                seen.add(item.id)
        if sum(1 for d in self.decisions if d.ladder) < 2:
            raise ValueError("decisions: the ladder needs at least two rungs (ladder = true)")
        return self


class ContextSpec(_Strict):
    """What the platform knows around the clip, as a moderator's queue would show it."""

    caption: str = ""
    on_screen_text: str = ""
    hashtags: list[str] = Field(default_factory=list)
    report_reason: str = ""
    account: list[str] = Field(default_factory=list, description="account facts, one per line")
    audio: str = Field("", description="what can be heard, for muted viewing")


class GoldenSpec(_Strict):
    decision: Identifier
    clauses: list[Identifier] = Field(min_length=1)


class CueSpec(_Strict):
    at: Clock
    text: str = Field(min_length=1)


class MomentSpec(_Strict):
    start: Clock
    end: Clock
    label: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> MomentSpec:
        if self.end <= self.start:
            raise ValueError("end must come after start")
        return self


# "Where does it show?": a case may ask the moderator to mark the moment the violation is
# visible; the mark is a hit within a golden moment widened by this many seconds each side
# (core/moments.py). The cap catches milliseconds written as seconds (500 for 0.5).
DEFAULT_MOMENT_TOLERANCE = 1.0
MAX_MOMENT_TOLERANCE = 10.0


def parse_tolerance(value: object) -> float:
    """Seconds of slack each side of a golden moment: a number from 0 to the cap."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("moment_tolerance is seconds, a number such as 1.0")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("moment_tolerance is seconds, 0 or more")
    if seconds > MAX_MOMENT_TOLERANCE:
        raise ValueError(
            f"moment_tolerance {value} is more than {MAX_MOMENT_TOLERANCE:g} seconds; it is "
            "seconds, not milliseconds (0.5 is half a second)"
        )
    return seconds


Tolerance = Annotated[
    float,
    BeforeValidator(parse_tolerance),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": 0,
            "maximum": MAX_MOMENT_TOLERANCE,
            "description": "seconds of slack each side of a golden moment (default "
            f"{DEFAULT_MOMENT_TOLERANCE:g}); only with mark_moment = true",
        }
    ),
]


class CaseSpec(_Strict):
    """cases/<id>.toml: one case example with its golden answer."""

    id: Identifier
    title: str = Field(min_length=1)
    video: str = Field(min_length=1, description="path relative to assets/<pack>/")
    severity: Severity = "medium"
    difficulty: Difficulty | None = None
    warnings: list[Warning_] = Field(default_factory=list)
    context: ContextSpec = Field(default_factory=ContextSpec)
    golden: GoldenSpec
    rationale: str = Field(min_length=1, description="Markdown")
    cues: list[CueSpec] = Field(default_factory=list)
    moments: list[MomentSpec] = Field(default_factory=list)
    mark_moment: bool = Field(
        False,
        description="ask the moderator to mark the moment the violation shows "
        "(scored against `moments`)",
    )
    moment_tolerance: Tolerance | None = None


def json_schema() -> dict[str, object]:
    """The published JSON Schema of both file kinds."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Calibrate lesson pack files",
        "$defs": {
            "pack": PackSpec.model_json_schema(),
            "case": CaseSpec.model_json_schema(),
        },
    }
