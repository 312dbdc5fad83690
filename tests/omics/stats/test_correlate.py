"""Genome-scale correlation: every pair against scipy, exact streaming BH, scale safety."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import dask.array as da
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats
from statsmodels.stats.multitest import multipletests

from omics.stats.correlation import correlate


def _matrix(values, prefix, samples=None):
    return xr.DataArray(values, dims=("feature", "sample"), coords={
        "feature": [f"{prefix}{i}" for i in range(values.shape[0])],
        "sample": samples if samples is not None else [f"s{i}" for i in range(values.shape[1])],
    })


def _with_missing(seed, shape, fraction=0.1):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape)
    values[1] = values[0] * 2 + rng.normal(0, 0.3, shape[1])
    values[2, :5] = np.round(values[2, :5])  # ties
    values[rng.random(shape) < fraction] = np.nan
    values[3, :-2] = np.nan  # only 2 observed: never testable
    return values


def _scipy(a, b, method):
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3 or np.ptp(a[ok]) == 0 or np.ptp(b[ok]) == 0:
        return np.nan, ok.sum(), np.nan
    test = (stats.pearsonr if method == "pearson" else stats.spearmanr)(a[ok], b[ok])
    return test.statistic, ok.sum(), test.pvalue


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_cross_correlation_of_every_pair_matches_scipy_and_statsmodels_bh(method):
    x = _with_missing(0, (12, 25))
    y = _with_missing(1, (9, 25))
    y[4] = np.nanmean(y[4])  # constant row: no correlation
    found = correlate(_matrix(x, "x"), _matrix(y, "y"), method=method, min_abs_r=0.0,
                      block_rows=5)
    ours, reference = _every_pair_as_scipy(found, x, y, method)
    np.testing.assert_allclose(ours["fdr"], multipletests(reference[:, 2], method="fdr_bh")[1],
                               rtol=1e-10)
    assert found.fdr_exact_up_to == 1.0


def _every_pair_as_scipy(found, x, y, method):
    """Assert that every testable pair is reported among the strong pairs as scipy computes
    it (r, n, p); return our rows and scipy's (r, n, p) in the same order."""
    table = found.strong.set_index(["feature_a", "feature_b"])
    expected = {(f"x{i}", f"y{j}"): _scipy(x[i], y[j], method)
                for i in range(len(x)) for j in range(len(y))}
    expected = {pair: values for pair, values in expected.items() if np.isfinite(values[0])}
    assert found.n_tested == len(expected) == len(table)
    reference = np.array(list(expected.values()))
    ours = table.loc[list(expected)]
    np.testing.assert_allclose(ours["r"], reference[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ours["n"], reference[:, 1])
    np.testing.assert_allclose(ours["p_value"], reference[:, 2], rtol=1e-8)
    return ours, reference


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_blocks_mixing_complete_and_incomplete_rows_match_scipy(method):
    """Complete rows of a block against complete rows (one product of the block's complete
    rows), against incomplete rows, and incomplete rows against all: every pair as scipy."""
    x = _with_missing(2, (14, 30))
    y = _with_missing(3, (11, 30))
    rng = np.random.default_rng(4)
    x[[0, 5, 6, 9, 12]] = rng.normal(size=(5, 30))  # complete rows among incomplete ones
    y[[1, 2, 7]] = rng.normal(size=(3, 30))
    found = correlate(_matrix(x, "x"), _matrix(y, "y"), method=method, min_abs_r=0.0,
                      block_rows=4)
    _every_pair_as_scipy(found, x, y, method)


def test_within_matrix_pairs_are_i_less_than_j_and_top_k_excludes_self():
    values = _with_missing(2, (30, 20), fraction=0.05)
    data = _matrix(values, "g")
    found = correlate(data, top_k=3, min_abs_r=0.0, block_rows=7)
    pairs = found.strong
    index_a = pairs["feature_a"].str[1:].astype(int)
    index_b = pairs["feature_b"].str[1:].astype(int)
    assert (index_a < index_b).all() and found.n_tested == len(pairs) == 29 * 30 // 2 - 29
    top = found.top
    assert (top["feature_a"] != top["feature_b"]).all()
    assert top.groupby("feature_a", observed=True).size().max() == 3
    g0 = top[top["feature_a"] == "g0"].sort_values("rank")
    assert g0.iloc[0]["feature_b"] == "g1"
    # the top-k partners of g5 are its three largest |r| among all 29 others
    expected = sorted(((abs(_scipy(values[5], values[j], "pearson")[0]), f"g{j}")
                       for j in range(30) if j != 5 and j != 3), reverse=True)[:3]
    assert g0.iloc[0]["r"] == pytest.approx(_scipy(values[0], values[1], "pearson")[0])
    assert top[top["feature_a"] == "g5"].sort_values("rank")["feature_b"].tolist() == [
        name for _, name in expected]


def test_fdr_is_exact_up_to_the_reported_bound_with_a_small_budget():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(120, 40))
    values[:20] += rng.normal(size=(1, 40)) * 1.5  # a correlated module
    data = _matrix(values, "g")
    full = correlate(data, min_abs_r=0.0)  # every pair reported, hence held: all exact
    assert full.fdr_exact_up_to == 1.0 and full.n_tested == 120 * 119 // 2
    tight = correlate(data, top_k=60, fdr_budget=250, block_rows=10)
    assert tight.fdr_exact_up_to < 1e-3
    merged = tight.top.merge(full.strong, on=["feature_a", "feature_b"], suffixes=("_tight", ""))
    reversed_pairs = full.strong.rename(columns={"feature_a": "feature_b",
                                                 "feature_b": "feature_a"})
    merged = pd.concat([merged, tight.top.merge(reversed_pairs, on=["feature_a", "feature_b"],
                                                suffixes=("_tight", ""))])
    assert len(merged) == len(tight.top) == 120 * 60
    exact = merged["fdr_tight"] <= tight.fdr_exact_up_to
    assert exact.sum() > 100 and (~exact).sum() > 5000
    np.testing.assert_allclose(merged["fdr_tight"][exact], merged["fdr"][exact], rtol=1e-12)
    # above the bound: an upper bound, and a tight one (the p-value bins are fine)
    ratio = merged["fdr_tight"][~exact] / merged["fdr"][~exact]
    assert ratio.min() >= 1 - 1e-12 and ratio.max() < 1.02


def _factor_data(seed, *n_features, n_samples=60):
    """Matrices of features loading on a few shared factors: many strong pairs within and
    between them, a null background."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(5, n_samples))
    return [(rng.normal(size=(n, 5)) * (rng.random((n, 5)) < 0.15)) @ factors
            + rng.normal(size=(n, n_samples)) for n in n_features]


def _all_pairs(x, y):
    """r and BH FDR (statsmodels) of every tested pair, by brute force in float64."""
    from omics.stats.correlation_blocks import prepare
    from omics.stats.streaming_fdr import two_sided_p

    within = y is None
    ux = prepare(x, "pearson").unit
    uy = ux.copy() if within else prepare(y, "pearson").unit  # a copy: gemm, never syrk
    r = np.clip(ux @ uy.T, -1, 1)
    tested = np.triu(np.ones(r.shape, dtype=bool), 1) if within else np.ones(r.shape, bool)
    fdr = np.full(r.shape, np.nan)
    fdr[tested] = multipletests(two_sided_p(r[tested], x.shape[1]), method="fdr_bh")[1]
    if within:
        fdr = np.fmin(fdr, fdr.T)
    return r, fdr


@pytest.mark.parametrize("within", [False, True])
def test_single_precision_screen_reports_the_float64_pairs_and_bh_over_every_pair(within):
    """Complete data with a selective screen go through the float32 product; the reported
    pairs, ranks, r, p and FDR are those of the float64 path (and of BH over every pair,
    computed by brute force), up to rounding; the FDR above the exact bound stays an upper
    bound although the p-value bins were counted from float32 values."""
    x, y = _factor_data(11, 1500, 0) if within else _factor_data(12, 300, 2000)
    y = None if within else y
    data_x = _matrix(x, "x")
    data_y = None if within else _matrix(y, "y")
    options = dict(top_k=5, min_abs_r=0.6, fdr_budget=5_000, block_rows=64)
    single = correlate(data_x, data_y, **options)
    double = correlate(data_x, data_y, single_precision_screen=False, **options)
    assert single.single_precision and not double.single_precision
    assert single.n_tested == double.n_tested
    assert single.fdr_exact_up_to == pytest.approx(double.fdr_exact_up_to, rel=0.02)
    r, fdr = _all_pairs(x, y)
    for kind in ("top", "strong"):
        ours, reference = getattr(single, kind), getattr(double, kind)
        assert len(ours) > 1000
        keys = ["feature_a", "feature_b"] + (["rank"] if kind == "top" else [])
        assert ours[keys].astype(str).equals(reference[keys].astype(str))
        np.testing.assert_allclose(ours["r"], reference["r"], rtol=0, atol=1e-14)
        np.testing.assert_allclose(ours["p_value"], reference["p_value"], rtol=1e-11)
        a = ours["feature_a"].str[1:].astype(int).to_numpy()
        b = ours["feature_b"].str[1:].astype(int).to_numpy()
        np.testing.assert_allclose(ours["r"], r[a, b], rtol=0, atol=1e-14)
        exact = ours["fdr"].to_numpy() <= single.fdr_exact_up_to
        assert exact.sum() > 300 and (kind == "strong" or (~exact).sum() > 300)
        np.testing.assert_allclose(ours["fdr"][exact], fdr[a, b][exact], rtol=1e-10)
        assert (ours["fdr"][~exact] >= fdr[a, b][~exact] * (1 - 1e-12)).all()


@pytest.mark.parametrize("budget", [None, 3_000])
def test_streaming_bh_of_runs_and_scattered_ranks_equals_bh_over_everything(budget):
    """Runs of consecutive ranks (adjusted as a whole) next to scattered ranks, ties among
    them, a run at the very top and one ending at the last kept value: BH of all 40,000
    |r| values (statsmodels); with a budget, exact up to the reported bound and an upper
    bound above it."""
    from omics.stats.streaming_fdr import (
        PValueBins,
        StreamingBH,
        keep_strongest,
        two_sided_p,
    )

    rng = np.random.default_rng(15)
    abs_r = np.abs(np.tanh(rng.normal(0, 0.3, 40_000)))
    abs_r[100:110] = abs_r[99]  # a tie inside the top run
    bins = PValueBins(30)
    parts = [keep_strongest(part, budget or part.size, 0.0 if budget is None else 0.2, 30,
                            bins.count_abs_r(part), part.size)
             for part in np.array_split(abs_r, 4)]
    bh = StreamingBH.combine(parts, bins)
    expected = multipletests(two_sided_p(abs_r, 30), method="fdr_bh")[1]
    order = np.argsort(-abs_r, kind="stable")
    picked = np.concatenate([order[:1500], order[2000:6000:7], order[7000:7400],
                             order[bh.kept.size - 300:bh.kept.size] if budget is None
                             else order[9000:9010]])
    adjusted = bh.adjust(two_sided_p(abs_r[picked], 30), abs_r[picked])
    exact = adjusted <= bh.exact_up_to
    assert exact.sum() > 1000
    np.testing.assert_allclose(adjusted[exact], expected[picked][exact], rtol=1e-12)
    assert (adjusted[~exact] >= expected[picked][~exact] * (1 - 1e-12)).all()
    if budget is None:
        assert exact.all()


def test_single_precision_error_bounds_a_float32_product_of_unit_rows():
    from omics.stats.correlation_blocks import prepare
    from omics.stats.correlation_kernel import single_precision_error

    rng = np.random.default_rng(14)
    for n_samples in (10, 200, 1000):
        values = rng.normal(size=(400, n_samples))
        values[1] = values[0] * 1e3 + 1e-3  # |r| near 1, large raw values
        unit = prepare(values, "pearson").unit
        other = unit[::-1].copy()
        exact = unit @ other.T
        approximate = unit.astype(np.float32) @ other.astype(np.float32).T
        assert np.abs(approximate - exact).max() < single_precision_error(n_samples) / 4


@pytest.mark.parametrize(("chunks_per_pass", "adjusted_per_pass"),
                         [(8192, 2_000_000), (7, 2_000_000), (8192, 97)])
def test_fdr_of_a_scattered_subset_of_many_pairs_equals_bh_over_all_of_them(
        monkeypatch, chunks_per_pass, adjusted_per_pass):
    """80,000 pairs (2,500 chunks of kept values), top-3 partners reported: positions scattered
    over the whole ranking, many of them inside chunks the bounds cannot settle; every
    reported FDR equals BH over all pairs (statsmodels), whether the chunks are evaluated
    and the values adjusted at once or a few at a time."""
    from omics.stats import streaming_fdr

    monkeypatch.setattr(streaming_fdr, "_CHUNKS_PER_PASS", chunks_per_pass)
    monkeypatch.setattr(streaming_fdr, "_ADJUSTED_PER_PASS", adjusted_per_pass)
    rng = np.random.default_rng(8)
    values = rng.normal(size=(400, 25))
    values[:60] += rng.normal(size=(1, 25)) * 0.8
    found = correlate(_matrix(values, "g"), top_k=3)
    assert found.fdr_exact_up_to == 1.0 and found.n_tested == 400 * 399 // 2
    r = np.corrcoef(values)[np.triu_indices(400, 1)]
    p = 2 * stats.t.sf(np.abs(r) * np.sqrt(23 / (1 - r**2)), 23)
    expected = multipletests(p, method="fdr_bh")[1]
    a = found.top["feature_a"].str[1:].astype(int).to_numpy()
    b = found.top["feature_b"].str[1:].astype(int).to_numpy()
    i, j = np.minimum(a, b), np.maximum(a, b)
    flat = i * 400 - i * (i + 1) // 2 + (j - i - 1)  # position in the upper triangle
    np.testing.assert_allclose(found.top["fdr"], expected[flat], rtol=1e-9)


def test_dask_backed_inputs_give_the_same_pairs_and_align_samples():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 16))
    y = rng.normal(size=(30, 20))
    y[:, 2:18] += x[:30] * 2  # y's samples s2..s17 are x's s0..s15
    x_data = _matrix(x, "x", [f"s{i}" for i in range(2, 18)])
    y_data = _matrix(y, "y")
    eager = correlate(x_data, y_data, top_k=2, min_abs_r=0.6)
    lazy = correlate(x_data.copy(data=da.from_array(x, chunks=(7, 16))),
                     y_data.copy(data=da.from_array(y, chunks=(11, 20))), top_k=2,
                     min_abs_r=0.6)
    assert eager.table().equals(lazy.table())
    assert set(eager.top["n"]) == {16}
    strong = set(zip(eager.strong["feature_a"], eager.strong["feature_b"], strict=True))
    assert sum((f"x{i}", f"y{i}") in strong for i in range(30)) >= 25


def test_engine_survives_20000_by_200_with_two_blas_threads(tmp_path):
    """``x @ x.T`` (syrk) segfaults OpenBLAS at this size with 2 threads; the engine must only
    use gemm. Runs in a child process so that a crash fails the test instead of pytest."""
    script = textwrap.dedent("""
        import numpy as np, xarray as xr
        from omics.stats.correlation import correlate
        values = np.random.default_rng(0).normal(size=(20000, 200))
        values[1] = values[0]
        data = xr.DataArray(values, dims=("feature", "sample"))
        found = correlate(data, top_k=1, min_abs_r=0.99)
        print(len(found.strong), found.n_tested)
    """)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", str(20000 * 19999 // 2)]


def test_blas_threads_of_the_process_are_restored_after_threaded_blocks():
    """Blocks run in Dask threads with one BLAS thread each; afterwards the process has its
    BLAS threads back (a per-task limit left OpenBLAS at one thread for every later GEMM).
    A child process: the BLAS thread count is process-wide."""
    script = textwrap.dedent("""
        import dask, numpy as np, xarray as xr
        from threadpoolctl import threadpool_info
        from omics.stats.correlation import correlate
        def blas():
            return sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})
        rng = np.random.default_rng(0)
        x = xr.DataArray(rng.normal(size=(600, 50)), dims=("feature", "sample"))
        y = xr.DataArray(rng.normal(size=(4000, 50)), dims=("feature", "sample"))
        seen = [blas()]
        with dask.config.set(scheduler="threads", num_workers=2):
            for _ in range(3):
                correlate(x, y, top_k=3, block_rows=20)
                seen.append(blas())
        print(seen)
    """)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[[2], [2], [2], [2]]"


@pytest.mark.parametrize("within", [False, True])
def test_fused_block_pass_equals_the_general_path(within):
    """Complete data go through the one-pass numba kernel; the same block given as
    per-pair sizes (all equal) goes through the general numpy path: same top partners,
    strong pairs, bin counts and number of tested pairs."""
    from omics.stats.correlation_select import BlockPlan, summarise_block
    from omics.stats.streaming_fdr import PValueBins

    rng = np.random.default_rng(5)
    r = np.clip(rng.normal(0, 0.35, (40, 300)), -1, 1)
    r[3, 7] = r[2, 250] = np.nan  # not tested: below (within) and above the diagonal
    rows = np.arange(100, 140)
    plan = BlockPlan(top_k=5, min_abs_r=0.6, within=within, budget=10**6, p_cutoff=1.0,
                     n_samples=20, n_partners=300)
    fused = summarise_block(r.copy(), 20, rows, plan, PValueBins(20))
    general = summarise_block(r.copy(), np.full(r.shape, 20), rows, plan, PValueBins(20))
    for kind in ("top", "strong"):
        for key, values in getattr(general, kind).items():
            np.testing.assert_array_equal(getattr(fused, kind)[key], values, err_msg=key)
    np.testing.assert_array_equal(fused.kept.counts, general.kept.counts)
    assert fused.kept.n_tested == general.kept.n_tested == (
        sum(300 - row - 1 for row in rows) - 1 if within else 40 * 300 - 2)


def test_top_k_per_row_equals_the_first_k_of_a_full_lexsort():
    """The compiled selection gives exactly the first k of each row after
    lexsort((-strength, row)): strongest first, ties (many here) in their given order,
    rows with fewer than k entries left out."""
    from omics.stats.correlation_kernel import top_k_per_row

    rng = np.random.default_rng(4)
    rows = np.sort(np.concatenate([rng.integers(0, 280, 20_000),  # rows 280-299: 0-9
                                   rng.integers(280, 300, 100)]))
    strength = rng.integers(0, 40, rows.size) / 40.0  # many equal values
    k = 7
    order = np.lexsort((-strength, rows))
    counts = np.bincount(rows, minlength=300)
    position = np.arange(order.size) - np.repeat(np.cumsum(counts) - counts, counts)
    expected = order[(position < k) & (counts[rows[order]] >= k)]
    assert (counts < k).any() and (counts >= k).any()
    best, usable = top_k_per_row(rows, strength, 300, k)
    np.testing.assert_array_equal(best, expected)
    np.testing.assert_array_equal(usable, counts)
    # with a floor: the same, among the entries at or above it
    signed = strength * np.where(rng.random(rows.size) < 0.5, -1, 1)
    above = strength >= 0.3
    order = np.lexsort((-strength[above], rows[above]))
    counts = np.bincount(rows[above], minlength=300)
    position = np.arange(order.size) - np.repeat(np.cumsum(counts) - counts, counts)
    expected = np.flatnonzero(above)[order[(position < k) & (counts[rows[above][order]] >= k)]]
    best, usable = top_k_per_row(rows, signed, 300, k, floor=0.3)
    np.testing.assert_array_equal(best, expected)
    np.testing.assert_array_equal(usable, counts)


def test_merged_positions_equal_searchsorted():
    """The one-merge placement equals searchsorted (side right, minus one), ties included."""
    from omics.stats.streaming_fdr import _last_at_or_below

    rng = np.random.default_rng(2)
    keys = np.sort(rng.integers(0, 50, 1000) / 10.0)
    queries = np.sort(np.concatenate([rng.integers(-5, 60, 3000) / 10.0, keys[:50]]))
    np.testing.assert_array_equal(_last_at_or_below(keys, queries),
                                  np.searchsorted(keys, queries, side="right") - 1)


def test_counting_pairs_of_many_sample_sizes_equals_binning_their_p_values():
    """One compiled pass (|r| bins at n_samples, p bins elsewhere) gives the counts of
    binning each pair's p-value by searchsorted; NaN, untested (2.0) and n < 3 uncounted."""
    from omics.stats.streaming_fdr import PValueBins, two_sided_p

    rng = np.random.default_rng(12)
    abs_r = np.abs(rng.uniform(-1, 1, (300, 400)))
    abs_r[:5] = np.linspace(0, 1, 400)  # on the |r| edges
    n = rng.integers(1, 41, abs_r.shape)
    n[::3] = 40
    abs_r[rng.random(abs_r.shape) < 0.05] = np.nan
    abs_r[rng.random(abs_r.shape) < 0.05] = 2.0
    bins = PValueBins(40, n_bins=256)
    tested = abs_r <= 1
    same, other = tested & (n == 40), tested & (n != 40)
    expected = np.bincount((abs_r[same] * 256).astype(int), minlength=257)
    p = two_sided_p(abs_r[other], n[other])
    p = p[np.isfinite(p)]
    index = 256 - np.searchsorted(bins.upper[::-1], p, side="left")
    expected += np.bincount(np.clip(index, 0, 256), minlength=257)
    counts = bins.count_pairs(abs_r, n)
    np.testing.assert_array_equal(counts, expected)
    assert counts.sum() == same.sum() + (other & (n >= 3)).sum()


def test_kept_values_merged_in_the_shared_buffer_equal_those_of_the_blocks_own_arrays(
        monkeypatch):
    """The blocks copy their kept values into one shared array, which the merge sorts in
    place; when it is too small for all of them (here: no room beyond the FDR budget for the
    strong pairs), later blocks keep their own arrays and the merge copies. Both give the
    same tables, to the bit."""
    import omics.stats.correlation as correlation
    import omics.stats.streaming_fdr as streaming_fdr

    x, y = _factor_data(13, 1000, 3000)
    options = dict(top_k=5, min_abs_r=0.3, fdr_budget=5_000, block_rows=50)
    merged_in_place = []
    keys_within = streaming_fdr._keys_within

    def watched(parts, sign, cutoff, consume=None):
        keys = keys_within(parts, sign, cutoff, consume)
        merged_in_place.append(consume is not None and np.may_share_memory(keys, consume.values))
        return keys

    monkeypatch.setattr(streaming_fdr, "_keys_within", watched)
    shared = correlate(_matrix(x, "x"), _matrix(y, "y"), **options)
    monkeypatch.setattr(correlation, "_STRONG_IN_BUFFER", 0)
    overflowing = correlate(_matrix(x, "x"), _matrix(y, "y"), **options)
    assert merged_in_place == [True, False]
    assert len(shared.strong) > 4 * options["fdr_budget"]  # the buffer did overflow
    for kind in ("top", "strong"):
        pd.testing.assert_frame_equal(getattr(shared, kind), getattr(overflowing, kind),
                                      check_exact=True)
    assert shared.fdr_exact_up_to == overflowing.fdr_exact_up_to


def test_a_matrix_without_features_is_a_clear_error():
    """No features on one side: one line naming what was found (it divided by zero)."""
    from omics.errors import OmicsInputError

    empty = xr.DataArray(np.zeros((0, 5)), dims=("feature", "sample"))
    with pytest.raises(OmicsInputError) as raised:
        correlate(empty, xr.DataArray(np.ones((3, 5)), dims=("feature", "sample")), top_k=1)
    assert str(raised.value) == ("correlate: found 0 features in x and 3 in y; expected at "
                                 "least one feature in each")
