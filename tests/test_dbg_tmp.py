from pathlib import Path
from room_processes import Host
from room_windows import *

def test_dbg(qtbot, tmp_path, dialogs):
    lessons = clip_lessons(tmp_path)
    host = Host(tmp_path / "host.sqlite3", lessons, "--answer-time", "8", "--reveal-time", "1.5", "--auto-advance", "0.5", "--expect", "1")
    w = open_window(qtbot, tmp_path/"m.sqlite3", [lessons])
    join_by_keys(qtbot, w, host.code)
    qtbot.waitUntil(lambda: in_room(w), timeout=15000)
    wait_for_case(qtbot, w, "c1")
    answer_by_keys(qtbot, w, 3)
    for i in range(20):
        qtbot.wait(300)
        r = w.room
        print(r.view.stage, r.view.connected, current(w).objectName(), r.case_screen.form.missing.text(), r.case_screen.form.draft(), dialogs)
    w.close(); host.kill()
