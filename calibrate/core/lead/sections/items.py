"""Item analysis: one row per case, the way a trainer reads it when fixing guidance."""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.core.lead.sections.rows import Rows


@dataclass(frozen=True)
class ItemRow:
    """One case, the way a trainer reads it when fixing guidance."""

    pack: str
    case: str
    golden: str
    n: int  # first answers (one per reviewer)
    facility: float | None  # share choosing golden
    discrimination: float | None
    agreement: float | None  # share of agreeing reviewer pairs
    strong: int  # strong reviewers who answered
    strong_majority: str | None  # their most common answer
    strong_majority_share: float | None
    split: bool  # guidance unclear
    distribution: tuple[tuple[str, int], ...]  # (decision, answers), pack's decision order
    disputes: int


@dataclass(frozen=True)
class ItemSection:
    """Split cases first (lowest strong-majority share first), then lowest facility."""

    items: tuple[ItemRow, ...]

    def rows(self) -> Rows:
        header = (
            "pack",
            "case",
            "golden",
            "n",
            "facility",
            "discrimination",
            "agreement",
            "strong_reviewers",
            "strong_majority",
            "strong_majority_share",
            "split",
            "disputes",
            "distribution",
        )
        return header, [
            (
                i.pack,
                i.case,
                i.golden,
                i.n,
                i.facility,
                i.discrimination,
                i.agreement,
                i.strong,
                i.strong_majority,
                i.strong_majority_share,
                i.split,
                i.disputes,
                "; ".join(f"{d}={c}" for d, c in i.distribution),
            )
            for i in self.items
        ]
