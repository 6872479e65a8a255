"""Profiles and the catalog of pack/case versions answers were given against."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.core.profiles import Profile
from calibrate.core.stamps import new_id, utc_now

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

    from calibrate.core.models import Pack

PROFILE_COLUMNS = "id, name, team, site"


def create_profile(db: sqlite_utils.Database, name: str, team: str = "", site: str = "") -> Profile:
    name = name.strip()
    if not name:
        raise ValueError("a profile needs a name")
    profile = Profile(new_id(), name, team.strip(), site.strip())
    db["profiles"].insert(
        {
            "id": profile.id,
            "name": profile.name,
            "team": profile.team,
            "site": profile.site,
            "role": "moderator",
            "created_at": utc_now(),
        }
    )
    return profile


def update_profile(db: sqlite_utils.Database, profile: Profile) -> None:
    """Team and site can change; answers keep the team and site they were given under."""
    db["profiles"].update(
        profile.id, {"name": profile.name, "team": profile.team, "site": profile.site}
    )


def list_profiles(db: sqlite_utils.Database | sqlite3.Connection) -> list[Profile]:
    """Every profile by name; takes a plain connection too (the first screen has only that)."""
    rows = db.execute(
        f"SELECT {PROFILE_COLUMNS} FROM profiles ORDER BY name COLLATE NOCASE"
    ).fetchall()
    return [_profile(row) for row in rows]


def get_profile(db: sqlite_utils.Database, profile_id: str) -> Profile | None:
    row = db.execute(
        f"SELECT {PROFILE_COLUMNS} FROM profiles WHERE id = ?", [profile_id]
    ).fetchone()
    return _profile(row) if row else None


def _profile(row: tuple) -> Profile:
    profile_id, name, team, site = row
    return Profile(profile_id, name, team or "", site or "")


def record_pack_version(db: sqlite_utils.Database, pack: Pack) -> None:
    """Remember this pack version and its cases' golden answers (first sighting wins)."""
    import json  # here, not at the top: the first screen imports this module for profiles

    now = utc_now()
    with db.atomic():
        db["pack_versions"].insert(
            {
                "pack_hash": pack.content_hash,
                "pack_id": pack.id,
                "title": pack.title,
                "policy": pack.policy,
                "policy_version": pack.policy_version,
                "ladder": json.dumps(list(pack.scale.ladder)),
                "decisions": json.dumps(list(pack.scale.ids)),
                "pass_mark": pack.pass_mark,
                "first_seen_at": now,
            },
            ignore=True,
        )
        db["case_versions"].insert_all(
            (
                {
                    "case_hash": case.content_hash,
                    "pack_id": pack.id,
                    "case_id": case.id,
                    "title": case.title,
                    "golden_decision": case.golden.decision,
                    "golden_clauses": json.dumps(list(case.golden.clauses)),
                    "severity": case.severity,
                    "warnings": json.dumps(list(case.warnings)),
                    "first_seen_at": now,
                    "golden_moments": json.dumps([[m.start, m.end] for m in case.moments]),
                    "moment_tolerance": case.moment_tolerance if case.mark_moment else None,
                }
                for case in pack.cases.values()
            ),
            ignore=True,
        )
