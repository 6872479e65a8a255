"""A lesson's content as room messages: what a step shows, and what only a reveal may carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from calibrate.core.live.messages import CaseOpen, ClauseInfo, DecisionInfo, PackInfo, Reveal, Slide
from calibrate.core.models import Case, Pack


def pack_info(pack: Pack) -> PackInfo:
    return PackInfo(
        id=pack.id,
        title=pack.title,
        policy=pack.policy,
        policy_version=pack.policy_version,
        pass_mark=pack.pass_mark,
        hash=pack.content_hash,
        decisions=[
            DecisionInfo(id=d.id, label=d.label, on_ladder=d.on_ladder)
            for d in pack.scale.decisions
        ],
        clauses=[ClauseInfo(id=c.id, title=c.title) for c in pack.clauses],
    )


def slide_message(pack: Pack, name: str, index: int, seconds: float) -> Slide:
    return Slide(
        index=index, name=name, markdown=pack.guidance[name].markdown, seconds=round(seconds, 3)
    )


def case_message(pack: Pack, case: Case, index: int, seconds: float) -> CaseOpen:
    """What a moderator sees before answering: title, clip, warnings, context and cues."""
    try:
        video = case.video.relative_to(pack.assets).as_posix()
    except ValueError:  # a pack loaded from elsewhere: its name is what the clip is known by
        video = case.video.name
    return CaseOpen(
        index=index,
        case_id=case.id,
        case_hash=case.content_hash,
        title=case.title,
        video=video,
        warnings=list(case.warnings),
        context=asdict(case.context),
        cues=[asdict(cue) for cue in case.cues],
        seconds=round(seconds, 3),
    )


def reveal_message(case: Case, split: Mapping[str, int], seconds: float) -> Reveal:
    return Reveal(
        case_id=case.id,
        case_hash=case.content_hash,
        golden={"decision": case.golden.decision, "clauses": list(case.golden.clauses)},
        rationale=case.rationale,
        moments=[asdict(m) for m in case.moments],
        split=dict(split),
        severity=case.severity,
        seconds=round(seconds, 3),
    )
