"""What every report page writes with: the A4 sheet, the line atop each page after the
first, lines of text down a page, and numbers as the report words them."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib.figure import Figure, SubFigure

from calibrate.charts import palette
from calibrate.core.lead.agreement import estimate_interval, why_not_shown
from calibrate.core.metrics.agreement import Estimate

PAGE = (8.27, 11.69)  # A4 portrait, inches
WRAP = 100  # characters per line of 9 pt text across the page


def header(figure: Figure, filters: str, demo: bool) -> None:
    """The line atop every page after the first: the filters, and DEMO DATA on a demo."""
    figure.text(
        0.07, 0.985, f"Calibration report · {filters}", fontsize=7.5, va="top", color=palette.OTHER
    )
    if demo:
        figure.text(
            0.93,
            0.985,
            "DEMO DATA",
            fontsize=8,
            va="top",
            ha="right",
            color="#D55E00",
            fontweight="bold",
        )


class TextPage:
    """Lines of text down a page, top to bottom."""

    def __init__(
        self,
        figure: Figure | SubFigure,
        top: float = 0.95,
        left: float = 0.07,
        step: float = 0.0175,
    ):
        self.figure, self.y, self.left, self.step = figure, top, left, step

    def line(
        self,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        indent: float = 0,
        colour: str = palette.TEXT_LIGHT,
        wrap: int = WRAP,
    ) -> None:
        for part in textwrap.wrap(text, wrap - int(indent * 120)) or [""]:
            if self.y < 0.03:  # the page is full: never draw off its edge
                return
            self.figure.text(
                self.left + indent,
                self.y,
                part,
                fontsize=size,
                color=colour,
                fontweight="bold" if bold else "normal",
                va="top",
            )
            self.y -= self.step * size / 9
            indent = max(indent, 0.03) if part else indent

    def heading(self, text: str) -> None:
        self.y -= self.step * 0.6
        self.line(text, size=11.5, bold=True, colour=palette.ABOVE)

    def gap(self, lines: float = 0.5) -> None:
        self.y -= self.step * lines


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def pct_ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" (95 % CI {ci[0]:.1%}–{ci[1]:.1%})"


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def coef(e: Estimate) -> str:
    """ "0.74 (0.47 to 1.00†)": the interval cut to the coefficient's range, cut ends marked;
    "too few cases" or "undefined" where there is no value."""
    if e.value is None:
        return why_not_shown(e)
    shown = estimate_interval(e)
    return f"{e.value:.2f}" + (f" ({shown.text()})" if shown else "")


def more(items: Sequence[str], limit: int, joiner: str = ", ") -> str:
    """The first `limit` items joined, and "and N more" for the rest."""
    shown = joiner.join(items[:limit])
    return shown + (f"{joiner}and {len(items) - limit} more" if len(items) > limit else "")
