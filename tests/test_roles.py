"""The lead area sits behind a passcode the first lead sets; only a salted slow hash is kept."""

from __future__ import annotations

from calibrate.core.passcodes import hash_passcode, verify_passcode
from calibrate.gui.passcode_dialog import PasscodeDialog
from calibrate.store import settings


def test_passcode_hash_is_salted_and_checks_only_the_right_code() -> None:
    first, second = hash_passcode("correct horse"), hash_passcode("correct horse")
    assert first != second and "correct horse" not in first
    assert verify_passcode("correct horse", first) and verify_passcode("correct horse", second)
    assert not verify_passcode("correct hors", first)
    assert not verify_passcode("correct horse", "garbage$1$2")


def test_first_lead_sets_the_passcode_then_a_wrong_one_is_refused(qtbot, app_window) -> None:
    db = app_window.context.db
    dialog = PasscodeDialog(db)
    qtbot.addWidget(dialog)
    dialog.passcode.setText("lead-2026")
    dialog.repeat.setText("lead-2026")
    dialog._on_ok()
    assert dialog.result() == PasscodeDialog.DialogCode.Accepted
    stored = settings.passcode_hash(db, "lead")
    assert stored.startswith("scrypt$") and "lead-2026" not in stored
    again = PasscodeDialog(db)
    qtbot.addWidget(again)
    again.passcode.setText("lead-2025")
    again._on_ok()
    assert again.result() != PasscodeDialog.DialogCode.Accepted
    assert again.error.text() == "That passcode is not right."
    again.passcode.setText("lead-2026")
    again._on_ok()
    assert again.result() == PasscodeDialog.DialogCode.Accepted


def test_the_dashboard_asks_for_the_passcode_each_time_it_is_opened(qtbot, app_window,
                                                                    monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from calibrate.gui import prompts

    settings.set_passcode_hash(app_window.context.db, "lead", hash_passcode("lead-2026"))
    typed: list[str] = []

    def type_passcode(dialog) -> int:
        code = typed.pop(0)
        dialog.passcode.setText(code)
        dialog._on_ok()
        return dialog.result()

    monkeypatch.setattr(prompts, "run_dialog", type_passcode)
    typed.append("lead-2026")
    qtbot.keyClick(app_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dashboard = app_window.dashboard
    assert app_window.stack.currentWidget() is dashboard
    dashboard.leave_requested.emit()  # Back
    assert app_window.stack.currentWidget() is app_window.home
    typed.append("guess-1234")  # the next person at the machine tries
    qtbot.keyClick(app_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert typed == [] and app_window.stack.currentWidget() is app_window.home
