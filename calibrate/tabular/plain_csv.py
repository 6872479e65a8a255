"""The fastest reader of a ratings CSV, for the file almost everyone has: UTF-8, no quote
character, no NUL byte, LF or CRLF line ends, no blank line, every row with the header's
field count, every field at most 64 bytes. It splits and factorises the columns in numpy,
block by block, without importing pandas (whose import alone is ~0.3 s of a 0.6 s run:
docs/performance.md) and without the scan (`csv_scan`): these checks are the scan's for such
a file, and it never holds more than a block and one row. Anything else raises `NotPlain`,
and `ratings_csv` reads the file again with the scan beside pandas, or row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

BLOCK = 1 << 23  # bytes read at a time (8 MiB), cut at the last line end
WIDEST = 64  # a field wider than this (bytes) is left to pandas
SAMPLE = 65_536  # values whose distinct set is taken first (see `factorise`)

Column = tuple[NDArray[Any], list[str]]  # codes into names, names as written


class NotPlain(Exception):
    """The file is not plain (a quote, a lone CR, a blank line, an odd row, a wide field)."""


def plain_blocks(raw: Any, n_fields: int, positions: list[int]) -> Iterator[list[Column]]:
    """Per block of whole rows of `raw` (a binary file after the header), the factorised
    columns at `positions`, each as (codes, names)."""
    carry = b""
    while True:
        data = raw.read(BLOCK)
        if not data:
            break
        data = carry + data
        end = data.rfind(b"\n") + 1
        carry = data[end:]
        if len(carry) > (WIDEST + 2) * n_fields:  # longer than any plain row: never held
            raise NotPlain("a long row")
        if end:
            yield _columns(data[:end], n_fields, positions)
    if carry:
        yield _columns(carry + b"\n", n_fields, positions)


def _columns(block: bytes, n_fields: int, positions: list[int]) -> list[Column]:
    """The factorised columns of a block of whole rows, each ending in a line end."""
    if b'"' in block or b"\0" in block:
        raise NotPlain("a quote or a NUL byte")
    if not block.isascii():
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            raise NotPlain("not UTF-8") from None
    if b"\r" in block:
        if block.count(b"\r") != block.count(b"\r\n"):
            raise NotPlain("a lone carriage return")
        block = block.replace(b"\r\n", b"\n")
    if block.startswith(b"\n") or b"\n\n" in block:
        raise NotPlain("a blank line")
    b = np.frombuffer(block, dtype=np.uint8)
    newline = b == 10
    sep = np.flatnonzero(newline | (b == 44))
    rows = int(np.count_nonzero(newline))
    # Every row has the header's field count exactly when the separators come in whole rows
    # and each row's last one is its line end.
    if sep.size != rows * n_fields or not newline[sep[n_fields - 1 :: n_fields]].all():
        raise NotPlain("a row with another field count")
    starts = np.empty_like(sep)
    starts[0] = 0
    starts[1:] = sep[:-1] + 1
    # Every byte position read as the (unaligned, little-endian) uint64 of the 8 bytes from
    # it: a field's key words are picked out of it and masked to the field's length.
    padded = np.zeros(b.size + 8, dtype=np.uint8)
    padded[: b.size] = b
    window: NDArray[Any] = np.ndarray((b.size,), dtype="<u8", buffer=padded, strides=(1,))
    return [factorise(window, starts[j::n_fields], sep[j::n_fields]) for j in positions]


def factorise(window: NDArray[Any], starts: NDArray[Any], ends: NDArray[Any]) -> Column:
    """Codes and distinct names of the fields b[start:end], `window[i]` being the 8 bytes of
    b from i as a little-endian uint64 (b zero-padded).

    Each field becomes a key of one or more uint64 words (its bytes, zero-padded). The
    distinct keys of the first SAMPLE fields are found by sorting; every field is looked up
    among them in a hash table (a few vectorised probes, no sort of all fields); only fields
    not found there are sorted and added: ids repeat (a case has many raters), so that is
    rare."""
    lengths = ends - starts
    width = int(lengths.max(initial=0))
    if width > WIDEST:
        raise NotPlain("a wide field")
    words = max(1, -(-width // 8))
    keys = np.empty((starts.size, words), dtype=np.uint64)
    for k in range(words):
        keys[:, k] = window[np.minimum(starts + 8 * k, window.size - 1)]
        keys[:, k] &= _MASKS[np.clip(lengths - 8 * k, 0, 8)]
    try:
        distinct = _distinct(keys[:SAMPLE])
        codes = _lookup(keys, distinct)
        missing = codes < 0
        if missing.any():
            distinct = np.concatenate([distinct, _distinct(keys[missing])])
            codes[missing] = _lookup(keys[missing], distinct)
    except _Crowded:  # ids made to collide: sort them all instead (never quadratic)
        rows = keys.view(f"S{8 * words}").ravel()
        unique, inverse = np.unique(rows, return_inverse=True)
        distinct = np.ascontiguousarray(unique.view(np.uint64).reshape(-1, words))
        codes = inverse.astype(np.int32)
    names = [text.decode("utf-8") for text in distinct.view(f"S{8 * words}").ravel().tolist()]
    return codes, names


MAX_PROBES = 32  # more probes than this for one key: the keys collide by design, not chance


class _Crowded(Exception):
    """The hash table needs too many probes (ids crafted to collide)."""


_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)


def _distinct(keys: NDArray[Any]) -> NDArray[Any]:
    """The distinct rows of a keys matrix (sorted: the same for the same input)."""
    if keys.shape[1] == 1:  # one word: sorted as numbers, faster than as bytes
        return np.ascontiguousarray(np.unique(keys[:, 0])[:, None])
    rows = keys.view(f"S{8 * keys.shape[1]}").ravel()
    unique: NDArray[Any] = np.unique(rows).view(np.uint64).reshape(-1, keys.shape[1])
    return np.ascontiguousarray(unique)


def _slots(keys: NDArray[Any], bits: int) -> NDArray[Any]:
    """Multiplicative (Fibonacci) hash of each key row into 2**bits slots."""
    mixed = np.zeros(keys.shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(keys.shape[1]):
            mixed ^= keys[:, k] * _MIX[k % _MIX.size] + np.uint64(k)
        mixed *= _MIX[0]
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


def _lookup(keys: NDArray[Any], distinct: NDArray[Any]) -> NDArray[Any]:
    """Index of each key row in `distinct` (-1 where absent), by open addressing in a table
    at most a quarter full, probing all keys at once."""
    bits = max(4, (4 * distinct.shape[0]).bit_length())
    size = 1 << bits
    table = np.full(size, -1, dtype=np.int64)
    pending, pos = np.arange(distinct.shape[0]), _slots(distinct, bits)
    rounds = 0
    while pending.size:  # place each distinct key in the first free slot from its hash
        rounds += 1
        if rounds > MAX_PROBES:
            raise _Crowded
        free = table[pos] < 0
        slots, first = np.unique(pos[free], return_index=True)
        table[slots] = pending[free][first]
        placed = np.zeros(pending.size, dtype=bool)
        placed[np.flatnonzero(free)[first]] = True
        pending, pos = pending[~placed], (pos[~placed] + 1) & (size - 1)
    pos = _slots(keys, bits)
    found = table[pos]  # the first probe, over all keys at once
    if keys.shape[1] == 1:
        hit = (found >= 0) & (distinct[np.maximum(found, 0), 0] == keys[:, 0])
    else:
        hit = (found >= 0) & (distinct[np.maximum(found, 0)] == keys).all(axis=1)
    codes = np.where(hit, found, -1).astype(np.int32)
    todo = np.flatnonzero(~hit & (found >= 0))  # a different key there: probe on
    pos = (pos[todo] + 1) & (size - 1)
    while todo.size:
        rounds += 1
        if rounds > 2 * MAX_PROBES:  # a cluster this long is no accident either
            raise _Crowded
        found = table[pos]
        hit = found >= 0
        hit[hit] = (distinct[found[hit]] == keys[todo[hit]]).all(axis=1)
        codes[todo[hit]] = found[hit]
        going = ~hit & (found >= 0)  # empty slot: the key is absent
        todo, pos = todo[going], (pos[going] + 1) & (size - 1)
    return codes
