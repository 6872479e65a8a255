"""A moderator's own wellness settings: an earlier break, more shields, a neutral pause after
each warned case. The packs' [wellness] defaults are the floor: the dialog shows, pack by
pack, what applies, so a looser choice is seen to change nothing (core/wellness.py)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import CalibrateError
from calibrate.core.profiles import Profile
from calibrate.core.wellness import (
    MAX_BREAK_AFTER_MINUTES,
    MAX_INTERSTITIAL_SECONDS,
    SHIELD_WORDS,
    SHIELDS,
    PersonalWellness,
    effective_policy,
    looser_than,
)
from calibrate.gui import theme
from calibrate.gui.context import AppContext


class WellnessDialog(QDialog):
    def __init__(self, context: AppContext, profile: Profile, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("wellnessDialog")
        self.setWindowTitle("Wellness settings")
        self.setMinimumWidth(620)
        self.context, self.profile = context, profile
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{html.escape(profile.name)}</b>: your own settings for warned clips. Your "
            "organisation's packs set the defaults; yours can make them stricter, never looser.",
            wordWrap=True,
        )
        layout.addWidget(intro)
        form = QFormLayout()
        self.break_after = QSpinBox(objectName="wellnessBreakAfter")
        self.break_after.setAccessibleName("Suggest a break after this many minutes")
        self.break_after.setRange(0, MAX_BREAK_AFTER_MINUTES)
        self.break_after.setSpecialValueText("as the pack says")
        self.break_after.setSuffix(" min of warned clips")
        form.addRow("Suggest a &break after", self.break_after)
        shields = QHBoxLayout()
        self.shields: dict[str, QCheckBox] = {}
        for name in SHIELDS:
            box = QCheckBox(SHIELD_WORDS[name], objectName=f"wellnessShield_{name}")
            box.setAccessibleName(f"Always start warned clips {SHIELD_WORDS[name]}")
            shields.addWidget(box)
            self.shields[name] = box
        shields.addStretch()
        form.addRow("Always start warned clips", shields)
        self.interstitial = QSpinBox(objectName="wellnessInterstitial")
        self.interstitial.setAccessibleName("Seconds of neutral screen after each warned case")
        self.interstitial.setRange(0, MAX_INTERSTITIAL_SECONDS)
        self.interstitial.setSpecialValueText("off")
        self.interstitial.setSuffix(" s")
        form.addRow("&Pause after a warned case", self.interstitial)
        layout.addLayout(form)
        self.effect = QLabel(objectName="wellnessEffect", wordWrap=True)
        self.effect.setAccessibleName("What applies, pack by pack")
        self.effect.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.effect)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill(context.wellness.personal(profile))
        for spin in (self.break_after, self.interstitial):
            spin.valueChanged.connect(self.show_effect)
        for box in self.shields.values():
            box.toggled.connect(self.show_effect)
        self.show_effect()

    def _fill(self, personal: PersonalWellness) -> None:
        self.break_after.setValue(personal.break_after_minutes or 0)
        for name, box in self.shields.items():
            box.setChecked(name in personal.shields)
        self.interstitial.setValue(personal.interstitial_seconds)

    def chosen(self) -> PersonalWellness:
        return PersonalWellness(
            break_after_minutes=self.break_after.value() or None,
            shields=frozenset(n for n, box in self.shields.items() if box.isChecked()),
            interstitial_seconds=self.interstitial.value(),
        )

    def show_effect(self) -> None:
        """Pack by pack, what applies with these settings, and what is not applied."""
        personal = self.chosen()
        rows = []
        for pack in self.context.library.packs:
            applied = effective_policy(pack.wellness, personal)
            shields = applied.shield_words() or "no shield"
            line = (
                f"<b>{html.escape(pack.title)}</b>: a break after "
                f"{applied.break_after_minutes} min; warned clips start {shields}"
            )
            for looser in looser_than(pack.wellness, personal):
                line += f"<br><span style='color:{theme.WARNING}'>Not applied: {looser}.</span>"
            rows.append(f"<li>{line}</li>")
        self.effect.setText(
            "<p>What applies:</p><ul>" + "".join(rows) + "</ul>"
            if rows
            else "<p>No pack is loaded.</p>"
        )

    def save(self) -> None:
        try:
            self.context.wellness.save_personal(self.profile, self.chosen())
        except CalibrateError as refused:
            self.effect.setText(
                f"<span style='color:{theme.WRONG}'>{html.escape(str(refused))}</span>"
            )
            return
        self.accept()
