"""One case opened from the split list: its clip, golden answer, rationale and the answers."""

from __future__ import annotations

import html

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.core.lead.golden_versions import GoldenVersionRow
from calibrate.core.lead.sections.completion import DisputeRow
from calibrate.core.lead.sections.items import ItemRow
from calibrate.core.models import Case, Pack
from calibrate.gui.widgets.markdown_view import MarkdownView


class CaseDetailDialog(QDialog):
    """What a trainer needs to decide whether the guidance, not the moderators, is unclear."""

    wants_editor = False  # "Open in editor…" was pressed: the trainer's passcode comes next

    def __init__(
        self,
        item: ItemRow,
        pack: Pack | None,
        disputes: tuple[DisputeRow, ...] = (),
        parent: QWidget | None = None,
        versions: tuple[GoldenVersionRow, ...] = (),
        model_html: str | None = None,
    ):
        """disputes: every dispute in view; the dialog lists this case's (newest first).
        versions: the case's answers by golden version (none: its golden never changed
        while answered). model_html: a model's decision on the case (the Models tab), said
        in place of the strong reviewers' split."""
        super().__init__(parent)
        self.setObjectName("caseDetailDialog")
        self.setWindowTitle(f"{item.pack} / {item.case}")
        self.resize(1100, 640)
        self.player = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        case = pack.cases.get(item.case) if pack else None
        if case is not None:
            from calibrate.gui.widgets.player_controls import PlayerPanel

            self.player = PlayerPanel(self)
            # Leads see warned clips shielded too; the shields lift on purpose, as for anyone.
            self.player.load(case.video, autoplay=False, shields=None)
            self.player.set_shields(grayscale=case.is_warned, blurred=case.is_warned, muted=True)
            left.addWidget(self.player, stretch=1)
        else:
            left.addWidget(QLabel("This case is not in a loaded pack: no clip or rationale."))
        layout.addLayout(left, stretch=3)
        right = QVBoxLayout()
        labels = {d.id: d.label for d in pack.scale.decisions} if pack else {}
        summary = QLabel(_summary_html(item, case, labels, versions, model_html))
        summary.setObjectName("caseDetailSummary")
        summary.setWordWrap(True)
        right.addWidget(summary)
        self._summary, self._notes = summary, _dispute_notes(item, disputes, labels)
        right.addWidget(self._editor_button(item, case is not None))
        rationale = MarkdownView(self, name="caseDetailRationale")
        rationale.set_markdown(
            "### Rationale\n\n" + (case.rationale if case else "—") + self._notes,
            [c.id for c in pack.clauses] if pack else [],
        )
        right.addWidget(rationale, stretch=1)
        layout.addLayout(right, stretch=2)

    def _editor_button(self, item: ItemRow, shown: bool) -> QPushButton:
        self._ids = (item.pack, item.case)  # what "Open in editor…" opens
        edit = QPushButton("Open in editor…  (trainer passcode)", objectName="openInEditorButton")
        edit.setAccessibleName("Open this case in the trainer's case editor")
        edit.setAutoDefault(False)
        edit.setVisible(shown)  # a case of no loaded pack has no file to edit
        edit.clicked.connect(self._on_edit_clicked)
        return edit

    @property
    def room_html(self) -> str:
        """The room's split and this case's disputes, for the case editor's side panel."""
        notes = [html.escape(line) for line in self._notes.splitlines() if line.strip()]
        return self._summary.text() + "<br>".join(notes)

    def _on_edit_clicked(self) -> None:
        self.wants_editor = True
        self.accept()

    def shutdown(self, edit: SignalInstance | None = None) -> None:
        """Stop the clip; after "Open in editor…", `edit` is emitted with the pack id, case
        id and room_html (the dashboard's edit_case_requested: the main window takes it)."""
        if self.player is not None:
            self.player.shutdown()
        if edit is not None and self.wants_editor:
            edit.emit(*self._ids, self.room_html)


def _summary_html(
    item: ItemRow,
    case: Case | None,
    labels: dict,
    versions: tuple[GoldenVersionRow, ...],
    model_html: str | None,
) -> str:
    """The case's title, golden answer, the room's split (and the strong reviewers', or a
    model's decision) and its answers by golden version."""
    total = sum(n for _, n in item.distribution) or 1
    bars = "".join(
        f"<tr><td>{html.escape(labels.get(d, d))}{' ✓' if d == item.golden else ''}</td>"
        f"<td align='right'>{n}</td><td>&nbsp;{'█' * round(20 * n / total)}</td></tr>"
        for d, n in item.distribution
    )
    share = "—" if item.strong_majority_share is None else f"{item.strong_majority_share:.0%}"
    return (
        f"<h3>{html.escape(case.title if case else item.case)}</h3>"
        f"<p>Golden: <b>{html.escape(labels.get(item.golden, item.golden))}</b>"
        f"{' under ' + ', '.join(case.golden.clauses) if case else ''}</p>"
        + (
            model_html
            or f"<p>{'<b>Split</b> — ' if item.split else ''}strong reviewers' most common "
            f"answer has a share of {share} ({item.strong} strong reviewers); {item.n} "
            f"reviewers in all; {item.disputes} dispute(s).</p>"
        )
        + f"<table>{bars}</table>"
        + golden_versions_html(versions, labels)
    )


def _dispute_notes(item: ItemRow, disputes: tuple[DisputeRow, ...], labels: dict) -> str:
    """The moderators' disputes of this golden answer, as Markdown (what they chose, why)."""
    mine = [d for d in disputes if d.pack == item.pack and d.case == item.case]
    if not mine:
        return ""
    lines = [f"\n\n### Disputed {len(mine)} time(s)\n"]
    for d in mine:
        chose = labels.get(d.chosen, d.chosen) if d.chosen else "skipped"
        note = " ".join(d.note.split()) or "(no note)"
        lines.append(f"- {d.created_at[:10]}, chose *{chose}*: {note}")
        if d.resolution:
            reply = " ".join((d.reply or "").split())
            lines.append(f"  - **Golden {d.resolution}** {(d.resolved_at or '')[:10]}: {reply}")
    return "\n".join(lines)


def golden_versions_html(versions: tuple[GoldenVersionRow, ...], labels: dict) -> str:
    """Answers by golden version: how many answers saw each golden, and how many of them
    are right against it and against the current golden."""
    if not versions:
        return "<p>Every answer in view was given against the current golden answer.</p>"

    def share(right: int, n: int) -> str:
        return f"{right} of {n} ({right / n:.0%})" if n else "—"

    rows = "".join(
        f"<tr><td>{v.version}{' (current)' if v.current else ''}</td>"
        f"<td>{html.escape(labels.get(v.decision, v.decision))}"
        f"{' · ' + html.escape(', '.join(v.clauses)) if v.clauses else ''}</td>"
        f"<td>{html.escape(v.first_seen or '—')}</td><td align='right'>{v.answers}</td>"
        f"<td align='right'>{share(v.right_seen, v.answers)}</td>"
        f"<td align='right'>{share(v.right_current, v.answers)}</td></tr>"
        for v in versions
    )
    return (
        "<p><b>Answers by golden version</b> — the golden changed while this case was "
        "answered.</p><table cellspacing='4'><tr><th align='left'>Version</th>"
        "<th align='left'>Golden</th><th align='left'>Since</th><th>Answers</th>"
        "<th>Right as answered</th><th>Right vs current</th></tr>" + rows + "</table>"
    )
