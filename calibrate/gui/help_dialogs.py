"""Help menu dialogs: the keyboard shortcuts (F1) and About."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from calibrate import __version__
from calibrate.gui import prompts

# What Help > Keyboard shortcuts lists (the README's "Using it" says the same; the editor's
# keys are docs/authoring.md's).
SHORTCUTS = (
    ("1 – 9", "choose a decision, in the pack's ladder order"),
    ("C, then ↑ / ↓, Enter", "choose the policy clause"),
    ("Ctrl+1 … Ctrl+5", "how sure you are"),
    ("Ctrl+Enter", "submit your answer (final once submitted)"),
    ("N", "write a note: while you type, every key goes into it"),
    ("T", 'mark the moment it shows, at the player\'s time (cases asking "Where does it show?")'),
    ("Esc", "leave the note or the answer form: the case's keys work again"),
    ("Enter", "next: slide, case, summary; on a focused button: press it"),
    ("PgDn / PgUp", "scroll a guidance slide; at its end, next / previous slide"),
    ("Space / K", "play or pause / pause"),
    ("J / L, ← / →", "back / forward 5 seconds"),
    (", / .", "one frame back / forward (paused)"),
    ("< / >", "slower / faster (0.25× – 3×; kept for you)"),
    ("[ / ] / \\", "loop: A at the frame on screen / B there / no loop"),
    ("↑ / ↓", "louder / quieter (the player's; kept for you)"),
    ("F (Esc leaves)", "full screen"),
    ("S (reveal)", "show me the next golden moment, looped"),
    ("M", "mute or unmute"),
    ("W", "watch a warned clip, shielded"),
    ("Shift+G / Shift+B", "lift the grayscale / blur shield"),
    ("Shift+S", "shields back on: every shield the warned clip started with"),
    ("Ctrl+Enter (break screen)", "go on after a break: warned clips play again"),
    ("G", "read the guidance again"),
    ("Esc (on the guidance)", "back to the case, as it was left"),
    ("Ctrl+Shift+R (lesson list)", "review the cases due today (missed or unsure before)"),
    ("Ctrl+L", "lead dashboard (passcode)"),
    ("Ctrl+J", "join a live session (on the home screen): paste the trainer's code"),
    ("Ctrl+T", "trainer area: packs, their problems, export/import, lesson folders (passcode)"),
    ("N, L, R, B…", "in the live room console: next, lock, reveal, back… (its F1 lists all)"),
    ("Ctrl+S (editor)", "save the slide, case or pack.toml shown (refused while it has a problem)"),
    ("Ctrl+Shift+S (editor)", "keep the case as a draft, problems and all"),
    ("Ctrl+N (editor)", "new case"),
    ("Ctrl+K (case editor)", "add a cue at the paused frame"),
    ("Ctrl+B / Ctrl+E (case editor)", "mark a moment's start / end at the paused frame"),
    ("Ctrl+Shift+P (editor)", "take the lesson as a moderator (nothing is recorded)"),
    ("Ctrl+Shift+D", "dark mode"),
    ("Ctrl+R / Ctrl+Q", "reload lessons / quit"),
)


def show_shortcuts(parent: QWidget) -> None:
    rows = "".join(
        f"<tr><td><b>{html.escape(keys)}</b>&nbsp;&nbsp;</td><td>{html.escape(what)}</td></tr>"
        for keys, what in SHORTCUTS
    )
    box = QMessageBox(
        QMessageBox.Icon.NoIcon,
        "Keyboard shortcuts",
        f"<table cellspacing='3'>{rows}</table>",
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setObjectName("shortcutsDialog")
    prompts.run_dialog(box)


def show_about(parent: QWidget, log_path: Path) -> None:
    QMessageBox.about(
        parent,
        "About Calibrate",
        f"<b>Calibrate {__version__}</b><br>Calibration lessons for Trust &amp; "
        f"Safety teams.<br>Log file: {log_path}",
    )
