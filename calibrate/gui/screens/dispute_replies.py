"""The home screen's notice of trainers' replies to the chosen moderator's disputes.

Shown for the profile chosen in the list, once this database holds a resolution of one of
their disputes (recorded here, or imported from the trainer's export); "Dismiss" hides those
replies on this machine for good.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

if TYPE_CHECKING:
    from calibrate.gui.context import AppContext
    from calibrate.workspace.disputes import Reply

SHOWN = 4  # replies listed in full; more are counted
OUTCOME_WORDS = {"upheld": "kept the golden answer", "changed": "changed the golden answer"}


class DisputeRepliesNotice(QFrame):
    def __init__(self, context: AppContext):
        super().__init__(objectName="disputeRepliesNotice")
        self.context = context
        self.replies: list[Reply] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#disputeRepliesNotice { border: 1px solid palette(highlight); border-radius: 4px; }"
        )
        row = QHBoxLayout(self)
        texts = QVBoxLayout()
        self.text = QLabel(objectName="disputeRepliesText", wordWrap=True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        texts.addWidget(self.text)
        row.addLayout(texts, stretch=1)
        self.dismiss_button = QPushButton("Dismiss", objectName="dismissRepliesButton")
        self.dismiss_button.setAccessibleName("Dismiss the replies to your disputes")
        self.dismiss_button.clicked.connect(self.dismiss)
        row.addWidget(self.dismiss_button, alignment=Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

    def show_for(self, profile_id: str | None) -> None:
        """List the replies to this profile's disputes (none chosen: hidden)."""
        self.replies = [] if profile_id is None else self.context.disputes.replies(profile_id)
        if self.replies:
            self.text.setText(self._html())
        self.setVisible(bool(self.replies))

    def dismiss(self) -> None:
        self.context.disputes.dismiss(self.replies)
        self.replies = []
        self.setVisible(False)

    def _html(self) -> str:
        n = len(self.replies)
        head = f"<b>A trainer answered {'your dispute' if n == 1 else f'{n} of your disputes'}</b>"
        items = "".join(
            f"<li><b>{html.escape(self._case_title(r))}</b> — the trainer "
            f"{OUTCOME_WORDS.get(r.outcome, r.outcome)} ({html.escape(r.resolved_at[:10])}):"
            f" “{html.escape(' '.join(r.reply.split()))}”<br><span style='color: "
            f"palette(placeholder-text)'>You wrote: {html.escape(_cut(r.note, 140))}</span></li>"
            for r in self.replies[:SHOWN]
        )
        more = f"<p>and {n - SHOWN} more.</p>" if n > SHOWN else ""
        return f"{head}<ul style='margin-left: 12px'>{items}</ul>{more}"

    def _case_title(self, reply: Reply) -> str:
        for pack in self.context.library.packs:
            if pack.id == reply.pack_id and reply.case_id in pack.cases:
                return pack.cases[reply.case_id].title
        return reply.case_id


def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
