"""Small modal questions in one place, so tests can answer them without a human."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """Multi-line text from the user, or None if they cancelled."""
    text, accepted = QInputDialog.getMultiLineText(parent, title, label)
    return text if accepted else None


def confirm(parent: QWidget | None, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)
