"""Every modal question and message goes through here, so tests can answer without a human."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget


def run_dialog(dialog: QDialog) -> int:
    """Show a modal dialog and return its result (the one place tests replace)."""
    return dialog.exec()


def ask_text(parent: QWidget | None, title: str, label: str) -> str | None:
    """Multi-line text from the user, or None if they cancelled."""
    text, accepted = QInputDialog.getMultiLineText(parent, title, label)
    return text if accepted else None


def ask_line(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text from the user (stripped), or None if they cancelled or left it empty."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("askLineDialog")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    if run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue().strip() or None


def choose(parent: QWidget | None, title: str, label: str, items: list) -> int | None:
    """The index of the item the user picked from a list, or None if they cancelled."""
    names = [str(item) for item in items]
    dialog = QInputDialog(parent)
    dialog.setObjectName("chooseDialog")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(names)
    dialog.setOption(QInputDialog.InputDialogOption.UseListViewForComboBoxItems)
    if run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return None
    return names.index(dialog.textValue()) if dialog.textValue() in names else None


def confirm(parent: QWidget | None, title: str, question: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    return run_dialog(box) == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("informDialog")
    run_dialog(box)


def ask_submit_unwatched(parent: QWidget | None, share: float) -> bool:
    """ "Submit without watching?" (core/watching): True to submit, False to watch first.

    Keys: S submits, W or Escape (also Enter: the default) goes back to the case."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Submit without watching?",
        "Submit without watching?",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("submitUnwatchedDialog")
    box.setInformativeText(
        f"You have seen {share:.0%} of the clip. Answers are meant to be given after watching "
        "it; leads can leave answers given without watching out of the dashboard."
    )
    submit = box.addButton("&Submit anyway", QMessageBox.ButtonRole.AcceptRole)
    submit.setObjectName("submitUnwatchedButton")
    watch = box.addButton("&Watch the clip first", QMessageBox.ButtonRole.RejectRole)
    watch.setObjectName("watchFirstButton")
    box.setDefaultButton(watch)
    box.setEscapeButton(watch)
    run_dialog(box)
    return box.clickedButton() is submit
