"""Krippendorff's α arithmetic: coincidence matrices, distances per level of measurement,
and the seeded case bootstrap, for one table or a stack of resamples at once.

Numbers only; `agreement.krippendorff_alphas` turns them into estimates with notes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Level = Literal["nominal", "ordinal", "interval", "ratio"]


def pairable(counts: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    c = np.asarray(counts, dtype=float)
    m = c.sum(axis=1)
    keep = m >= 2
    return c[keep], m[keep]


def coincidences(
    units: NDArray[Any], m: NDArray[Any], weight: NDArray[Any] | None = None
) -> NDArray[Any]:
    """Krippendorff's coincidence matrix o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)."""
    w = 1.0 / (m - 1) if weight is None else weight / (m - 1)
    scaled = units * w[:, None]
    o: NDArray[Any] = scaled.T @ units
    o[np.diag_indices_from(o)] -= scaled.sum(axis=0)
    return o


def _delta(level: Level, n_c: NDArray[Any], values: NDArray[Any] | None) -> NDArray[Any]:
    """Squared distance between categories for a level of measurement."""
    k = n_c.size
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cum = np.cumsum(n_c)
        lo = np.minimum.outer(np.arange(k), np.arange(k))
        hi = np.maximum.outer(np.arange(k), np.arange(k))
        between = cum[hi] - cum[lo] + n_c[lo]
        ordinal: NDArray[Any] = (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2
        return ordinal
    if values is None:
        raise ValueError(f"{level} alpha needs numeric category values")
    v = np.asarray(values, dtype=float)
    top = float(np.abs(v).max()) if v.size else 0.0
    if top > 0 and math.isfinite(top):
        # α is the same for values scaled alike; a power of two scales exactly, and keeps
        # labels near ±1e308 from overflowing their differences and squares.
        v = np.ldexp(v, -math.frexp(top)[1])
    diff = v[:, None] - v[None, :]
    if level == "interval":
        interval: NDArray[Any] = diff**2
        return interval
    total = v[:, None] + v[None, :]
    ratio: NDArray[Any] = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    return ratio


def alpha_weights(level: Level, values: NDArray[Any] | None, k: int) -> NDArray[Any]:
    """Agreement weights 1 − δ/max δ of a level with margin-free distances (nominal,
    interval, ratio): α computed with them is α itself (Gwet 2014, ch. 3)."""
    delta = _delta(level, np.ones(k), values)
    top = float(delta.max()) if delta.size else 0.0
    weights: NDArray[Any] = 1.0 - delta / top if top > 0 else np.eye(k)
    return weights


def alpha_from_coincidences(
    o: NDArray[Any], level: Level, values: NDArray[Any] | None
) -> float | None:
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n < 2:
        return None
    delta = _delta(level, n_c, values)
    expected = float(n_c @ delta @ n_c)
    if expected <= 0:
        return None
    return 1.0 - (n - 1) * float((o * delta).sum()) / expected


def _resampled_coincidences(
    units: NDArray[Any], m: NDArray[Any], weights: NDArray[Any]
) -> NDArray[Any]:
    """`coincidences` for many case weightings at once (resamples × cases → resamples × k × k):
    a resample's matrix is each case's coincidences times how often the case was drawn."""
    scaled = weights / (m - 1)
    k = units.shape[1]
    o = np.empty((weights.shape[0], k, k))
    for c in range(k):
        o[:, c, :] = (scaled * units[:, c]) @ units
        o[:, c, c] -= scaled @ units[:, c]
    return o


def _alphas_from_coincidences(
    o: NDArray[Any], level: Level, values: NDArray[Any] | None
) -> NDArray[Any]:
    """`alpha_from_coincidences` of a stack of matrices (NaN where undefined)."""
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    if level == "ordinal":  # its distances depend on each matrix's own margins
        delta = np.stack([_delta(level, row, values) for row in n_c])
    else:
        delta = np.broadcast_to(_delta(level, n_c[0], values), o.shape)
    expected = np.einsum("bi,bij,bj->b", n_c, delta, n_c)
    observed = np.einsum("bij,bij->b", o, delta)  # no resamples × k × k temporary
    ok = (n >= 2) & (expected > 0)
    return np.where(ok, 1.0 - (n - 1) * observed / np.where(ok, expected, 1.0), np.nan)


# Resamples are handled in batches of at most this many (resample, case) weights and
# (resample, category, category) coincidences: 32 MB each.
BOOTSTRAP_BATCH = 1 << 22


def bootstrap_draws(
    units: NDArray[Any],
    m: NDArray[Any],
    levels: dict[Level, NDArray[Any] | None],
    bootstrap: int,
    seed: int,
    progress: Callable[[int, int], None] | None,
) -> dict[Level, NDArray[Any]]:
    """α of every resample of the cases, per level (undefined resamples left out).

    Seeded: a (resamples × cases) draw gives the same stream as one draw per resample, so
    batching changes nothing; each batch's α come from matrix products, not a loop."""
    rng = np.random.default_rng(seed)
    u, k = units.shape
    batch = max(1, min(bootstrap, BOOTSTRAP_BATCH // max(u, k * k)))
    draws: dict[Level, list[NDArray[Any]]] = {lv: [] for lv in levels}
    for start in range(0, bootstrap, batch):
        n_b = min(batch, bootstrap - start)
        drawn = rng.integers(0, u, size=(n_b, u)) + np.arange(n_b)[:, None] * u
        weights = np.bincount(drawn.ravel(), minlength=n_b * u).reshape(n_b, u).astype(float)
        o = _resampled_coincidences(units, m, weights)
        for lv, v in levels.items():
            alphas = _alphas_from_coincidences(o, lv, v)
            draws[lv].append(alphas[~np.isnan(alphas)])
        if progress is not None:
            progress(start + n_b, bootstrap)
    return {lv: np.concatenate(d) for lv, d in draws.items()}
