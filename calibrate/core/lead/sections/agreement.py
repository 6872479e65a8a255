"""Agreement sections: per pack and per golden clause, on each reviewer's first answer."""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.core.lead.sections.rows import Rows, estimate_cells
from calibrate.core.metrics.agreement import Estimate


@dataclass(frozen=True)
class AgreementRow:
    """Agreement over one group of cases of one pack, on each reviewer's first answer."""

    pack: str
    clause: str  # "" for the whole pack
    n_cases: int  # cases with at least one rating
    n_paired: int  # cases rated by two or more reviewers (the chance-corrected minimum's N)
    n_raters: int
    n_ratings: int
    fleiss: Estimate
    alpha: Estimate  # Krippendorff's α, nominal; interval by case bootstrap
    ac1: Estimate
    percent: Estimate


_AGREEMENT_HEADER = (
    "pack",
    "clause",
    "cases",
    "paired_cases",
    "raters",
    "ratings",
    "fleiss_kappa",
    "fleiss_lo",
    "fleiss_hi",
    "krippendorff_alpha",
    "alpha_lo",
    "alpha_hi",
    "gwet_ac1",
    "ac1_lo",
    "ac1_hi",
    "percent_agreement",
    "note",
)


def _agreement_rows(rows: tuple[AgreementRow, ...]) -> list[tuple[object, ...]]:
    return [
        (
            r.pack,
            r.clause,
            r.n_cases,
            r.n_paired,
            r.n_raters,
            r.n_ratings,
            *estimate_cells(r.fleiss),
            *estimate_cells(r.alpha),
            *estimate_cells(r.ac1),
            r.percent.value,
            r.fleiss.note or r.alpha.note or "",
        )
        for r in rows
    ]


@dataclass(frozen=True)
class AgreementSection:
    """Agreement per pack and per golden clause (a case counts under each of its clauses)."""

    by_pack: tuple[AgreementRow, ...]
    by_clause: tuple[AgreementRow, ...]

    def rows(self) -> Rows:
        return _AGREEMENT_HEADER, _agreement_rows(self.by_pack + self.by_clause)
