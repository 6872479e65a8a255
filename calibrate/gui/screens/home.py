"""Home: pick your profile or create one (name, team, site) before taking lessons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
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

from calibrate.gui.shortcuts import bind_keys

if TYPE_CHECKING:  # annotations only: the first screen imports little (calibrate/app.py)
    from PySide6.QtWidgets import QListWidgetItem

    from calibrate.core.profiles import Profile
    from calibrate.gui.context import AppContext


CHOOSE_HINT = "Choose your name: ↑/↓ or a click, then Enter"


class ProfileList(QListWidget):
    """A profile list where no row looks chosen until one is: Qt makes the first row current
    (a focus outline) when the list gets the keyboard, which reads as chosen, and Down would
    then skip that first person."""

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        if not self.selectedItems():
            self.setCurrentIndex(QModelIndex())


class HomeScreen(QWidget):
    profile_chosen = Signal(object)  # Profile
    lead_requested = Signal()
    trainer_requested = Signal()
    join_requested = Signal(object)  # Profile: join a live session as them
    review_requested = Signal(object)  # Profile: review their due cases

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
        from calibrate.gui.screens.dispute_replies import DisputeRepliesNotice

        self.replies = DisputeRepliesNotice(context)  # replies to the chosen one's disputes
        outer.addWidget(self.replies)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        outer.addLayout(columns, stretch=1)
        columns.addWidget(self._build_choose_box(), stretch=3)
        columns.addWidget(self._build_create_box(), stretch=2)
        lead_row = QHBoxLayout()
        join = QPushButton("Join a live session…  (Ctrl+J)", objectName="joinRoomButton")
        join.setAccessibleName("Join a live session with the trainer's code")
        join.clicked.connect(self._on_join_clicked)
        lead_row.addWidget(join)
        bind_keys(self, ("Ctrl+J",), self._on_join_clicked)
        lead_row.addStretch()
        trainer = QPushButton("Trainer area…  (Ctrl+T)", objectName="trainerAreaButton")
        trainer.setAccessibleName("Open the trainer area (passcode)")
        trainer.clicked.connect(self.trainer_requested)
        lead_row.addWidget(trainer)
        lead = QPushButton("Lead dashboard…  (Ctrl+L)", objectName="leadDashboardButton")
        lead.setAccessibleName("Open the lead dashboard (passcode)")
        lead.clicked.connect(self.lead_requested)
        lead_row.addWidget(lead)
        outer.addLayout(lead_row)
        self.refresh()

    def _build_choose_box(self) -> QGroupBox:
        """The profiles on this machine, and Continue."""
        choose = QGroupBox("Who is calibrating?")
        choose_layout = QVBoxLayout(choose)
        self.profiles = ProfileList(objectName="profileList")
        self.profiles.setAccessibleName("Profiles")
        self.profiles.setStyleSheet("QListWidget::item { padding: 4px 2px; }")
        self.profiles.itemActivated.connect(self._on_profile_activated)
        self.profiles.itemSelectionChanged.connect(self._on_current_changed)
        choose_layout.addWidget(self.profiles)
        self.choose_hint = QLabel(CHOOSE_HINT, objectName="chooseProfileHint")
        self.choose_hint.setWordWrap(True)
        choose_layout.addWidget(self.choose_hint)
        self.continue_button = QPushButton("Continue  (Enter)", objectName="continueButton")
        self.continue_button.setAccessibleName("Continue as the selected profile")
        self.continue_button.clicked.connect(self._on_continue_clicked)
        choose_layout.addWidget(self.continue_button)
        self.review_button = QPushButton(objectName="homeReviewDueButton")
        self.review_button.setAccessibleName("Review the chosen profile's cases due today")
        self.review_button.clicked.connect(self._on_review_clicked)
        self.review_button.hide()
        choose_layout.addWidget(self.review_button)
        return choose

    def _build_create_box(self) -> QGroupBox:
        """A new profile: name, team, site, and what is kept about it."""
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
        return create

    def refresh(self, switching: bool = False) -> None:
        """List the profiles. A lone profile is preselected (a moderator's own machine:
        Enter continues); among several, and when someone switches away, the next person
        picks theirs on purpose: answering under another's name is easy to miss."""
        self.profiles.clear()
        # Rows map to self._listed (not item data roles: the Qt enum namespace costs ~15 ms
        # of start-up to load).
        self._listed = self.context.profiles.listed()
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

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Back from the dashboard (an import may have brought replies): ask again.
        super().showEvent(event)
        self._on_current_changed()

    def take_focus(self) -> None:
        """Returning users land on their list, new ones in the name field."""
        (self.profiles if self.profiles.count() else self.name).setFocus()

    def _on_current_changed(self, *_: object) -> None:
        # Continue stays enabled with nothing chosen: pressed, it says how to choose.
        self.continue_button.setEnabled(self.profiles.count() > 0)
        chosen = bool(self.profiles.selectedItems())
        self.choose_hint.setVisible(self.profiles.count() > 0 and not chosen)
        row = self.profiles.currentRow() if chosen else -1
        self.replies.show_for(self._listed[row].id if 0 <= row < len(self._listed) else None)
        self.show_review_due()
        self._alert_hint(False)

    def _chosen(self) -> Profile | None:
        rows = [self.profiles.row(item) for item in self.profiles.selectedItems()]
        return self._listed[rows[0]] if rows and rows[0] < len(self._listed) else None

    def show_review_due(self) -> None:
        """'Review due (N)' for the chosen profile. Only once packs are loaded (after the
        first paint): the count replays that profile's answers."""
        profile = self._chosen()
        due = 0
        if profile is not None and self.context.library.packs:
            due = self.context.review.due_count(profile.id)
        self.review_button.setText(f"Review due ({due})")
        self.review_button.setVisible(due > 0)

    def _on_review_clicked(self) -> None:
        profile = self._chosen()
        if profile is not None:
            self.review_requested.emit(profile)

    def _alert_hint(self, alert: bool) -> None:
        """The hint, quiet under the list, or as the answer to Enter or Continue pressed with
        no one chosen: never silent."""
        self.choose_hint.setProperty("alert", alert)
        self.choose_hint.setStyleSheet(
            "font-weight: bold; color: palette(highlight)"
            if alert
            else "color: palette(placeholder-text)"
        )

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # The list passes Enter on (also after reporting a row activated): only with no one
        # chosen is it answered here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.profiles.hasFocus():
            if not self.profiles.selectedItems():
                self._alert_hint(True)
            return
        super().keyPressEvent(event)

    def _on_profile_activated(self, item: QListWidgetItem) -> None:
        # Only a chosen (selected) row: Enter on a row that is merely current (Qt sets one
        # when the list gets the keyboard) must not continue as that person.
        if item.isSelected():
            self.profile_chosen.emit(self._listed[self.profiles.row(item)])

    def _on_continue_clicked(self) -> None:
        if not self.profiles.selectedItems():
            self._alert_hint(True)
        for item in self.profiles.selectedItems():
            self._on_profile_activated(item)

    def _on_join_clicked(self) -> None:
        """A room records answers under a profile: the chosen one (else say how to choose)."""
        chosen = self.profiles.selectedItems()
        if chosen:
            self.join_requested.emit(self._listed[self.profiles.row(chosen[0])])
        elif self.profiles.count():
            self._alert_hint(True)
        else:
            self.create_error.setText("Create your profile first: a room records your answers.")
            self.name.setFocus()

    def _on_create_clicked(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.create_error.setText("Enter a name first.")
            self.name.setFocus()
            return
        profile: Profile = self.context.profiles.create(name, self.team.text(), self.site.text())
        self.name.clear()
        self.create_error.clear()
        self.refresh()
        self.profile_chosen.emit(profile)
