"""A kill right after an answer was reported recorded loses nothing (store level, real process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from calibrate.core.lessons.loader import require_pack
from calibrate.store import answers
from calibrate.store.db import open_database
from tests.pack_factory import write_pack

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from calibrate.core.lessons.loader import require_pack
    from calibrate.core.models import AnswerDraft
    from calibrate.store import answers, catalog, sessions
    from calibrate.store.db import open_database

    db = open_database(Path(sys.argv[1]))
    pack = require_pack(Path(sys.argv[2]))
    n = 0
    while True:  # one session per profile per lap, every case answered; until killed
        profile = catalog.create_profile(db, f"moderator {n}")
        session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
        for case in pack.cases.values():
            answer = answers.record_answer(
                db, session_id=session_id, session_kind="first_attempt", profile=profile,
                pack=pack, lesson_id="basics", case=case, draft=AnswerDraft("remove"),
                shown_at="2026-11-25T10:00:00.000Z", time_to_answer_ms=10, watched_ms=0)
            print("recorded", answer.id, flush=True)  # what the UI would show as "recorded"
        n += 1
""")


def test_every_answer_reported_recorded_survives_sigkill(tmp_path: Path, repo_root: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    pack_folder = write_pack(lessons, "alpha", case_ids=("c1", "c2", "c3"))
    db_path = tmp_path / "kill.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(pack_folder)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=repo_root,
    )
    reported = []
    assert process.stdout is not None
    while len(reported) < 40:
        line = process.stdout.readline()
        assert line, "writer died early"
        reported.append(line.split()[1])
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    db = open_database(db_path)
    stored = {row["id"] for row in db.query("SELECT id FROM answers")}
    assert set(reported) <= stored
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert require_pack(pack_folder).id == "alpha" and answers.count_answers(db) >= 40
