"""Answer rows as coded columns: the SELECT that reads them, one chunk decoded at a time.

SQL does the conversions (epoch milliseconds, flags and the clause check as small integers)
and what an answer shares with its session and its case version is taken from those rows,
read once each (see SELECT_ANSWERS); text is coded a chunk at a time, so a million answers
never become a million Python objects at once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from calibrate.core.moments import NOT_ASKED, outcome_codes
from calibrate.core.watching import not_watched_codes
from calibrate.store.answer_cache.coded_answers import DTYPES
from calibrate.store.answer_cache.coder import IN_ROWIDS, Coder, RowQuery

# Reading a million answers costs about a fifth of a microsecond per value Python receives,
# so each answer row brings few values, most of them small integers (shared objects). An
# answer is *regular* when it agrees with its session (person, team, site, pack, lesson,
# kind) and its case version (pack, case): those columns then come from the sessions and
# case_versions rows, read once each. Other answers read their own text (OWN_TEXT). Flags:
# 1 skipped, 2-6 clause state (0 none, 2 wrong, 4 right), 8 regular, 16 decision = golden.
# How much of the clip was shown comes as one value: the share, NULL unknown, -1 when the clip
# was unavailable (core/watching then turns it into the not_watched code). The marked moment
# comes only where the case version asks for one (-1: asked, not marked; NULL: not asked, a
# skip, or a live room's answer: rooms cannot send a mark yet, so their answers are not
# counted as unmarked), and core/moments scores it against that version's moments.
_KIND = "CASE {} WHEN 'retake' THEN 1 WHEN 'review' THEN 2 WHEN 'live' THEN 3 ELSE 0 END"
SELECT_ANSWERS = (
    "SELECT a.rowid, s.rowid, cv.rowid, (a.skipped != 0) + 2 * (CASE WHEN a.skipped OR "
    "a.clause IS NULL THEN 0 ELSE 1 + (instr(cv.golden_clauses, json_quote(a.clause)) > 0) "
    "END) + 8 * (s.profile_id IS a.profile_id AND s.team IS a.team AND s.site IS a.site AND "
    "s.pack_id IS a.pack_id AND s.lesson_id IS a.lesson_id AND s.kind IS a.session_kind AND "
    "cv.pack_id IS a.pack_id AND cv.case_id IS a.case_id) "
    "+ 16 * (a.decision IS cv.golden_decision), "
    "CASE WHEN a.skipped OR a.decision IS cv.golden_decision THEN NULL ELSE a.decision END, "
    "CASE WHEN a.skipped THEN NULL ELSE a.confidence END, "
    "COALESCE(CAST(round((julianday(a.answered_at) - 2440587.5) * 86400000.0) AS INTEGER), 0), "
    "CASE WHEN a.clip_unavailable THEN -1.0 ELSE a.watched_share END, "
    "CASE WHEN a.skipped OR cv.moment_tolerance IS NULL OR a.session_kind = 'live' THEN NULL "
    "ELSE COALESCE(a.marked_moment, -1.0) END "
    "FROM answers a LEFT JOIN case_versions cv ON cv.case_hash = a.case_hash "
    "LEFT JOIN sessions s ON s.id = a.session_id "
)
# (the rowid, then columns coded into the lookup named, None: an integer already)
SESSIONS: RowQuery = (
    "SELECT rowid, rowid, profile_id, COALESCE(team, ''), COALESCE(site, ''), pack_id, "
    "pack_id || '/' || lesson_id, " + _KIND.format("kind") + " FROM sessions" + IN_ROWIDS,
    ("session_keys", "profile_ids", "teams", "sites", "packs", "lessons", None),
)
VERSIONS: RowQuery = (
    "SELECT rowid, pack_id || '/' || case_id, golden_decision, case_hash FROM case_versions"
    + IN_ROWIDS,
    ("cases", "decisions", "case_hashes"),
)
OWN_TEXT: RowQuery = (
    "SELECT rowid, COALESCE((SELECT s.rowid FROM sessions s WHERE s.id = session_id), "
    "-rowid), profile_id, COALESCE(team, ''), COALESCE(site, ''), "
    "pack_id, pack_id || '/' || lesson_id, " + _KIND.format("session_kind") + ", "
    "pack_id || '/' || case_id FROM answers" + IN_ROWIDS,
    ("session_keys", "profile_ids", "teams", "sites", "packs", "lessons", None, "cases"),
)
# The columns SESSIONS gives (after its rowid), then the case from VERSIONS or OWN_TEXT.
_SHARED = ("session", "profile", "team", "site", "pack", "lesson", "session_kind", "case")


class ColumnBuffer:
    """Growable column buffers (preallocated from a row count, grown only if rows arrive)."""

    def __init__(self, capacity: int):
        self.size = 0
        self.data = {name: np.empty(capacity, dtype) for name, dtype in DTYPES.items()}

    def append(self, chunk: Mapping[str, np.ndarray]) -> None:
        n = len(chunk["rowid"])
        capacity = len(self.data["rowid"])
        if self.size + n > capacity:
            grown = max(self.size + n, capacity * 2)
            for name, array in self.data.items():
                bigger = np.empty(grown, array.dtype)
                bigger[: self.size] = array[: self.size]
                self.data[name] = bigger
        for name, values in chunk.items():
            self.data[name][self.size : self.size + n] = values
        self.size += n


def decode_chunk(rows: list[tuple], coder: Coder, orphans: list[int]) -> dict[str, np.ndarray]:
    """One chunk of SELECT_ANSWERS rows as coded columns; rows without a case version go to
    orphans."""
    table = np.array(rows, dtype=object)  # rows × columns; 2-3× quicker than zip(*rows)
    no_version = np.equal(table[:, 2], None)
    if no_version.any():
        orphans.extend(table[no_version, 0].tolist())
        table = table[~no_version]
    rowid = table[:, 0].astype(np.int64)
    flags = table[:, 3].astype(np.int64)
    skipped = (flags & 1) > 0
    out: dict[str, np.ndarray] = {
        "rowid": rowid,
        "skipped": skipped,
        "clause_correct": ((flags >> 1) & 3) - 1,
        "confidence": np.where(np.equal(table[:, 5], None), np.nan, table[:, 5]).astype(np.float64),
        "answered_at": table[:, 6].astype(np.int64),
    }
    shown = np.where(np.equal(table[:, 7], None), np.nan, table[:, 7]).astype(np.float64)
    out["not_watched"] = not_watched_codes(np.where(shown < 0, 0.0, shown), shown < 0, skipped)
    out["clause_correct"] = out["clause_correct"].astype(np.int32)
    out["moment"] = _moment_codes(table, coder)
    versions = coder.read(VERSIONS, table[:, 2].astype(np.int64))
    out["golden"] = versions[:, 1]
    out["version"] = versions[:, 2].copy()
    shared = _shared_columns(table, rowid, flags, versions, coder)
    for j, name in enumerate(_SHARED):
        out[name] = shared[:, j].copy()
    decision = np.where(skipped, -1, np.where((flags & 16) > 0, out["golden"], -1))
    chosen = np.flatnonzero(~skipped & ((flags & 16) == 0))
    if chosen.size:
        decision[chosen] = coder.code("decisions", table[chosen, 4])
    out["decision"] = decision.astype(np.int32)
    return out


def _moment_codes(table: np.ndarray, coder: Coder) -> np.ndarray:
    """core/moments outcome codes of a chunk's marks against their case versions' moments."""
    codes = np.full(len(table), NOT_ASKED, dtype=np.int8)
    asked = np.flatnonzero(~np.equal(table[:, 8], None))
    if not asked.size:
        return codes
    distinct, local = np.unique(table[asked, 2].astype(np.int64), return_inverse=True)
    marks = table[asked, 8].astype(np.float64)
    marks[marks < 0] = np.nan  # asked, not marked
    spans = coder.moment_windows(distinct.tolist())
    codes[asked] = outcome_codes(marks, np.zeros(asked.size, bool), local.reshape(-1), spans)
    return codes


def _shared_columns(
    table: np.ndarray, rowid: np.ndarray, flags: np.ndarray, versions: np.ndarray, coder: Coder
) -> np.ndarray:
    """The _SHARED columns' codes: a regular answer's from its session and case version, any
    other's from its own row (OWN_TEXT)."""
    coded = np.empty((len(table), len(_SHARED)), dtype=np.int32)
    regular = (flags & 8) > 0
    if regular.any():
        coded[regular, :7] = coder.read(SESSIONS, table[regular, 1].astype(np.int64))
        coded[regular, 7] = versions[regular, 0]
    if not regular.all():
        own = np.flatnonzero(~regular)
        found = coder.read_text(OWN_TEXT, rowid[own].tolist())
        place = {r: i for i, r in enumerate(found[:, 0].tolist())}
        text = found[[place[r] for r in rowid[own].tolist()], 1:]
        coded[own] = coder.coded(text, OWN_TEXT[1])
    return coded
