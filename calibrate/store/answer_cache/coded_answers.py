"""CodedAnswers: every answer of one database as read-only coded columns and their lookups.

Text columns hold int32 codes into a lookup (None is code -1); sessions are coded by their
rowid (`session_keys`), not by a quarter of a million UUIDs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from calibrate.core.metrics.answer_table import AnswerTable, IdLookup, PackInfo

# Bump when the columns, their coding or the file layout change (3: not_watched; 4: the case
# version each answer was given against, for the golden versions; 5: the marked moment).
FORMAT = 5

# Coded columns and the lookup their codes index (decision and golden share one).
CODED = (
    ("profile", "profile_ids"),
    ("session", "session_keys"),
    ("team", "teams"),
    ("site", "sites"),
    ("pack", "packs"),
    ("lesson", "lessons"),
    ("case", "cases"),
    ("decision", "decisions"),
    ("golden", "decisions"),
    ("version", "case_hashes"),
)
LOOKUPS = (
    "profile_ids",
    "teams",
    "sites",
    "packs",
    "lessons",
    "cases",
    "session_keys",
    "decisions",
    "case_hashes",
)
DTYPES: dict[str, type] = {
    "rowid": np.int64,
    **{name: np.int32 for name, _ in CODED},
    "session_kind": np.int32,
    "clause_correct": np.int32,
    "confidence": np.float64,
    "skipped": np.bool_,
    "answered_at": np.int64,
    "not_watched": np.int8,
    "moment": np.int8,  # core/moments: NOT_ASKED, UNMARKED, MISSED or HIT
}


@dataclass(frozen=True)
class CodedAnswers:
    """Every answer of one database (up to max_rowid) as read-only coded columns."""

    fingerprint: tuple | None  # None: no stable identity (in memory): never reused
    columns: Mapping[str, np.ndarray]
    lookups: Mapping[str, Sequence]  # text tuples; session_keys: an int64 array
    max_rowid: int  # the highest answers.rowid read
    orphans: tuple[int, ...] = ()  # rowids read whose case version was missing
    # (table, rowid, UUID) of a few answers and sessions, checked before reuse: a file put
    # back from a backup, or VACUUM renumbering rows, shows as a mismatch
    samples: tuple[tuple[str, int, str], ...] = ()
    persisted_rows: int = 0  # rows in the file on disk (0: none written or read)

    def __len__(self) -> int:
        return len(self.columns["rowid"])

    def table(
        self,
        pack_info: Mapping[str, PackInfo],
        profile_names: Mapping[str, str],
        id_lookup: IdLookup | None = None,
    ) -> AnswerTable:
        """The whole AnswerTable; its arrays are these (read-only) columns, not copies."""
        c, k = self.columns, self.lookups
        return AnswerTable(
            rowid=c["rowid"],
            profile=c["profile"],
            team=c["team"],
            site=c["site"],
            pack=c["pack"],
            lesson=c["lesson"],
            case=c["case"],
            session=c["session"],
            session_kind=c["session_kind"],
            decision=c["decision"],
            golden=c["golden"],
            clause_correct=c["clause_correct"],
            confidence=c["confidence"],
            skipped=c["skipped"],
            answered_at=c["answered_at"].view("datetime64[ms]"),
            not_watched=c["not_watched"],
            version=c["version"],
            moment=c["moment"],
            profile_ids=k["profile_ids"],
            profile_names=tuple(profile_names.get(p, p) for p in k["profile_ids"]),
            teams=k["teams"],
            sites=k["sites"],
            packs=k["packs"],
            lessons=k["lessons"],
            cases=k["cases"],
            session_keys=k["session_keys"],
            decisions=k["decisions"],
            case_hashes=k["case_hashes"],
            pack_info=dict(pack_info),
            id_lookup=id_lookup,
        )


def empty_coded(fingerprint: tuple | None) -> CodedAnswers:
    """No answers yet: where a first build starts."""
    return CodedAnswers(
        fingerprint,
        {name: frozen(np.zeros(0, dtype)) for name, dtype in DTYPES.items()},
        {name: as_lookup(name, []) for name in LOOKUPS},
        0,
    )


def as_lookup(name: str, values: Iterable) -> Sequence:
    """A lookup as held in memory: text as a tuple; session keys (sessions.rowid, a quarter
    of a million at a million answers) as a compact read-only array."""
    if name == "session_keys":
        return frozen(np.array(list(values), dtype=np.int64))
    return tuple(str(v) for v in values)


def frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
