"""The headline: the numbers a director reads first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calibrate.core.lead.sections.agreement import AgreementRow
from calibrate.core.lead.sections.rows import Interval, Rows, ci_hi, ci_lo, estimate_cells


@dataclass(frozen=True)
class Headline:
    """The numbers a director reads first."""

    answers: int
    scored: int
    skipped: int
    reviewers: int
    correct: int
    accuracy: float | None
    accuracy_ci: Interval  # Wilson 95 %
    target: float
    below_target: tuple[str, ...]  # reviewer names, accuracy below target, worst first
    agreement: tuple[AgreementRow, ...]  # one per pack: never pooled across packs
    missed_escalations: int
    unneeded_escalations: int
    split_cases: tuple[str, ...]  # "pack/case", most divided first
    first_day: date | None  # the period shown: given, else the answers' first/last UTC day
    last_day: date | None

    def rows(self) -> Rows:
        header = ("measure", "value", "lo", "hi")
        out: list[tuple[object, ...]] = [
            ("answers", self.answers, None, None),
            ("scored", self.scored, None, None),
            ("skipped", self.skipped, None, None),
            ("reviewers", self.reviewers, None, None),
            ("accuracy", self.accuracy, ci_lo(self.accuracy_ci), ci_hi(self.accuracy_ci)),
            ("target", self.target, None, None),
            ("reviewers_below_target", len(self.below_target), None, None),
            ("missed_escalations", self.missed_escalations, None, None),
            ("unneeded_escalations", self.unneeded_escalations, None, None),
            ("split_cases", len(self.split_cases), None, None),
        ]
        for r in self.agreement:
            out += [
                (f"fleiss_kappa {r.pack}", *estimate_cells(r.fleiss)),
                (f"krippendorff_alpha {r.pack}", *estimate_cells(r.alpha)),
                (f"gwet_ac1 {r.pack}", *estimate_cells(r.ac1)),
                (f"gwet_ac2_quadratic {r.pack}", *estimate_cells(r.ac2)),
            ]
        return header, out
