"""What each dashboard table shows: the columns that tell its rows apart first, shares as
percentages, intervals in one column, ids as the words a lead reads (decision labels, case
and lesson titles, session kinds; pack titles beside the Team × pack chart). The CSV export
keeps every column, with ids, as the core section gives them (docs/dashboard-metrics.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from calibrate.core.lead.agreement import TOO_FEW, shown_interval
from calibrate.core.lead.labels import Labels, session_kind_words
from calibrate.gui.widgets.table_model import Column, column_title, display

Row = Sequence[object]
NOT_WATCHED_HELP = (
    "Share of the reviewer's answers given without watching: less than half of an available "
    "clip shown.\nSkips, and answers where it is unknown (imported history, answers from "
    "before it was recorded), are not counted in the denominator."
)


def _pct(value: object, decimals: int = 0, sign: str = "") -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return display(value)
    return f"{value:{sign}.{decimals}%}".replace("-", "\N{MINUS SIGN}")


def _coef(value: object, decimals: int = 2) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return display(value)
    return f"{value:.{decimals}f}".replace("-", "\N{MINUS SIGN}")


class _Builder:
    """Columns of one table's header, by CSV name."""

    def __init__(self, header: Sequence[str], labels: Labels):
        self.at = {name: i for i, name in enumerate(header)}
        self.labels = labels

    def get(self, name: str) -> Callable[[Row], object]:
        i = self.at[name]
        return lambda row: row[i]

    def plain(self, name: str, title: str | None = None) -> Column:
        return Column(title or column_title(name), (name,), self.get(name))

    def problem(self, name: str, title: str | None = None) -> Column:
        """A yes/no flag of a problem: its "yes" is the one coloured as a warning."""
        return Column(title or column_title(name), (name,), self.get(name), yes_is_good=False)

    def percent(
        self, name: str, title: str | None = None, decimals: int = 0, sign: str = ""
    ) -> Column:
        get = self.get(name)
        return Column(
            title or column_title(name), (name,), get, lambda row: _pct(get(row), decimals, sign)
        )

    def coefficient(self, name: str, title: str | None = None, decimals: int = 2) -> Column:
        get = self.get(name)
        return Column(
            title or column_title(name), (name,), get, lambda row: _coef(get(row), decimals)
        )

    def interval(
        self, lo: str, hi: str, title: str, text: Callable[[object], str] | None = None
    ) -> Column:
        """Two CSV columns in one, sorted by the low end: shares as "47%–79%", signed
        values (`text`) as "−0.17 to 0.38"."""
        low, high = self.get(lo), self.get(hi)

        def both(row: Row) -> str:
            a, b = low(row), high(row)
            if a is None or b is None:
                return "—"
            return f"{_pct(a)}–{_pct(b)}" if text is None else f"{text(a)} to {text(b)}"

        return Column(title, (lo, hi), low, both)

    def agreement(self, name: str, title: str | None = None) -> Column:
        """A chance-corrected coefficient, or "too few cases" where the row's note says so."""
        get, note = self.get(name), self.get("note")

        def text(row: Row) -> str:
            value = get(row)
            if value is None and str(note(row) or "").startswith(TOO_FEW):
                return TOO_FEW
            return _coef(value)

        return Column(title or column_title(name), (name,), get, text)

    def cut_interval(self, value: str, lo: str, hi: str, title: str, *, symmetric: bool) -> Column:
        """A coefficient's interval cut to its range, "−0.21 to 1.00†" where an end was cut
        (core/lead/agreement.shown_interval); sorted by the low end as computed."""
        get, low, high = self.get(value), self.get(lo), self.get(hi)

        def text(row: Row) -> str:
            shown = shown_interval(
                get(row),
                low(row),
                high(row),  # type: ignore[arg-type]
                symmetric=symmetric,
            )
            return "—" if shown is None else shown.text()

        return Column(title, (lo, hi), low, text)

    def decision(self, name: str, title: str | None = None) -> Column:
        """A decision id as its pack's label (the row's `pack` column says which pack)."""
        get, pack, labels = self.get(name), self.get("pack"), self.labels
        return Column(
            title or column_title(name),
            (name,),
            lambda row: labels.decision(str(pack(row)), get(row)),
        )  # type: ignore[arg-type]

    def case_title(self) -> Column:
        case, pack, labels = self.get("case"), self.get("pack"), self.labels
        return Column("Title", ("case",), lambda row: labels.case(str(pack(row)), str(case(row))))

    def lesson_title(self) -> Column:
        lesson, pack, labels = self.get("lesson"), self.get("pack"), self.labels
        return Column(
            "Lesson", ("lesson",), lambda row: labels.lesson(str(pack(row)), str(lesson(row)))
        )

    def pack_title(self) -> Column:
        """The pack by its title, as the Pack filter names it; the id in its tooltip."""
        pack, labels = self.get("pack"), self.labels
        return Column(
            "Pack",
            ("pack",),
            lambda row: labels.pack(str(pack(row))),
            tip=lambda row: f"pack id: {pack(row)}",
        )

    def session_kind(self, name: str = "session_kind") -> Column:
        get = self.get(name)
        return Column(column_title(name), (name,), lambda row: session_kind_words(str(get(row))))

    def distribution(self) -> Column:
        """ "allow=3; remove=5" as "Allow 3 · Remove 5" (decisions somebody chose only)."""
        get, pack, labels = self.get("distribution"), self.get("pack"), self.labels

        def words(row: Row) -> str:
            parts = []
            for item in str(get(row) or "").split("; "):
                decision, _, count = item.rpartition("=")
                if decision and count != "0":
                    parts.append(f"{labels.decision(str(pack(row)), decision)} {count}")
            return " · ".join(parts)

        return Column("Answers", ("distribution",), words)


def _reviewers(b: _Builder) -> list[Column]:
    return [
        b.plain("reviewer"),
        b.percent("accuracy"),
        b.interval("lo", "hi", "95 % interval"),
        b.plain("n"),
        b.plain("correct"),
        b.plain("team"),
        b.plain("site"),
        b.problem("below_target"),
        b.problem("clearly_below_target", "Clearly below"),
        replace(b.percent("not_watched", "Not watched"), help=NOT_WATCHED_HELP),
    ]


def _agreement(b: _Builder) -> list[Column]:
    clause = b.get("clause")
    return [
        b.plain("pack"),
        Column("Clause", ("clause",), lambda row: clause(row) or "whole pack"),
        b.plain("cases"),
        b.agreement("fleiss_kappa"),
        b.cut_interval("fleiss_kappa", "fleiss_lo", "fleiss_hi", "κ 95 %", symmetric=True),
        b.plain("paired_cases", "Rated 2+"),
        b.agreement("krippendorff_alpha"),
        b.cut_interval("krippendorff_alpha", "alpha_lo", "alpha_hi", "α 95 %", symmetric=False),
        b.agreement("gwet_ac1"),
        b.cut_interval("gwet_ac1", "ac1_lo", "ac1_hi", "AC1 95 %", symmetric=True),
        b.agreement("gwet_ac2_quadratic"),
        b.cut_interval("gwet_ac2_quadratic", "ac2_lo", "ac2_hi", "AC2 95 %", symmetric=True),
        b.percent("percent_agreement", "Agreement"),
        b.plain("raters"),
        b.plain("ratings"),
        b.plain("note"),
    ]


def _enforcement(b: _Builder) -> list[Column]:
    def signed(v: object) -> str:
        return _pct(v, 1, "+")

    return [
        b.plain("group"),
        b.plain("level"),
        b.plain("n"),
        b.percent("net", "Net lean", 1, "+"),
        b.interval("net_lo", "net_hi", "Net 95 %", signed),
        b.plain("over"),
        b.plain("under"),
        b.plain("correct"),
        b.plain("missed_escalations"),
        b.plain("unneeded_escalations"),
    ]


def _team_pack(b: _Builder) -> list[Column]:
    def signed(v: object) -> str:
        return _pct(v, 1, "+")

    return [
        b.plain("team"),
        b.pack_title(),
        b.plain("n"),
        b.percent("net", "Net lean", 1, "+"),
        b.interval("net_lo", "net_hi", "Net 95 %", signed),
        b.plain("over"),
        b.plain("under"),
        b.plain("correct"),
        b.plain("missed_escalations"),
        b.plain("unneeded_escalations"),
    ]


def _items(b: _Builder) -> list[Column]:
    return [
        b.plain("case"),
        b.case_title(),
        b.problem("split"),
        b.decision("golden"),
        b.decision("strong_majority"),
        b.percent("strong_majority_share", "Majority share"),
        b.percent("facility", "Share right"),
        b.plain("n"),
        b.plain("disputes"),
        b.percent("agreement"),
        b.coefficient("discrimination"),
        b.plain("strong_reviewers"),
        b.plain("pack"),
        b.distribution(),
    ]


def _disputes(b: _Builder) -> list[Column]:
    return [
        b.plain("created_at"),
        b.plain("case"),
        b.problem("case_split"),
        b.decision("chosen"),
        b.plain("note"),
        Column(
            "Resolution",
            ("resolution", "resolved_at"),
            b.get("resolution"),
            lambda row: _resolution(b.get("resolution")(row), b.get("resolved_at")(row)),
        ),
        b.plain("reply", "Trainer's reply"),
        b.case_title(),
        b.plain("pack"),
        b.plain("new_case_hash", "New case version"),
        b.plain("dispute_id", "Dispute"),
    ]


def _resolution(outcome: object, resolved_at: object) -> str:
    """A dispute's resolution in words, with its day ("open" while none)."""
    words = {"upheld": "golden upheld", "changed": "golden changed"}.get(str(outcome))
    return f"{words} {str(resolved_at)[:10]}" if words else "open"


def _calibration(b: _Builder) -> list[Column]:
    return [
        b.plain("team"),
        b.interval("bin_lo", "bin_hi", "Confidence bin"),
        b.plain("bin_n", "Answers"),
        b.percent("mean_confidence", "Stated"),
        b.percent("accuracy", "Right"),
        b.plain("n", "Team N"),
        b.coefficient("brier", decimals=3),
        b.coefficient("calibration_error", decimals=3),
    ]


def _critical_errors(b: _Builder) -> list[Column]:
    return [
        b.plain("answered_at"),
        b.plain("reviewer"),
        b.plain("team"),
        b.plain("site"),
        b.plain("case"),
        b.case_title(),
        b.decision("chosen"),
        b.session_kind(),
        b.plain("pack"),
        b.plain("answer_id"),
    ]


def _completion(b: _Builder) -> list[Column]:
    return [
        b.plain("team"),
        b.plain("site"),
        b.plain("reviewer"),
        b.lesson_title(),
        b.plain("taken"),
        b.plain("sessions"),
        b.percent("best_score"),
        b.plain("passed"),
        b.plain("pack"),
    ]


def _moment_counts(b: _Builder) -> list[Column]:
    return [
        b.percent("hit_rate", "On the moment"),
        b.interval("lo", "hi", "95 % interval"),
        b.plain("hits"),
        b.plain("marked"),
        b.plain("not_marked"),
        b.plain("asked", "Answers"),
    ]


def _moments(b: _Builder) -> list[Column]:
    return [b.plain("case"), *_moment_counts(b), b.case_title(), b.plain("pack")]


def _moments_by_reviewer(b: _Builder) -> list[Column]:
    return [b.plain("reviewer"), *_moment_counts(b)]


def _reviews(b: _Builder) -> list[Column]:
    return [
        b.plain("team"),
        b.plain("attempt"),
        b.percent("accuracy", "Right"),
        b.interval("lo", "hi", "95 % interval"),
        b.plain("n", "Answers"),
        b.plain("correct"),
    ]


def _production(b: _Builder) -> list[Column]:
    cells = [b.pack_title(), b.plain("week")]
    for value, title in (
        ("overturn", "Overturned"),
        ("negative", "Negative surveys"),
        ("qa", "QA accuracy"),
        ("calibration", "Calibration accuracy"),
    ):
        name = value + ("_accuracy" if value in ("qa", "calibration") else "_rate")
        cells += [b.percent(name, title, 1), b.interval(f"{value}_lo", f"{value}_hi", "95 %")]
    cells += [b.coefficient("reports_per_1000", "Reports / 1,000", decimals=1)]
    cells += [b.coefficient("fleiss_kappa", "κ"), b.plain("kappa_cases", "κ cases")]
    counts = ("decisions", "appeals", "appeals_overturned", "survey_responses")
    counts += ("survey_negative", "qa_sampled", "qa_correct", "user_reports")
    cells += [b.plain("lessons_first_taken", "Lesson first taken")]
    return cells + [b.plain(name) for name in (*counts, "calibration_answers")]


_TABLES: dict[str, Callable[[_Builder], list[Column]]] = {
    "reviewers": _reviewers,
    "agreement": _agreement,
    "enforcement": _enforcement,
    "team_pack": _team_pack,
    "items": _items,
    "disputes": _disputes,
    "calibration": _calibration,
    "critical_errors": _critical_errors,
    "completion": _completion,
    "moments": _moments,
    "moments_by_reviewer": _moments_by_reviewer,
    "reviews": _reviews,
    "production": _production,
}


def table_columns(name: str, header: Sequence[str], labels: Labels) -> list[Column] | None:
    """The view of dashboard table `name` (None: every CSV column as it is, for a table
    this module does not know or a header it does not expect)."""
    build = _TABLES.get(name)
    if build is None:
        return None
    try:
        return build(_Builder(header, labels))
    except KeyError:  # a column renamed in core: show the table as it is rather than fail
        return None
