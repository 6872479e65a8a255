"""Krippendorff's α interval is the percentile bootstrap over cases that its method names:
every resample's α is what the krippendorff library computes on the resampled cases."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from calibrate.core.metrics import agreement, coincidences


def reference_interval(
    counts: np.ndarray, level: str, bootstrap: int, seed: int
) -> tuple[float, float]:
    """Draw cases with replacement (seeded, resample by resample), α of each by the library."""
    pairable = counts[counts.sum(axis=1) >= 2]
    rng = np.random.default_rng(seed)
    u = pairable.shape[0]
    values = np.arange(1, counts.shape[1] + 1, dtype=float)
    alphas = []
    for _ in range(bootstrap):
        drawn = pairable[rng.integers(0, u, size=u)]
        if (drawn.sum(axis=0) > 0).sum() >= 2:  # one category: α undefined, dropped
            alphas.append(
                krippendorff.alpha(
                    value_counts=drawn, value_domain=values, level_of_measurement=level
                )
            )
    lo, hi = np.percentile(alphas, [2.5, 97.5])
    return float(lo), float(hi)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_interval_matches_resampled_reference(level: str, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    k = int(rng.integers(2, 6))
    counts = rng.poisson(rng.uniform(0.2, 1.5, size=k), size=(int(rng.integers(3, 60)), k))
    values = np.arange(1, k + 1, dtype=float) if level == "interval" else None
    estimate = agreement.krippendorff_alpha(counts, level, values, bootstrap=150, seed=seed)
    assert estimate.ci95 == pytest.approx(reference_interval(counts, level, 150, seed), abs=1e-9)


def test_batching_the_resamples_changes_no_interval(monkeypatch) -> None:
    counts = np.random.default_rng(7).poisson(1.0, size=(80, 4))
    whole = agreement.krippendorff_alpha(counts, bootstrap=200, seed=3)
    monkeypatch.setattr(coincidences, "BOOTSTRAP_BATCH", 80 * 7)  # 7 resamples a batch
    assert agreement.krippendorff_alpha(counts, bootstrap=200, seed=3) == whole


def test_bootstrap_with_many_categories_stays_small_and_batching_changes_nothing(
    monkeypatch,
) -> None:
    # 50 cases × 4 raters on a numeric scale of 82 values (a 0-100 score, say): the batch
    # holds resamples × k × k coincidences, so it must be sized by k² as well as by cases.
    import tracemalloc

    rng = np.random.default_rng(7)
    k = 82
    counts = np.zeros((50, k), dtype=np.int64)
    for case in range(50):
        np.add.at(counts[case], np.clip(rng.normal(40, 8, size=4).astype(int), 0, k - 1), 1)
    values = np.arange(k, dtype=float)
    levels = {"ordinal": None, "interval": values}
    tracemalloc.start()
    whole = agreement.krippendorff_alphas(counts, levels, bootstrap=2000, seed=3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 150 * 2**20  # was ~400 MB with batches sized by cases only
    monkeypatch.setattr(coincidences, "BOOTSTRAP_BATCH", 50 * 7)  # seven resamples a batch
    batched = agreement.krippendorff_alphas(counts, levels, bootstrap=2000, seed=3)
    for level in levels:
        assert batched[level].ci95 == pytest.approx(whole[level].ci95, abs=1e-12)
