"""A participant's database during a live room: each acknowledged answer stored as the host
acknowledged it (same UUID, times and hashes), so its own history, reviews and a later merge
of the host's export see the same rows (merge by key: storing twice adds nothing).

An answer is written at its case's reveal: that message carries the case version (golden
answer included) the row points at, which a participant holding only a room pack — golden
answers stripped — does not have before. The pack version and the session come from the
welcome, so all rows go through the import's checks (store/row_checks.py) in one merge.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from calibrate.core.live.join_code import new_rejoin_token
from calibrate.core.stamps import utc_now
from calibrate.store import rooms as room_rows

if TYPE_CHECKING:
    from calibrate.core.live.messages import Reveal, Welcome
    from calibrate.core.profiles import Profile
    from calibrate.workspace import Workspace


class Participation:
    def __init__(self, ws: Workspace, profile: Profile, room_key: str):
        self._ws, self.profile, self._room_key = ws, profile, room_key
        self._welcome: Welcome | None = None
        self._acked: dict[str, dict[str, Any]] = {}  # case id → the answer row as acked
        self.stored: set[str] = set()  # answer ids in this database
        self._cases: dict[str, tuple[str, str]] = {}  # case id → title, warnings (JSON)
        self._merge([("profiles", self._profile_row())], "room_profile")

    def _profile_row(self) -> dict[str, Any]:
        p = self.profile
        return {
            "id": p.id,
            "name": p.name,
            "team": p.team,
            "site": p.site,
            "role": "moderator",
            "created_at": utc_now(),
        }

    def hello_token(self) -> str:
        """This profile's rejoin token for the room, made and committed here before the
        first hello carries it: a welcome lost to a drop or a crash cannot lock the profile
        out, and the app finds it again after a restart."""
        kept = room_rows.rejoin_token(self._ws.db, self._room_key, self.profile.id)
        if kept is not None:
            return kept
        token = new_rejoin_token()
        room_rows.keep_rejoin_token(self._ws.db, self._room_key, self.profile.id, None, token)
        return token

    def welcomed(self, welcome: Welcome) -> None:
        """The rejoin token kept (committed); its answers recorded before (a rejoin after a
        crash) are stored at their reveal."""
        room_rows.keep_rejoin_token(
            self._ws.db, self._room_key, self.profile.id, welcome.room_id, welcome.rejoin
        )
        self._welcome = welcome
        for row in welcome.answers:
            self._acked.setdefault(str(row["case_id"]), row)

    def opened(self, case_id: str, title: str, warnings: list[str]) -> None:
        self._cases[case_id] = (title, json.dumps(warnings))

    def acknowledged(self, case_id: str, row: dict[str, Any]) -> None:
        """The host recorded this answer: kept until its reveal stores it here."""
        self._acked[case_id] = row

    def revealed(self, reveal: Reveal) -> bool:
        """Store this case's acknowledged answer with its case version; False if none."""
        row = self._acked.get(reveal.case_id)
        if row is None or self._welcome is None or row["id"] in self.stored:
            return False
        pack, now = self._welcome.pack, utc_now()
        pack_row = {
            "pack_hash": pack.hash,
            "pack_id": pack.id,
            "title": pack.title,
            "policy": pack.policy,
            "policy_version": pack.policy_version,
            "ladder": json.dumps([d.id for d in pack.decisions if d.on_ladder]),
            "decisions": json.dumps([d.id for d in pack.decisions]),
            "pass_mark": pack.pass_mark,
            "first_seen_at": now,
        }
        case_row = {
            "case_hash": reveal.case_hash,
            "pack_id": pack.id,
            "case_id": reveal.case_id,
            "title": self._cases.get(reveal.case_id, (None, None))[0],
            "golden_decision": reveal.golden.get("decision"),
            "golden_clauses": json.dumps(list(reveal.golden.get("clauses", []))),
            "severity": reveal.severity,
            "warnings": self._cases.get(reveal.case_id, (None, None))[1],
            "first_seen_at": now,
        }
        self._merge(
            [
                ("pack_versions", pack_row),
                ("case_versions", case_row),
                ("sessions", dict(self._welcome.session)),
                ("answers", row),
            ],
            "room_answer_stored",
        )
        self.stored.add(row["id"])
        return True

    def ended(self, finished_at: str) -> None:
        """The room ended: the session is finished here as on the host."""
        if self._welcome is not None and self.stored:
            session = {**self._welcome.session, "finished_at": finished_at}
            self._merge([("sessions", session)], "room_ended")

    def _merge(self, rows: list[tuple[str, dict[str, Any]]], event: str) -> None:
        from calibrate.store.exchange.merge import merge_rows

        merge_rows(
            self._ws.db,
            iter([(f"room message {i + 1}", table, row) for i, (table, row) in enumerate(rows)]),
            event=(event, {}),
        )
