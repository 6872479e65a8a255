"""The lead area sits behind a passcode the first lead sets; only a salted slow hash is kept.

The passcode is a local gate, not access control, and the dialog says so. A lead who knows
the passcode can change it; one who forgot it can reset it, and that reset is recorded and
shown on the dashboard, so a moderator cannot take the lead area over silently. Old, cheaper
hashes are raised to today's cost on the next right entry. The real dialog is driven with
keys and clicks; scrypt runs for real (about a second per hash at N = 2^17).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from calibrate.core.passcodes import hash_passcode, needs_rehash, verify_passcode
from calibrate.gui import prompts
from calibrate.gui.passcode_dialog import WRONG, Mode, PasscodeDialog
from calibrate.store import settings
from calibrate.workspace import Workspace

OWASP_N = 2**17


def _old_hash(passcode: str, n: int = 2**14) -> str:
    """A hash as Calibrate stored it before the cost was raised (N = 2^14, r = 8, p = 1)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(passcode.encode(), salt=salt, n=n, r=8, p=1, dklen=32)
    return f"scrypt${n}$8$1${salt.hex()}${digest.hex()}"


def _cost(stored: str) -> int:
    return int(stored.split("$")[1])


def _dialog(qtbot, db) -> PasscodeDialog:
    dialog = PasscodeDialog(
        Workspace(db.conn, Path(db.conn.execute("PRAGMA database_list").fetchone()[2]), []).profiles
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def _press_ok(qtbot, dialog: PasscodeDialog) -> None:
    """Click the OK button and wait until the hash in flight is done."""
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)


def _events(db, kind: str) -> list[dict]:
    rows = db.execute("SELECT detail FROM events WHERE kind = ?", [kind]).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_passcode_hash_is_salted_slow_and_checks_only_the_right_code() -> None:
    first, second = hash_passcode("correct horse"), hash_passcode("correct horse")
    assert first != second and "correct horse" not in first
    assert _cost(first) >= OWASP_N and not needs_rehash(first)
    assert verify_passcode("correct horse", first) and verify_passcode("correct horse", second)
    assert not verify_passcode("correct hors", first)
    assert not verify_passcode("correct horse", "garbage$1$2")
    assert verify_passcode("correct horse", _old_hash("correct horse"))
    assert needs_rehash(_old_hash("correct horse"))


def test_a_hand_edited_hash_asking_for_gigabytes_is_refused_at_once() -> None:
    real = _old_hash("lead-2026")
    huge = real.replace("scrypt$16384$", f"scrypt${2**30}$")
    began = time.monotonic()
    assert not verify_passcode("lead-2026", huge)
    assert not verify_passcode("lead-2026", real.replace("$8$1$", "$8$100000$"))
    assert time.monotonic() - began < 0.5


def test_the_dialog_says_the_passcode_is_a_local_gate_not_access_control(qtbot, app_window):
    db = app_window.context.db
    first = _dialog(qtbot, db)
    assert first.mode is Mode.SET and first.notice.isVisible()
    assert "local gate on this computer, not access control" in first.notice.text()
    assert "anyone who can copy the database file" in first.notice.text()
    settings.set_passcode_hash(db, "lead", _old_hash("lead-2026"))
    later = _dialog(qtbot, db)
    for mode in (Mode.ENTER, Mode.CHANGE, Mode.RESET):
        later._set_mode(mode)
        assert later.notice.isVisible() and "not access control" in later.notice.text()


def test_first_lead_sets_the_passcode_then_a_wrong_one_is_refused(qtbot, app_window) -> None:
    db = app_window.context.db
    dialog = _dialog(qtbot, db)
    assert not dialog.passcode.isVisible() and dialog.new_passcode.isVisible()
    _type(qtbot, dialog.new_passcode, "lead-2026")
    _type(qtbot, dialog.repeat, "lead-2025")
    _press_ok(qtbot, dialog)
    assert dialog.error.text() == "The two entries differ."
    _type(qtbot, dialog.repeat, "lead-2026")
    _press_ok(qtbot, dialog)
    assert dialog.result() == PasscodeDialog.DialogCode.Accepted
    stored = settings.passcode_hash(db, "lead")
    assert stored.startswith("scrypt$") and "lead-2026" not in stored
    assert _cost(stored) == OWASP_N
    again = _dialog(qtbot, db)
    assert again.mode is Mode.ENTER and not again.repeat.isVisible()
    _type(qtbot, again.passcode, "lead-2025")
    _press_ok(qtbot, again)
    assert again.result() != PasscodeDialog.DialogCode.Accepted
    assert again.error.text() == WRONG
    _type(qtbot, again.passcode, "lead-2026")
    _press_ok(qtbot, again)
    assert again.result() == PasscodeDialog.DialogCode.Accepted


def test_checking_the_passcode_leaves_the_window_responsive(qtbot, app_window) -> None:
    db = app_window.context.db
    settings.set_passcode_hash(db, "lead", hash_passcode("lead-2026"))
    dialog = _dialog(qtbot, db)
    _type(qtbot, dialog.passcode, "lead-2026")
    began = time.perf_counter()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    returned = time.perf_counter() - began
    assert returned < 0.1, f"the click held the GUI thread for {returned:.2f} s"
    assert dialog.busy and dialog.error.text() == "Checking…"
    dialog.reject()  # Escape while checking waits for the check (about a second)
    qtbot.waitUntil(lambda: dialog.result() == PasscodeDialog.DialogCode.Accepted, timeout=15000)


def test_an_older_cheaper_hash_is_raised_on_the_next_right_entry(qtbot, app_window) -> None:
    db = app_window.context.db
    settings.set_passcode_hash(db, "lead", _old_hash("lead-2026"))
    wrong = _dialog(qtbot, db)
    _type(qtbot, wrong.passcode, "lead-2025")
    _press_ok(qtbot, wrong)
    assert _cost(settings.passcode_hash(db, "lead")) == 2**14  # a wrong guess changes nothing
    right = _dialog(qtbot, db)
    _type(qtbot, right.passcode, "lead-2026")
    _press_ok(qtbot, right)
    assert right.result() == PasscodeDialog.DialogCode.Accepted
    stored = settings.passcode_hash(db, "lead")
    assert _cost(stored) == OWASP_N and verify_passcode("lead-2026", stored)
    assert _events(db, "passcode_rehashed") == [{"role": "lead"}]
    assert settings.passcode_resets(db, "lead") == (0, None)


def test_a_lead_changes_the_passcode_only_with_the_current_one(qtbot, app_window) -> None:
    db = app_window.context.db
    settings.set_passcode_hash(db, "lead", hash_passcode("lead-2026"))
    dialog = _dialog(qtbot, db)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.mode is Mode.CHANGE
    assert dialog.form.labelForField(dialog.passcode).text() == "Current passcode"
    _type(qtbot, dialog.passcode, "guess-1234")
    _type(qtbot, dialog.new_passcode, "mine-now-1")
    _type(qtbot, dialog.repeat, "mine-now-1")
    _press_ok(qtbot, dialog)
    assert dialog.error.text() == WRONG
    assert verify_passcode("lead-2026", settings.passcode_hash(db, "lead"))
    _type(qtbot, dialog.passcode, "lead-2026")
    _press_ok(qtbot, dialog)
    assert dialog.result() == PasscodeDialog.DialogCode.Accepted
    assert verify_passcode("lead-2027", settings.passcode_hash(db, "lead")) is False
    assert verify_passcode("mine-now-1", settings.passcode_hash(db, "lead"))
    assert _events(db, "passcode_changed") == [{"role": "lead"}]
    assert settings.passcode_resets(db, "lead") == (0, None)  # nothing to warn leads of


def _open_dashboard(qtbot, app_window, monkeypatch, steps) -> None:
    """Ctrl+L, with `steps(dialog)` typing into the real passcode dialog instead of a person."""

    def run(dialog) -> int:
        dialog.show()
        steps(dialog)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=15000)
        return dialog.result()

    monkeypatch.setattr(prompts, "run_dialog", run)
    app_window.activateWindow()  # the last dialog had the focus: Ctrl+L goes to the window
    qtbot.waitUntil(app_window.isActiveWindow)
    qtbot.keyClick(app_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def test_a_forgotten_passcode_reset_is_shown_on_the_dashboard(
    qtbot, app_window, monkeypatch
) -> None:
    db = app_window.context.db
    settings.set_passcode_hash(db, "lead", hash_passcode("lead-2026"))

    def reset(dialog: PasscodeDialog) -> None:
        qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
        assert "is recorded" in dialog.intro.text()
        assert not dialog.passcode.isVisible()  # no old passcode asked for
        _type(qtbot, dialog.new_passcode, "moderator-1")
        _type(qtbot, dialog.repeat, "moderator-1")
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)

    _open_dashboard(qtbot, app_window, monkeypatch, reset)
    dashboard = app_window.dashboard
    assert app_window.stack.currentWidget() is dashboard
    resets, when = settings.passcode_resets(db, "lead")
    assert resets == 1
    notice = dashboard.passcode_notice
    assert notice.isVisible()
    assert notice.text().startswith(f"Lead passcode reset on {when[:10]} {when[11:16]} UTC")
    assert verify_passcode("moderator-1", settings.passcode_hash(db, "lead"))
    dashboard.leave_requested.emit()  # Back; the next opening still shows it

    def enter(dialog: PasscodeDialog) -> None:
        _type(qtbot, dialog.passcode, "moderator-1")
        qtbot.keyClick(dialog.passcode, Qt.Key.Key_Return)

    _open_dashboard(qtbot, app_window, monkeypatch, enter)
    assert app_window.stack.currentWidget() is dashboard and notice.isVisible()


def test_no_reset_no_notice_on_the_dashboard(qtbot, app_window, monkeypatch) -> None:
    settings.set_passcode_hash(app_window.context.db, "lead", hash_passcode("lead-2026"))

    def enter(dialog: PasscodeDialog) -> None:
        _type(qtbot, dialog.passcode, "lead-2026")
        qtbot.keyClick(dialog.passcode, Qt.Key.Key_Return)

    _open_dashboard(qtbot, app_window, monkeypatch, enter)
    assert app_window.stack.currentWidget() is app_window.dashboard
    assert not app_window.dashboard.passcode_notice.isVisible()


def test_the_dashboard_asks_for_the_passcode_each_time_it_is_opened(
    qtbot, app_window, monkeypatch
) -> None:
    settings.set_passcode_hash(app_window.context.db, "lead", hash_passcode("lead-2026"))
    typed: list[str] = ["lead-2026"]

    def enter(dialog: PasscodeDialog) -> None:
        _type(qtbot, dialog.passcode, typed.pop(0))
        qtbot.keyClick(dialog.passcode, Qt.Key.Key_Return)

    _open_dashboard(qtbot, app_window, monkeypatch, enter)
    dashboard = app_window.dashboard
    assert app_window.stack.currentWidget() is dashboard
    dashboard.leave_requested.emit()  # Back
    assert app_window.stack.currentWidget() is app_window.home
    typed.append("guess-1234")  # the next person at the machine tries
    _open_dashboard(qtbot, app_window, monkeypatch, enter)
    assert typed == [] and app_window.stack.currentWidget() is app_window.home


def test_back_from_the_dashboard_the_home_screen_continues_as_the_chosen_profile(
    qtbot, app_window
) -> None:
    from PySide6.QtCore import Qt

    from calibrate.store import catalog
    from tests.gui_driver import create_profile_by_keys

    window = app_window
    catalog.create_profile(window.context.db, "Bo", "", "")
    create_profile_by_keys(qtbot, window, "Ana")
    window.lesson_list.findChild(type(window.home.continue_button), "switchProfileButton").click()
    home = window.home
    assert window.stack.currentWidget() is home
    window.open_dashboard_unlocked()  # the lead steps in between two moderators
    window.dashboard.leave_requested.emit()
    assert window.stack.currentWidget() is home  # not the last person's lesson list
    home.profiles.setCurrentRow([p.name for p in home._listed].index("Bo"))
    window.open_dashboard_unlocked()
    window.dashboard.leave_requested.emit()
    assert window.stack.currentWidget() is home and home.continue_button.isEnabled()
    qtbot.mouseClick(home.continue_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.lesson_list
    assert window.context.profile.name == "Bo" and window.windowTitle() == "Calibrate — Bo"


def test_back_from_the_dashboard_with_no_one_chosen_enter_says_how_to_choose(
    qtbot, app_window, monkeypatch
) -> None:
    """Several profiles, none chosen on purpose: Enter and Continue are never silent, they
    show how to choose; Down then chooses the first person (no row looks chosen before)."""
    from calibrate.store import catalog

    window, home = app_window, app_window.home
    for name in ("Ana", "Bo", "Cai"):
        catalog.create_profile(window.context.db, name, "", "")
    home.refresh()
    settings.set_passcode_hash(window.context.db, "lead", hash_passcode("lead-2026"))

    def enter(dialog: PasscodeDialog) -> None:
        _type(qtbot, dialog.passcode, "lead-2026")
        qtbot.keyClick(dialog.passcode, Qt.Key.Key_Return)

    _open_dashboard(qtbot, app_window, monkeypatch, enter)
    window.dashboard.leave_requested.emit()  # Back
    window.activateWindow()  # the passcode dialog had the keyboard; a real one gives it back
    qtbot.waitUntil(lambda: home.profiles.hasFocus())
    assert window.stack.currentWidget() is home
    hint = home.choose_hint
    assert hint.isVisible() and "↑/↓ or a click, then Enter" in hint.text()
    assert not home.profiles.currentIndex().isValid()  # no outline that looks chosen
    assert not hint.property("alert")
    qtbot.keyClick(home.profiles, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is home and hint.isVisible() and hint.property("alert")
    qtbot.mouseClick(home.continue_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is home and hint.property("alert")
    qtbot.keyClick(home.profiles, Qt.Key.Key_Down)
    assert not hint.isVisible()
    qtbot.keyClick(home.profiles, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.lesson_list
    assert window.context.profile.name == home._listed[0].name
