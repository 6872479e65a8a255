""" "Where does it show?": the moment hit rate per case and per reviewer, beside accuracy."""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.core.lead.sections.rows import Interval, Rows, ci_hi, ci_lo


@dataclass(frozen=True)
class MomentRow:
    """One case or one reviewer: answers to cases asking for a mark, the marks given, the
    marks on a golden moment (core/moments.py) and their share with its Wilson interval."""

    key: str  # "pack/case" for a case, the profile id for a reviewer
    name: str  # the case id, or the reviewer's name
    pack: str  # the case's pack; a reviewer's: ""
    asked: int  # scored answers to cases (versions) that ask for a mark
    marked: int
    hits: int
    rate: float | None  # hits / marked; None with no mark
    ci: Interval  # Wilson 95 %

    @property
    def unmarked(self) -> int:
        return self.asked - self.marked


@dataclass(frozen=True)
class MomentSection:
    """Moment hit rates, lowest first (ties: more marks first, then name); all answers too."""

    by_case: tuple[MomentRow, ...]
    by_reviewer: tuple[MomentRow, ...]
    overall: MomentRow

    def rows(self) -> Rows:
        """Per case (the trainer's view: a moment people miss is a clip or guidance issue)."""
        return _rows(("pack", "case"), [(r.pack, r.name) for r in self.by_case], self.by_case)

    def reviewer_rows(self) -> Rows:
        return _rows(("reviewer",), [(r.name,) for r in self.by_reviewer], self.by_reviewer)


def _rows(names: tuple[str, ...], keys: list[tuple[str, ...]], rows: tuple[MomentRow, ...]) -> Rows:
    header = (*names, "asked", "marked", "not_marked", "hits", "hit_rate", "lo", "hi")
    return header, [
        (*key, r.asked, r.marked, r.unmarked, r.hits, r.rate, ci_lo(r.ci), ci_hi(r.ci))
        for key, r in zip(keys, rows, strict=True)
    ]
