"""Where the tally keeps its ratings: one label per (case, rater) cell, dense or sparse.

Used by `rating_builders.TallyBuilder` (which fills it) and `ratings.RatingsTally` (which reads
it back in bounded blocks), plus the growable column `RatingsBuilder` collects rows in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

# The tally's cell store is a dense case × rater grid (1 byte a cell for up to 254 labels)
# while that grid is below this size or no bigger than twice the sparse form (sorted int64
# keys + a label, ~9 bytes a rating); beyond both it switches to the sparse form for good.
DENSE_FREE_BYTES = 256 << 20
BLOCK_CELLS = 1 << 18  # entries handled at once when reading the store back


class CellStore:
    """Which label each rater gave each case: (case, rater) → label id + 1, 0 = no rating.

    Dense: a case × rater grid of uint8/16/32 (rows beyond the cases seen are never touched,
    so over-allocation costs no memory). Sparse, once the grid would be both large and more
    than twice the sparse size: sorted runs of int64 keys (case << 32 | rater) with their
    values, merged as they grow so there are O(log n) of them."""

    def __init__(self) -> None:
        self._grid: NDArray[Any] | None = np.zeros((0, 0), dtype=np.uint8)
        self._runs: list[tuple[NDArray[Any], NDArray[Any]]] = []  # sparse: (keys, values)
        self._dtype: type = np.uint8

    @property
    def dense(self) -> bool:
        return self._grid is not None

    def reserve(self, n_cases: int, n_raters: int, n_labels: int, n_ratings: int) -> None:
        """Room for these many cases, raters and labels; may switch to the sparse form."""
        dtype = np.uint8 if n_labels < 255 else np.uint16 if n_labels < 65_535 else np.uint32
        if np.dtype(dtype).itemsize > np.dtype(self._dtype).itemsize:
            self._dtype = dtype
            if self._grid is not None:
                self._grid = self._grid.astype(dtype)
            self._runs = [(keys, values.astype(dtype)) for keys, values in self._runs]
        grid = self._grid
        if grid is None:
            return
        case_cap, rater_cap = grid.shape
        if n_cases <= case_cap and n_raters <= rater_cap:
            return
        if n_raters > rater_cap:
            rater_cap = max(n_raters, rater_cap + max(8, rater_cap // 4))
        if n_cases > case_cap:
            case_cap = max(n_cases, 2 * case_cap, 1024)
        used = n_cases * rater_cap * np.dtype(self._dtype).itemsize
        sparse = (8 + np.dtype(self._dtype).itemsize) * n_ratings
        if used > max(DENSE_FREE_BYTES, 2 * sparse):
            self._to_sparse()
            return
        # Zeroed pages are mapped lazily: only rows of cases seen so far take memory.
        bigger: NDArray[Any] = np.zeros((case_cap, rater_cap), dtype=self._dtype)
        rows, cols = grid.shape
        bigger[:rows, :cols] = grid
        self._grid = bigger

    def key(self, case: NDArray[Any], rater: NDArray[Any]) -> NDArray[Any]:
        """One integer per (case, rater), valid until the next `reserve`."""
        if self._grid is None:
            wide: NDArray[np.int64] = (case.astype(np.int64) << 32) | rater.astype(np.int64)
            return wide
        cap = self._grid.shape[1]
        if self._grid.size < 2**31:
            return case.astype(np.int32) * np.int32(cap) + rater.astype(np.int32)
        keys: NDArray[np.int64] = case.astype(np.int64) * cap + rater
        return keys

    def get(self, key: NDArray[Any]) -> NDArray[Any]:
        """Stored values at these keys, 0 where none."""
        if self._grid is not None:
            stored: NDArray[Any] = self._grid.reshape(-1)[key]
            return stored
        out: NDArray[Any] = np.zeros(key.size, dtype=self._dtype)
        for keys, values in self._runs:
            if not keys.size:
                continue
            at = np.minimum(np.searchsorted(keys, key), keys.size - 1)
            hit = keys[at] == key
            out[hit] = values[at[hit]]
        return out

    def put(self, key: NDArray[Any], value: NDArray[Any], *, fresh: bool) -> None:
        """Store values at distinct keys; `fresh` promises none is stored yet."""
        if self._grid is not None:
            self._grid.reshape(-1)[key] = value
            return
        value = value.astype(self._dtype)
        if not fresh:
            new = np.ones(key.size, dtype=bool)
            for keys, values in self._runs:
                if not keys.size:
                    continue
                at = np.minimum(np.searchsorted(keys, key), keys.size - 1)
                hit = keys[at] == key
                values[at[hit]] = value[hit]
                new &= ~hit
            key, value = key[new], value[new]
        if not key.size:
            return
        order = np.argsort(key)
        self._runs.append((key[order], value[order]))
        while len(self._runs) > 1 and self._runs[-2][0].size <= 2 * self._runs[-1][0].size:
            b = self._runs.pop()
            a = self._runs.pop()
            self._runs.append(_merge(a, b))

    def blocks(
        self, n_cases: int, n_raters: int, cases_per_block: int
    ) -> Iterator[tuple[int, int, NDArray[Any], NDArray[Any], NDArray[Any]]]:
        """(c0, c1, case, rater, value) over every stored rating, cases c0 ≤ case < c1 in
        each block, at most about `BLOCK_CELLS` entries at a time."""
        if self._grid is not None:
            width = self._grid.shape[1]
            step = max(1, min(cases_per_block, BLOCK_CELLS // max(width, 1)))
            for c0 in range(0, n_cases, step):
                c1 = min(c0 + step, n_cases)
                part = self._grid[c0:c1, :n_raters]
                rows, cols = np.nonzero(part)
                yield c0, c1, rows + c0, cols, part[rows, cols]
            return
        step = max(1, cases_per_block)
        for keys, values in self._runs:
            bounds = np.searchsorted(keys, np.arange(0, n_cases + step, step, dtype=np.int64) << 32)
            for b, c0 in enumerate(range(0, n_cases, step)):
                lo, hi = int(bounds[b]), int(bounds[b + 1])
                for i in range(lo, hi, BLOCK_CELLS):
                    k = keys[i : min(hi, i + BLOCK_CELLS)]
                    yield (
                        c0,
                        min(c0 + step, n_cases),
                        k >> 32,
                        k & 0xFFFF_FFFF,
                        values[i : i + k.size],
                    )

    def _to_sparse(self) -> None:
        grid = self._grid
        assert grid is not None
        keys, values = [], []
        step = max(1, BLOCK_CELLS // max(grid.shape[1], 1))
        for c0 in range(0, grid.shape[0], step):
            part = grid[c0 : c0 + step]
            rows, cols = np.nonzero(part)
            if rows.size:
                keys.append(((rows + c0).astype(np.int64) << 32) | cols)
                values.append(part[rows, cols])
        self._grid = None
        del grid
        if keys:  # row-major order is key order
            self._runs = [(concat(keys, np.int64), concat(values, self._dtype))]


def _merge(
    a: tuple[NDArray[Any], NDArray[Any]], b: tuple[NDArray[Any], NDArray[Any]]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Two sorted runs with disjoint keys as one, without sorting again."""
    (ak, av), (bk, bv) = a, b
    at = np.searchsorted(ak, bk) + np.arange(bk.size)
    keys = np.empty(ak.size + bk.size, dtype=np.int64)
    values = np.empty(keys.size, dtype=av.dtype)
    mine = np.ones(keys.size, dtype=bool)
    mine[at] = False
    keys[at], values[at] = bk, bv
    keys[mine], values[mine] = ak, av
    return keys, values


class GrowableColumn:
    """An int32 column grown in large segments, without copying what is already in.

    Segments grow to 64 MB: allocations that big are mapped and go back to the system when
    freed, where many small chunk arrays would leave the heap fragmented and resident."""

    def __init__(self) -> None:
        self._parts: list[NDArray[Any]] = []
        self._fill = 0

    def extend(self, values: NDArray[Any]) -> None:
        while values.size:
            if not self._parts or self._fill == self._parts[-1].size:
                size = self._parts[-1].size * 2 if self._parts else 1 << 16
                self._parts.append(np.empty(min(size, 1 << 24), dtype=np.int32))
                self._fill = 0
            take = min(values.size, self._parts[-1].size - self._fill)
            self._parts[-1][self._fill : self._fill + take] = values[:take]
            self._fill += take
            values = values[take:]

    def join(self) -> NDArray[Any]:
        """The whole column as one array; the segments are released."""
        if not self._parts:
            return np.zeros(0, dtype=np.int32)
        self._parts[-1] = self._parts[-1][: self._fill]
        joined = np.concatenate(self._parts) if len(self._parts) > 1 else self._parts[0].copy()
        self._parts, self._fill = [], 0
        return joined


def concat(parts: list[NDArray[Any]], dtype: type) -> NDArray[Any]:
    if not parts:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]
