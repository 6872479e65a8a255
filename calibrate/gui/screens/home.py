"""Home: pick your profile or create one (name, team, site) before taking lessons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.store import catalog

if TYPE_CHECKING:  # annotations only: the first screen imports little (calibrate/app.py)
    from PySide6.QtWidgets import QListWidgetItem

    from calibrate.core.profiles import Profile
    from calibrate.gui.context import AppContext


class HomeScreen(QWidget):
    profile_chosen = Signal(object)  # Profile
    lead_requested = Signal()

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.setObjectName("homeScreen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        title = QLabel(
            "<h1>Calibrate</h1><p style='font-size:12pt'>Same video, same call — "
            "the call the policy intends.</p>",
            objectName="homeTitle",
        )
        outer.addWidget(title)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        outer.addLayout(columns, stretch=1)

        choose = QGroupBox("Who is calibrating?")
        choose_layout = QVBoxLayout(choose)
        self.profiles = QListWidget(objectName="profileList")
        self.profiles.setAccessibleName("Profiles")
        self.profiles.setStyleSheet("QListWidget::item { padding: 4px 2px; }")
        self.profiles.itemActivated.connect(self._on_profile_activated)
        self.profiles.itemSelectionChanged.connect(self._on_current_changed)
        choose_layout.addWidget(self.profiles)
        self.continue_button = QPushButton("Continue  (Enter)", objectName="continueButton")
        self.continue_button.setAccessibleName("Continue as the selected profile")
        self.continue_button.clicked.connect(self._on_continue_clicked)
        choose_layout.addWidget(self.continue_button)
        columns.addWidget(choose, stretch=3)

        create = QGroupBox("New profile")
        form = QFormLayout(create)
        self.name = QLineEdit(objectName="profileName", placeholderText="e.g. Ana Ribeiro")
        self.team = QLineEdit(objectName="profileTeam", placeholderText="e.g. Graphic content EU")
        self.site = QLineEdit(objectName="profileSite", placeholderText="e.g. Lisbon")
        for field, label in ((self.name, "Name"), (self.team, "Team"), (self.site, "Site")):
            field.setAccessibleName(f"New profile {label.lower()}")
            field.returnPressed.connect(self._on_create_clicked)
            form.addRow(label, field)
        self.create_button = QPushButton("Create and continue", objectName="createProfileButton")
        self.create_button.setAccessibleName("Create profile and continue")
        self.create_button.clicked.connect(self._on_create_clicked)
        form.addRow(self.create_button)
        self.create_error = QLabel(objectName="createProfileError")
        form.addRow(self.create_error)
        note = QLabel(
            "Your answers are kept on this computer with your team and site, so "
            "leads can see how each team is calibrated. Other moderators never see "
            "your name next to your answers."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text)")
        form.addRow(note)
        columns.addWidget(create, stretch=2)
        lead_row = QHBoxLayout()
        lead_row.addStretch()
        lead = QPushButton("Lead dashboard…  (Ctrl+L)", objectName="leadDashboardButton")
        lead.setAccessibleName("Open the lead dashboard (passcode)")
        lead.clicked.connect(self.lead_requested)
        lead_row.addWidget(lead)
        outer.addLayout(lead_row)
        self.refresh()

    def refresh(self, switching: bool = False) -> None:
        """List the profiles. A lone profile is preselected (a moderator's own machine:
        Enter continues); among several, and when someone switches away, the next person
        picks theirs on purpose: answering under another's name is easy to miss."""
        self.profiles.clear()
        # Rows map to self._listed (not item data roles: the Qt enum namespace costs ~15 ms
        # of start-up to load).
        self._listed = catalog.list_profiles(self.context.conn)
        for profile in self._listed:
            where = " · ".join(x for x in (profile.team, profile.site) if x)
            self.profiles.addItem(f"{profile.name}" + (f"   —   {where}" if where else ""))
        if self.profiles.count() == 1 and not switching:
            self.profiles.setCurrentRow(0)
        if switching:  # the last person's team and site are not the next one's
            for field in (self.name, self.team, self.site):
                field.clear()
            self.create_error.clear()
        self.take_focus()
        self._on_current_changed()

    def take_focus(self) -> None:
        """Returning users land on their list, new ones in the name field."""
        (self.profiles if self.profiles.count() else self.name).setFocus()

    def _on_current_changed(self, *_: object) -> None:
        self.continue_button.setEnabled(bool(self.profiles.selectedItems()))

    def _on_profile_activated(self, item: QListWidgetItem) -> None:
        # Only a chosen (selected) row: a list given focus makes its first row current
        # without selecting it, and Enter there must not continue as that person.
        if item.isSelected():
            self.profile_chosen.emit(self._listed[self.profiles.row(item)])

    def _on_continue_clicked(self) -> None:
        for item in self.profiles.selectedItems():
            self._on_profile_activated(item)

    def _on_create_clicked(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.create_error.setText("Enter a name first.")
            self.name.setFocus()
            return
        profile: Profile = catalog.create_profile(
            self.context.db, name, self.team.text(), self.site.text()
        )
        self.name.clear()
        self.create_error.clear()
        self.refresh()
        self.profile_chosen.emit(profile)
