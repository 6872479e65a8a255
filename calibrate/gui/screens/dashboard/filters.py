"""The dashboard's filter bar: team, site, pack, lesson, reviewer, dates, target, and
whether answers given without watching the clip count (core/watching)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from calibrate.core.lead.labels import Labels
from calibrate.core.metrics.answer_table import Filters

ALL = None
SCORE_AGAINST_CHOICES = (("seen", "Golden as answered"), ("current", "Current golden"))


def _combo(name: str, accessible: str) -> QComboBox:
    combo = QComboBox(objectName=name)
    combo.setAccessibleName(accessible)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMinimumContentsLength(10)
    return combo


def _tip_current(combo: QComboBox, *_: object) -> None:
    """The box's tooltip: the id behind the title it shows."""
    combo.setToolTip(str(combo.currentData(Qt.ItemDataRole.ToolTipRole) or ""))


class FilterBar(QWidget):
    """Emits `changed` a moment after the last edit, so quick changes cost one recompute."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("filterBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.team = _combo("filterTeam", "Filter by team")
        self.site = _combo("filterSite", "Filter by site")
        self.pack = _combo("filterPack", "Filter by pack (policy)")
        self.lesson = _combo("filterLesson", "Filter by lesson")
        self.reviewer = _combo("filterReviewer", "Filter by reviewer")
        self.since = QDateEdit(objectName="filterSince", calendarPopup=True)
        self.since.setAccessibleName("From date")
        self.until = QDateEdit(objectName="filterUntil", calendarPopup=True)
        self.until.setAccessibleName("To date")
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd")
        self.target = QDoubleSpinBox(objectName="filterTarget", suffix=" %", decimals=0)
        self.target.setRange(50, 100)
        self.target.setValue(90)
        self.target.setAccessibleName("Accuracy target")
        for label, widget in (
            ("Team", self.team),
            ("Site", self.site),
            ("Pack", self.pack),
            ("Lesson", self.lesson),
            ("Reviewer", self.reviewer),
            ("From", self.since),
            ("To", self.until),
            ("Target", self.target),
        ):
            layout.addWidget(QLabel(label))
            layout.addWidget(widget)
        # Placed by the screen beside its title: this row has no room left at 1366 px.
        self.unwatched = QCheckBox(
            "Leave out answers given without watching", objectName="filterLeaveOutUnwatched"
        )
        self.unwatched.setAccessibleName("Leave out answers given without watching the clip")
        self.unwatched.setToolTip(
            "Answers given after less than half of an available clip "
            "was shown are left out of every number. Answers where it is "
            "unknown (imported history) stay in."
        )
        self.score_row = self._build_score_row()  # placed by the screen, as `unwatched`
        layout.addStretch()
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.changed)
        self._filling = False
        self._dates_known = False  # until the data's range is known, no date filter applies
        for combo in (self.team, self.site, self.pack, self.lesson, self.reviewer):
            combo.currentIndexChanged.connect(self._on_edited)
        for combo in (self.pack, self.lesson):
            combo.currentIndexChanged.connect(lambda _, box=combo: _tip_current(box))
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self._on_edited)
        self.target.valueChanged.connect(self._on_edited)
        self.unwatched.toggled.connect(self._on_edited)
        self.score_against.currentIndexChanged.connect(self._on_edited)

    def _build_score_row(self) -> QWidget:
        """Which golden scores an answer: the one it was given against, or its case's
        current one (docs/dashboard-metrics.md, "Golden versions")."""
        row = QWidget(objectName="scoreAgainstRow")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.score_against = _combo("filterScoreAgainst", "Score answers against")
        self.score_against.setMinimumContentsLength(0)
        for value, text in SCORE_AGAINST_CHOICES:
            self.score_against.addItem(text, value)
        self.score_against.setToolTip(
            "Golden as answered: each answer against the golden of the case version it was "
            "given against.\nCurrent golden: every answer against its case's golden today "
            "(the loaded pack's, else the newest version the database knows)."
        )
        layout.addWidget(QLabel("Score against"))
        layout.addWidget(self.score_against)
        return row

    def set_choices(self, choices: dict[str, list], labels: Labels | None = None) -> None:
        """Fill the boxes (keeping the current picks) from store.queries.filter_choices;
        packs and lessons read as their titles (`labels`, from the loaded packs), their ids
        in each item's tooltip."""
        words = labels or Labels()
        self._filling = True
        try:
            self._fill(self.team, "All teams", [(t, t or "(no team)") for t in choices["teams"]])
            self._fill(self.site, "All sites", [(s, s or "(no site)") for s in choices["sites"]])
            self._fill(
                self.pack, "All packs", [(p, words.pack(p)) for p in choices["packs"]], tips=True
            )
            self._fill(
                self.lesson,
                "All lessons",
                [
                    ((p, x), f"{words.pack(p)} / {words.lesson(p, x)}")
                    for p, x in choices["lessons"]
                ],
                tips=True,
            )
            self._fill(self.reviewer, "All reviewers", [(i, n) for i, n in choices["reviewers"]])
            if choices.get("first") and not self._dates_known:
                self.since.setDate(QDate.fromString(choices["first"][:10], "yyyy-MM-dd"))
                self.until.setDate(QDate.fromString(choices["last"][:10], "yyyy-MM-dd"))
                self._dates_known = True
        finally:
            self._filling = False

    @staticmethod
    def _fill(
        combo: QComboBox, all_text: str, items: list[tuple[object, str]], tips: bool = False
    ) -> None:
        """`tips`: each item's id ("pack/lesson" for a tuple) as its tooltip, and the box's."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, ALL)
        for value, text in items:
            combo.addItem(text, value)
            if tips:
                tip = "/".join(value) if isinstance(value, tuple) else str(value)
                combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if tips:
            _tip_current(combo)

    def filters(self) -> Filters:
        def one(combo: QComboBox) -> tuple | None:
            value = combo.currentData()
            return None if value is ALL else (value,)

        since, until = self.since.date(), self.until.date()
        return Filters(
            teams=one(self.team),
            sites=one(self.site),
            packs=one(self.pack),
            lessons=one(self.lesson),
            reviewers=one(self.reviewer),
            since=date(since.year(), since.month(), since.day()) if self._dates_known else None,
            until=date(until.year(), until.month(), until.day()) if self._dates_known else None,
            leave_out_unwatched=self.unwatched.isChecked(),
            score_against=self.score_against.currentData() or "seen",
        )

    @property
    def target_share(self) -> float:
        return self.target.value() / 100

    def describe(self) -> str:
        """The filters in words, for headings and the PDF report."""
        parts = [
            combo.currentText()
            for combo in (self.team, self.site, self.pack, self.lesson, self.reviewer)
        ]
        parts.append(
            f"{self.since.date().toString('yyyy-MM-dd')} to "
            f"{self.until.date().toString('yyyy-MM-dd')}"
        )
        if self.unwatched.isChecked():
            parts.append("answers given without watching left out")
        if self.score_against.currentData() == "current":
            parts.append("scored against the current golden")
        return " · ".join(parts)

    def export_columns(self, demo: bool) -> list[tuple[str, object]]:
        """The filters as constant CSV columns (ids as the tables keep them, "(all)" for no
        filter; the reviewer by name): docs/dashboard-metrics.md, "Export"."""

        def value(combo: QComboBox, data: object = None) -> object:
            if combo.currentData() is ALL:
                return "(all)"
            return data if data is not None else combo.currentData()

        lesson = self.lesson.currentData()
        return [
            ("filter_team", value(self.team)),
            ("filter_site", value(self.site)),
            ("filter_pack", value(self.pack)),
            ("filter_lesson", value(self.lesson, "/".join(lesson) if lesson else None)),
            ("filter_reviewer", value(self.reviewer, self.reviewer.currentText())),
            ("filter_from", self.since.date().toString("yyyy-MM-dd")),
            ("filter_to", self.until.date().toString("yyyy-MM-dd")),
            ("filter_leave_out_unwatched", self.unwatched.isChecked()),
            ("filter_score_against", self.score_against.currentData() or "seen"),
            ("target", self.target_share),
            ("demo_data", demo),
        ]

    def _on_edited(self, *_: object) -> None:
        if not self._filling:
            self._debounce.start()
