"""ws.disputes: a trainer resolves a disputed golden answer; the moderator reads the reply.

Filing stays with the reveal (`ws.sessions.dispute`); the dashboard lists disputes with
their newest resolution (store.queries.dispute_rows). Every write is one short commit on the
calling thread. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from calibrate.core.answer_rules import OUTCOMES
from calibrate.store import disputes

if TYPE_CHECKING:
    from calibrate.workspace import Workspace

__all__ = ["OUTCOMES", "DisputesManager", "Reply"]


@dataclass(frozen=True)
class Reply:
    """A trainer's reply to one of a moderator's disputes, as their home screen lists it."""

    resolution_id: str
    pack_id: str
    case_id: str
    outcome: str  # "upheld" or "changed"
    reply: str
    resolved_at: str  # ISO 8601 UTC
    note: str  # what the moderator wrote when disputing
    disputed_at: str


class DisputesManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

    def resolve(
        self, dispute_id: str, outcome: str, reply: str, new_case_hash: str | None = None
    ) -> str:
        """Record a trainer's resolution (ValueError naming what is wrong: an empty reply,
        an unknown outcome or dispute, a case hash that is not one); returns its id."""
        return disputes.record_resolution(self._ws.db, dispute_id, outcome, reply, new_case_hash)

    def replies(self, profile_id: str) -> list[Reply]:
        """Replies to this profile's disputes not yet dismissed, newest first."""
        return [
            Reply(
                resolution_id=r["resolution_id"],
                pack_id=r["pack_id"],
                case_id=r["case_id"],
                outcome=r["outcome"],
                reply=r["reply"],
                resolved_at=r["resolved_at"],
                note=r["note"] or "",
                disputed_at=r["created_at"],
            )
            # The plain connection: the home screen asks before sqlite-utils is loaded.
            for r in disputes.replies_for(self._ws.connection, profile_id)
        ]

    def dismiss(self, replies: list[Reply]) -> None:
        """The moderator has read these: their home screen stops listing them (this machine
        only; a dismissal is not exported)."""
        if replies:
            disputes.dismiss_replies(self._ws.db, [r.resolution_id for r in replies])
