"""Correlation: genome-scale ``correlate`` (blockwise, on Dask) and row-paired correlation.

``paired_row_correlation`` correlates row i of one matrix with row i of another (e.g. protein
vs mRNA of the same genes).

Each row pair is correlated over its pairwise-complete samples, with its own ``n``; the
two-sided p-value uses the t distribution with ``n - 2`` df (as ``scipy.stats.pearsonr``
and, for Spearman, as R's ``cor.test`` asymptotic approximation).

Examples
--------
>>> x = np.array([[1.0, 2, 3, 4, np.nan], [1, 2, 3, 4, 5]])
>>> y = np.array([[2.0, 4, 6, 8, 1], [5, 3, 4, 1, 2]])
>>> r, n, p = paired_row_correlation(x, y)
>>> r.round(3).tolist(), n.tolist()
([1.0, -0.8], [4, 5])
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import dask
import dask.array as da
import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from omics.errors import OmicsInputError
from omics.stats.blas_threads import one_blas_thread
from omics.stats.correlation_blocks import Prepared, block_correlation, prepare
from omics.stats.correlation_kernel import single_precision_error
from omics.stats.correlation_select import (
    BlockPlan,
    BlockSummary,
    summarise_block,
    summarise_screened,
)
from omics.stats.heap import release_freed_memory
from omics.stats.kept_buffer import shared_kept_buffer
from omics.stats.streaming_fdr import PValueBins, StreamingBH, two_sided_p

__all__ = ["CorrelationResult", "correlate", "paired_row_correlation"]


def _rank_rows(values: np.ndarray) -> np.ndarray:
    return stats.rankdata(values, axis=1, nan_policy="omit")


def paired_row_correlation(
    x: np.ndarray, y: np.ndarray, method: str = "pearson"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Correlate row ``i`` of ``x`` with row ``i`` of ``y`` over pairwise-complete columns.

    Returns
    -------
    r, n, p_value
        NaN ``r`` and ``p`` where fewer than 3 complete pairs or a constant row.
    """
    if method not in ("pearson", "spearman"):
        raise OmicsInputError("method", repr(method), "pearson or spearman")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    complete = np.isfinite(x) & np.isfinite(y)
    x = np.where(complete, x, np.nan)
    y = np.where(complete, y, np.nan)
    if method == "spearman":
        x, y = _rank_rows(x), _rank_rows(y)
    n = complete.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xz, yz = np.where(complete, x, 0.0), np.where(complete, y, 0.0)
        xc = np.where(complete, xz - (xz.sum(axis=1) / n)[:, None], 0.0)
        yc = np.where(complete, yz - (yz.sum(axis=1) / n)[:, None], 0.0)
        r = (xc * yc).sum(axis=1) / np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))
        r = np.clip(r, -1.0, 1.0)
        r[n < 3] = np.nan
    p = two_sided_p(r, n)
    p[~np.isfinite(r)] = np.nan
    return r, n, p


@dataclass
class CorrelationResult:
    """What :func:`correlate` found; every table has ``feature_a, feature_b, r, n, p_value,
    fdr`` (plus ``rank`` for the top-k table); feature names are categoricals (compact for
    millions of pairs)."""

    top: pd.DataFrame  # each feature of x: its top-k partners by |r|
    strong: pd.DataFrame  # every pair tested with |r| >= min_abs_r
    n_tested: int  # pairs with a finite correlation: the m of the BH correction
    fdr_exact_up_to: float  # adjusted values at or below this are exact BH (see streaming_fdr)
    single_precision: bool = False  # complete blocks screened by a float32 product

    def table(self) -> pd.DataFrame:
        """Top-k and strong pairs together, each ordered pair once, by p-value."""
        both = pd.concat([self.top.drop(columns="rank"), self.strong], ignore_index=True)
        both = both.drop_duplicates(["feature_a", "feature_b"])
        return both.sort_values(["p_value", "feature_a", "feature_b"], kind="stable"
                                ).reset_index(drop=True)


def correlate(
    x: xr.DataArray,
    y: xr.DataArray | None = None,
    *,
    method: str = "pearson",
    top_k: int | None = None,
    min_abs_r: float | None = None,
    block_rows: int | None = None,
    fdr_budget: int = 8_000_000,
    single_precision_screen: bool = True,
) -> CorrelationResult:
    """Correlate features within ``x`` (pairs i < j) or of ``x`` against ``y``, blockwise.

    The full feature x feature matrix is never built: blocks of ``x`` rows are correlated
    with all of ``y`` by one GEMM each, as Dask tasks on the active scheduler (threads, or a
    distributed cluster; BLAS runs single-threaded inside each task, the tasks in parallel),
    and each block keeps only what is asked for.

    Parameters
    ----------
    x, y
        ``(feature, sample)`` DataArrays, numpy- or dask-backed; ``y`` is aligned to ``x`` on
        their shared ``sample`` labels. NaN = missing: each pair uses its complete samples
        and reports its own ``n``.
    method
        ``"pearson"`` or ``"spearman"``.
    top_k
        Report each feature of ``x``'s ``top_k`` partners by ``|r|``.
    min_abs_r
        Report every tested pair with ``|r| >= min_abs_r``.
    block_rows
        Rows of ``x`` per task; default: about eight million correlations per task
        (one million when ``y`` has missing values).
    fdr_budget
        How many p-values the BH correction may hold in memory (8 bytes each), beyond
        those of the ``min_abs_r`` pairs (which are reported, hence held, anyway).
    single_precision_screen
        Where both matrices are complete and the screen passes few pairs (null p-value of
        the smallest ``|r|`` anything needs at most 0.1), multiply in float32 (twice as
        fast) and give every pair within the float32 error bound of the screen its float64
        value: the reported pairs, their ``r``, p and the kept values are those of the
        float64 product (to about 1e-15); only the p-value bins of the FDR bound come from
        float32 (widened by the error bound), so ``fdr_exact_up_to`` and the FDR values
        above it (upper bounds) may differ slightly. ``False``: float64 throughout.

    Returns
    -------
    CorrelationResult
        p-values are two-sided, by the t distribution with ``n - 2`` df (as
        ``scipy.stats.pearsonr`` / ``spearmanr``). The FDR is Benjamini-Hochberg over **all**
        ``n_tested`` pairs, computed while streaming: each block keeps every p-value below
        its own cut-off and counts all of them in fine bins; the kept values give exact
        ranks, the bins bound what lies above the cut-off, and together they make every
        adjusted value up to ``fdr_exact_up_to`` exact and every larger one a conservative
        upper bound (proof in :mod:`omics.stats.streaming_fdr`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> values = rng.normal(size=(50, 30)); values[1] = values[0] + rng.normal(0, .1, 30)
    >>> data = xr.DataArray(values, dims=("feature", "sample"),
    ...                     coords={"feature": [f"g{i}" for i in range(50)]})
    >>> found = correlate(data, top_k=1, min_abs_r=0.9)
    >>> found.strong[["feature_a", "feature_b"]].values.tolist(), found.n_tested
    ([['g0', 'g1']], 1225)
    >>> found.top.iloc[0][["feature_a", "feature_b"]].tolist()
    ['g0', 'g1']
    """
    if method not in ("pearson", "spearman"):
        raise OmicsInputError("method", repr(method), "pearson or spearman")
    if top_k is None and min_abs_r is None:
        raise OmicsInputError("correlate", "neither top_k nor min_abs_r",
                              "top_k partners, pairs with |r| >= min_abs_r, or both")
    within = y is None
    x, y = _aligned(x, y)
    y_values = y.data.compute() if isinstance(y.data, da.Array) else y.values
    prepared_y = prepare(np.asarray(y_values, dtype=np.float64), method)
    n_x, n_y = x.sizes["feature"], y.sizes["feature"]
    if min(n_x, n_y) == 0:
        raise OmicsInputError("correlate", f"{n_x} features in x and {n_y} in y",
                              "at least one feature in each")
    n_pairs = n_x * (n_x - 1) // 2 if within else n_x * n_y
    per_task = _BLOCK_VALUES if prepared_y.all_finite else _BLOCK_VALUES_MISSING
    rows = block_rows or _rows_per_block(n_x, int(np.clip(per_task // max(n_y, 1), 8, 4096)))
    starts = list(range(0, n_x, rows))
    with shared_kept_buffer(4 * fdr_budget + min(n_pairs, _STRONG_IN_BUFFER)) as (key, kept):
        plan = BlockPlan(top_k=top_k, min_abs_r=min_abs_r, within=within,
                         budget=max(1, 4 * fdr_budget // len(starts)),
                         p_cutoff=min(1.0, 0.5 * fdr_budget / max(n_pairs, 1)),
                         n_samples=x.sizes["sample"], n_partners=n_y, kept_into=key)
        if single_precision_screen and _screen_in_float32(prepared_y, plan):
            prepared_y = replace(prepared_y, unit32=prepared_y.unit.astype(np.float32))
        bins = PValueBins(plan.n_samples, slack=0.0 if prepared_y.unit32 is None
                          else single_precision_error(plan.n_samples))
        y_handle = _shared(prepared_y)
        tasks = [dask.delayed(_correlate_block, pure=False)(block, start, y_handle, plan,
                                                             method, bins)
                 for block, start in zip(_row_blocks(x.data, rows), starts, strict=True)]
        with one_blas_thread():  # the tasks are the parallelism (in this process, or none)
            parts: tuple[BlockSummary, ...] = dask.compute(*tasks)
    single_precision = prepared_y.unit32 is not None
    # the prepared y (48 MB at 20,000 x 200) is freed first: memory just given back is
    # cheap to take again, memory the host reclaimed is not
    del tasks, y_handle, prepared_y
    reported = _merged_pairs([[part.top for part in parts], [part.strong for part in parts]])
    kept_parts = [part.kept for part in parts]
    for part in parts:
        part.kept = None
    # where the merge sorts the shared buffer in place, the reported pairs are ranked in
    # a second thread meanwhile (both sorts release the GIL); where it makes a new array,
    # afterwards, so that the ranking's arrays do not add to the merge's memory peak
    in_place = kept.merges_in_place(kept_parts)
    with ThreadPoolExecutor(1) as pool:
        ranking = pool.submit(_ranked_by_abs_r, reported) if in_place else None
        bh = StreamingBH.combine(kept_parts, bins, budget=fdr_budget + reported[1]["r"].size,
                                 consume=kept)  # the blocks' kept values
        del kept_parts, kept  # merged into bh: the blocks' copies are freed, and given back
        release_freed_memory()
        abs_r, order = ranking.result() if in_place else _ranked_by_abs_r(reported)
    names_x = np.asarray(x["feature"].values).astype(str)
    names_y = np.asarray(y["feature"].values).astype(str)
    top, strong = _pairs_tables(reported, names_x, names_y, bh, abs_r, order)
    return CorrelationResult(top, strong, bh.n_tested, bh.exact_up_to,
                             single_precision=single_precision)


#: Correlations per task (64 MB of float64): large enough for the GEMM to run at full
#: speed (50-row blocks ran 20-40 % slower), small enough for two tasks per core.
_BLOCK_VALUES = 8_000_000

#: Strong pairs (beyond the FDR budget) whose kept values the shared buffer has room for;
#: blocks past it keep their own arrays, which the merge copies.
_STRONG_IN_BUFFER = 2**25

#: Correlations per task when ``y`` has missing values: each pair's own sums take six
#: block-sized products and their temporaries.
_BLOCK_VALUES_MISSING = 1_000_000


def _rows_per_block(n_rows: int, at_most: int) -> int:
    """Rows per block: at most ``at_most``, in a number of equal blocks that the threads
    share evenly (a multiple of Dask's ``num_workers``, else of the CPU count), so that no
    thread runs the last block alone while the others wait.

    Examples
    --------
    >>> with dask.config.set(num_workers=2):
    ...     _rows_per_block(10_000, 400)  # 26 blocks of 385 rows, not 25 of 400
    385
    """
    threads = dask.config.get("num_workers", None) or os.cpu_count() or 1
    blocks = -(-n_rows // at_most)
    blocks = -(-blocks // threads) * threads
    return max(1, -(-n_rows // blocks))


def _aligned(x: xr.DataArray, y: xr.DataArray | None) -> tuple[xr.DataArray, xr.DataArray]:
    x = x.transpose("feature", "sample")
    if y is None:
        return x, x
    y = y.transpose("feature", "sample")
    if "sample" not in x.coords or "sample" not in y.coords:
        if x.sizes["sample"] != y.sizes["sample"]:
            raise OmicsInputError("correlate", "different numbers of samples and no sample labels",
                                  "x and y with the same samples, or sample labels")
        return x, y
    in_y = set(y["sample"].values.tolist())
    shared = [s for s in x["sample"].values.tolist() if s in in_y]
    if len(shared) < 3:
        raise OmicsInputError("correlate", f"{len(shared)} samples shared by x and y",
                              "at least 3 shared samples")
    return x.sel(sample=shared), y.sel(sample=shared)


def _shared(prepared: Prepared):
    """The prepared ``y`` for every task: scattered once to the workers of a cluster."""
    if "distributed" not in sys.modules:  # no cluster client without it (importing: 0.3 s)
        return prepared
    try:
        from distributed import get_client

        return get_client().scatter(prepared, broadcast=True)
    except (ImportError, ValueError):
        return prepared


def _row_blocks(values, rows: int) -> list:
    if isinstance(values, da.Array):
        return list(values.rechunk({0: rows, 1: -1}).to_delayed().ravel())
    values = np.asarray(values)
    return [values[start:start + rows] for start in range(0, values.shape[0], rows)]


def _screen_in_float32(y: Prepared, plan: BlockPlan) -> bool:
    """Whether a float32 product is worth it: complete data, an error bound well inside a
    p-value bin, and a screen that passes few pairs (each passing pair costs a float64 dot
    product)."""
    error = single_precision_error(plan.n_samples)
    return (y.all_finite and error < 0.25 / PValueBins.n_bins
            and float(two_sided_p(plan.screen() - error, plan.n_samples)) <= 0.1)


def _correlate_block(block: np.ndarray, start: int, y: Prepared, plan: BlockPlan,
                     method: str, bins: PValueBins) -> BlockSummary:
    """Correlate one block of ``x`` rows with ``y`` and reduce it."""
    prepared = prepare(np.asarray(block, dtype=np.float64), method)
    rows = np.arange(start, start + block.shape[0])
    if y.unit32 is not None and prepared.all_finite:
        r32 = prepared.unit.astype(np.float32) @ y.unit32.T  # two arrays: sgemm, never syrk
        return summarise_screened(r32, prepared.unit, y.unit, rows, plan, bins)
    r, n = block_correlation(prepared, 0, block.shape[0], y, method)
    return summarise_block(r, n, rows, plan, bins,
                           may_have_nan=not (prepared.all_finite and y.all_finite))


def _merged_pairs(kinds: list[list[dict]]) -> list[dict[str, np.ndarray]]:
    """The blocks' pairs of each kind in one set of columns (each block's arrays are
    freed once concatenated)."""
    return [{key: np.concatenate([part.pop(key) for part in parts]) for key in list(parts[0])}
            for parts in kinds]


def _ranked_by_abs_r(merged: list[dict[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """``|r|`` of the pairs of every kind in a row, and their positions from the largest
    to the smallest."""
    abs_r = np.abs(np.concatenate([pairs["r"] for pairs in merged]))
    return abs_r, np.argsort(abs_r)[::-1]


def _pairs_tables(merged: list[dict[str, np.ndarray]], names_x, names_y, bh: StreamingBH,
                  abs_r: np.ndarray, order: np.ndarray) -> list[pd.DataFrame]:
    """One table per kind of pairs; the FDR of all of them in one pass (``abs_r``: the
    pairs' ``|r|``, all kinds in a row; ``order``: their positions by descending ``|r|``)."""
    fdr = bh.adjust(np.concatenate([pairs["p"] for pairs in merged]), abs_r, order=order)
    bounds = np.cumsum([0] + [pairs["p"].size for pairs in merged])
    tables = []
    for pairs, start, stop in zip(merged, bounds[:-1], bounds[1:], strict=True):
        table = pd.DataFrame({  # copy=False: the columns are not copied into blocks
            "feature_a": pd.Categorical.from_codes(pairs["a"], categories=names_x),
            "feature_b": pd.Categorical.from_codes(pairs["b"], categories=names_y),
            "r": pairs["r"], "n": pairs["n"], "p_value": pairs["p"], "fdr": fdr[start:stop],
        }, copy=False)
        if "rank" in pairs:
            table["rank"] = pairs["rank"]
        tables.append(table)
    return tables
