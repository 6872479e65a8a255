"""Agreement sections: per pack and per golden clause, on each reviewer's first answer."""

from __future__ import annotations

from dataclasses import dataclass

from calibrate.core.lead.sections.rows import Rows, estimate_cells
from calibrate.core.metrics.agreement import Estimate

# The prevalence paradox (Feinstein & Cicchetti 1990): where one decision takes this share
# of the answers and AC1 exceeds κ by this much, κ and α are low by construction.
DOMINANT_SHARE = 0.8
PARADOX_GAP = 0.3


def _signed(value: float) -> str:
    return f"{value:.2f}".replace("-", "\N{MINUS SIGN}")


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
    ac2: Estimate = Estimate(None)  # Gwet's AC2, quadratic, on the pack's ladder
    dominant: str = ""  # the most common decision
    dominant_share: float | None = None  # its share of the ratings

    @property
    def paradox_note(self) -> str | None:
        """Where one decision dominates and AC1 stands far above κ, why κ and α are low
        though reviewers agree (the "prevalence paradox"); else None."""
        kappa, ac1, share = self.fleiss.value, self.ac1.value, self.dominant_share
        if kappa is None or ac1 is None or share is None:
            return None
        if share < DOMINANT_SHARE or ac1 - kappa < PARADOX_GAP:
            return None
        return (
            f"reviewers agree, but one decision dominates ({self.dominant}: {share:.0%} of "
            f"answers), so κ and α are low by construction: AC1 {_signed(ac1)}, "
            f"κ {_signed(kappa)}"
        )


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
    "gwet_ac2_quadratic",
    "ac2_lo",
    "ac2_hi",
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
            *estimate_cells(r.ac2),
            r.percent.value,
            "; ".join(dict.fromkeys(filter(None, (r.fleiss.note, r.paradox_note, r.alpha.note)))),
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
