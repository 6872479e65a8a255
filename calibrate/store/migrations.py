"""Numbered schema migrations, append-only: never edit an applied one, add the next.

MIGRATIONS[n - 1] brings the schema from version n - 1 to n (PRAGMA user_version = n).
Tables stay plain and clearly named so the file reads well in sqlite-utils and Datasette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def m001_initial(db: sqlite_utils.Database) -> None:
    """Profiles, the catalog of pack/case versions, sessions, answers, the event audit."""
    db["meta"].create({"key": str, "value": str}, pk="key", not_null={"value"})
    db["profiles"].create(
        {"id": str, "name": str, "team": str, "site": str, "role": str, "created_at": str},
        pk="id",
        not_null={"name", "created_at"},
        defaults={"team": "", "site": "", "role": "moderator"},
    )
    db["pack_versions"].create(
        {
            "pack_hash": str,
            "pack_id": str,
            "title": str,
            "policy": str,
            "policy_version": str,
            "ladder": str,
            "decisions": str,
            "pass_mark": float,
            "first_seen_at": str,
        },
        pk="pack_hash",
        not_null={"pack_id", "ladder", "decisions", "first_seen_at"},
    )
    db["case_versions"].create(
        {
            "case_hash": str,
            "pack_id": str,
            "case_id": str,
            "title": str,
            "golden_decision": str,
            "golden_clauses": str,
            "severity": str,
            "warnings": str,
            "first_seen_at": str,
        },
        pk="case_hash",
        not_null={"pack_id", "case_id", "golden_decision", "first_seen_at"},
    )
    db["sessions"].create(
        {
            "id": str,
            "profile_id": str,
            "pack_id": str,
            "lesson_id": str,
            "pack_hash": str,
            "kind": str,
            "team": str,
            "site": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"profile_id", "pack_id", "lesson_id", "pack_hash", "kind", "started_at"},
    )
    db["answers"].create(
        {
            "id": str,
            "session_id": str,
            "profile_id": str,
            "pack_id": str,
            "lesson_id": str,
            "case_id": str,
            "case_hash": str,
            "pack_hash": str,
            "team": str,
            "site": str,
            "session_kind": str,
            "decision": str,
            "clause": str,
            "confidence": float,
            "note": str,
            "skipped": int,
            "shown_at": str,
            "answered_at": str,
            "time_to_answer_ms": int,
            "watched_ms": int,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id"), ("profile_id", "profiles", "id")],
        not_null={
            "session_id",
            "profile_id",
            "pack_id",
            "lesson_id",
            "case_id",
            "case_hash",
            "pack_hash",
            "session_kind",
            "skipped",
            "shown_at",
            "answered_at",
        },
    )
    # One answer per session x case; a submitted answer is final.
    db["answers"].create_index(["session_id", "case_id"], unique=True)
    db["answers"].create_index(["pack_id", "case_id"])
    db["answers"].create_index(["profile_id", "answered_at"])
    db["answers"].create_index(["answered_at"])
    db["sessions"].create_index(["profile_id", "pack_id", "lesson_id"])
    # Answers are append-only facts: the database itself refuses edits and deletions.
    db.execute(
        "CREATE TRIGGER answers_are_immutable BEFORE UPDATE ON answers "
        "BEGIN SELECT RAISE(ABORT, 'answers are immutable'); END"
    )
    db.execute(
        "CREATE TRIGGER answers_are_never_deleted BEFORE DELETE ON answers "
        "BEGIN SELECT RAISE(ABORT, 'answers are never deleted'); END"
    )
    db["events"].create(
        {"id": int, "at": str, "kind": str, "profile_id": str, "session_id": str, "detail": str},
        pk="id",
        not_null={"at", "kind"},
    )
    db["events"].create_index(["session_id"])


def m002_add_disputes(db: sqlite_utils.Database) -> None:
    """Moderators dispute a golden answer from the reveal; trainers read the notes."""
    db["disputes"].create(
        {
            "id": str,
            "answer_id": str,
            "profile_id": str,
            "pack_id": str,
            "case_id": str,
            "case_hash": str,
            "note": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("answer_id", "answers", "id"), ("profile_id", "profiles", "id")],
        not_null={
            "answer_id",
            "profile_id",
            "pack_id",
            "case_id",
            "case_hash",
            "note",
            "created_at",
        },
    )
    db["disputes"].create_index(["pack_id", "case_id"])


def m003_add_watched_share(db: sqlite_utils.Database) -> None:
    """How much of its clip an answer was given after (core/watching.py, docs/storage.md):
    the share of positions shown, NULL where unknown (older rows, imported history), and
    whether the clip could not be played. The CHECKs refuse what no player can record."""
    db.execute(
        "ALTER TABLE answers ADD COLUMN watched_share REAL CHECK "
        "(watched_share IS NULL OR (watched_share >= 0 AND watched_share <= 1))"
    )
    db.execute(
        "ALTER TABLE answers ADD COLUMN clip_unavailable INTEGER CHECK "
        "(clip_unavailable IS NULL OR clip_unavailable IN (0, 1))"
    )


def m004_add_rooms(db: sqlite_utils.Database) -> None:
    """Live rooms a host ran on this database (docs/live-protocol.md): the room, where it is
    (its step and phase, so a killed host resumes there), the address its join code names,
    and each member's live session. The room's key, certificate and secret are files in
    `<db>.room-<id>/`, never rows."""
    db["rooms"].create(
        {
            "id": str,
            "pack_id": str,
            "lesson_id": str,
            "pack_hash": str,
            "bind": str,
            "port": int,
            "step": int,
            "phase": str,
            "joins_open": int,
            "created_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"pack_id", "lesson_id", "pack_hash", "bind", "port", "step", "phase"},
        defaults={"joins_open": 1, "step": -1, "phase": "waiting"},
    )
    db["room_members"].create(
        {
            "room_id": str,
            "profile_id": str,
            "session_id": str,
            "removed": int,
            "joined_at": str,
        },
        pk=("room_id", "profile_id"),
        foreign_keys=[
            ("room_id", "rooms", "id"),
            ("profile_id", "profiles", "id"),
            ("session_id", "sessions", "id"),
        ],
        not_null={"session_id", "joined_at"},
        defaults={"removed": 0},
    )
    db["rooms"].create_index(["pack_id", "lesson_id"])


def m005_add_rejoin_tokens(db: sqlite_utils.Database) -> None:
    """A room member's rejoin token (the host keeps its digest; a participant keeps the token
    per room it joined), so only the machine that first joined as a profile can come back
    as it."""
    db["room_members"].add_column("rejoin_digest", str)
    db["joined_rooms"].create(
        {
            "room_key": str,  # SHA-256 of the join code's secret and fingerprint
            "profile_id": str,
            "room_id": str,
            "rejoin_token": str,
            "joined_at": str,
        },
        pk=("room_key", "profile_id"),
        not_null={"rejoin_token", "joined_at"},  # room_id: known once welcomed
    )


def m006_add_dispute_resolutions(db: sqlite_utils.Database) -> None:
    """A trainer's answer to a dispute (docs/dashboard-metrics.md, "Disputes"): the golden
    upheld or changed, a reply for the moderator who filed it, the new case version's hash
    when the trainer gave one. Append-only rows with their own UUIDs, as answers: a dispute
    resolved again gets a newer row, and the newest one counts, so two databases that
    resolved the same dispute merge without a conflict. Which replies a moderator dismissed
    from their home screen is this machine's own (never exported)."""
    db.execute(
        "CREATE TABLE dispute_resolutions ("
        " id TEXT PRIMARY KEY,"
        " dispute_id TEXT NOT NULL REFERENCES disputes(id),"
        " outcome TEXT NOT NULL CHECK (outcome IN ('upheld', 'changed')),"
        " reply TEXT NOT NULL,"
        " new_case_hash TEXT,"
        " resolved_at TEXT NOT NULL)"
    )
    db["dispute_resolutions"].create_index(["dispute_id"])
    db.execute(
        "CREATE TABLE dispute_replies_read ("
        " resolution_id TEXT PRIMARY KEY REFERENCES dispute_resolutions(id),"
        " read_at TEXT NOT NULL)"
    )


def m007_add_marked_moments(db: sqlite_utils.Database) -> None:
    """ "Where does it show?" (core/moments.py): the time an answer marked, in seconds into
    the clip (NULL: no mark), and per case version its golden moments (JSON [[start, end],
    ...]) and the tolerance of a mark it asks for (NULL: it asks for none), so each mark is
    scored against the version it was given against."""
    db.execute(
        "ALTER TABLE answers ADD COLUMN marked_moment REAL CHECK "
        "(marked_moment IS NULL OR marked_moment >= 0)"
    )
    db.execute("ALTER TABLE case_versions ADD COLUMN golden_moments TEXT")
    db.execute(
        "ALTER TABLE case_versions ADD COLUMN moment_tolerance REAL CHECK "
        "(moment_tolerance IS NULL OR moment_tolerance >= 0)"
    )


def m008_add_exposure(db: sqlite_utils.Database) -> None:
    """Exposure care (core/wellness.py): wall-clock ms of warned clips played, one row per
    stretch written while playing (per profile, session and the machine's local day); each
    time a moderator chose to go on after a break, with the day's exposure at that moment;
    and each profile's own wellness settings (stricter than the pack's, never looser)."""
    db["exposure"].create(
        {
            "id": str,
            "profile_id": str,
            "session_id": str,
            "case_id": str,
            "day": str,
            "ms": int,
            "recorded_at": str,
        },
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"profile_id", "session_id", "case_id", "day", "ms", "recorded_at"},
    )
    db["exposure"].create_index(["profile_id", "day"])
    db["exposure"].create_index(["session_id"])
    db["went_on"].create(
        {"id": str, "profile_id": str, "day": str, "day_ms": int, "at": str},
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"profile_id", "day", "day_ms", "at"},
    )
    db["went_on"].create_index(["profile_id", "day"])
    db["wellness_settings"].create(
        {
            "profile_id": str,
            "break_after_minutes": int,
            "shields": str,
            "interstitial_seconds": int,
            "updated_at": str,
        },
        pk="profile_id",
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"shields", "interstitial_seconds", "updated_at"},
        defaults={"shields": "", "interstitial_seconds": 0},
    )


def m009_add_machine_runs(db: sqlite_utils.Database) -> None:
    """Model runs scored beside the moderators (docs/machine-raters.md): a run is a name and
    a model version (NULL: none given), with a digest of what its rows say (importing the
    same rows again is a no-op); each decision is recorded against the case version it was
    imported against, as answers are. Never in `answers`: a model is not a moderator."""
    db.execute(
        "CREATE TABLE machine_runs ("
        " id TEXT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " model_version TEXT,"
        " rows_digest TEXT NOT NULL,"
        " decisions INTEGER NOT NULL,"
        " source TEXT,"
        " imported_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE UNIQUE INDEX machine_runs_identity "
        "ON machine_runs (name, IFNULL(model_version, ''))"
    )
    db.execute(
        "CREATE TABLE machine_decisions ("
        " run_id TEXT NOT NULL REFERENCES machine_runs(id),"
        " pack_id TEXT NOT NULL,"
        " case_id TEXT NOT NULL,"
        " case_hash TEXT NOT NULL,"
        " pack_hash TEXT NOT NULL,"
        " decision TEXT NOT NULL,"
        " clause TEXT,"
        " score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),"
        " source_row INTEGER,"
        " PRIMARY KEY (run_id, pack_id, case_id))"
    )


def m010_add_production_signals(db: sqlite_utils.Database) -> None:
    """Weekly production signals per pack (docs/signals.md): one integer per week, pack,
    clause, site, team and metric; an absent clause, site or team is '' so the key is one
    row (NULLs would never collide in a primary key). Replacing a value is an event. And
    sessions indexed by lesson and start, for when each lesson was first taken."""
    db.execute(
        "CREATE TABLE signals ("
        " week TEXT NOT NULL,"
        " pack_id TEXT NOT NULL,"
        " clause TEXT NOT NULL DEFAULT '',"
        " site TEXT NOT NULL DEFAULT '',"
        " team TEXT NOT NULL DEFAULT '',"
        " metric TEXT NOT NULL,"
        " value INTEGER NOT NULL CHECK (typeof(value) = 'integer' AND value >= 0),"
        " imported_at TEXT NOT NULL,"
        " source TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY (week, pack_id, clause, site, team, metric))"
    )
    db.execute("CREATE INDEX signals_by_pack_week ON signals (pack_id, week)")
    # When each lesson was first taken (the Production tab's marks) without reading every
    # session row: an index-only scan.
    db.execute("CREATE INDEX sessions_by_lesson_start ON sessions (pack_id, lesson_id, started_at)")


MIGRATIONS = (
    m001_initial,
    m002_add_disputes,
    m003_add_watched_share,
    m004_add_rooms,
    m005_add_rejoin_tokens,
    m006_add_dispute_resolutions,
    m007_add_marked_moments,
    m008_add_exposure,  # exposure care
    m009_add_machine_runs,
    m010_add_production_signals,
)
