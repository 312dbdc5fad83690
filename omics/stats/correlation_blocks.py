"""Correlation of a block of features against a whole matrix: the kernel of ``correlate``.

Rows without missing values are centred (ranked first for Spearman) and scaled to unit norm
once, so their correlations are one general matrix product (GEMM) per block. Pairs involving
a row with missing values use each pair's complete samples: for Pearson, six GEMMs of the
masked data give every pair's sums at once; for Spearman, the complete samples are re-ranked
pair by pair (vectorised over the partners), as ``scipy.stats.spearmanr(nan_policy="omit")``
and R's ``cor(use="pairwise")`` do.

``x @ x.T`` on one float64 array dispatches to BLAS ``syrk``, which crashes OpenBLAS on this
kind of machine (20,000 x 200, two threads); every product here multiplies two distinct
arrays, so it is always ``gemm``.

Examples
--------
>>> x = np.array([[1.0, 2, 3, 4], [4, 3, 2, np.nan]])
>>> prepared = prepare(x, "pearson")
>>> r, n = block_correlation(prepared, 0, 2, prepared, "pearson")
>>> r.round(6).tolist(), n.tolist()
([[1.0, -1.0], [-1.0, 1.0]], [[4, 3], [3, 3]])
>>> block_correlation(prepared, 0, 1, prepare(x[:1], "pearson"), "pearson")[1]  # complete
4
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Prepared", "block_correlation", "prepare"]


@dataclass
class Prepared:
    """One matrix made ready for blockwise correlation."""

    values: np.ndarray  # features x samples, NaN = missing (ranks for Spearman rows)
    unit: np.ndarray  # complete rows centred, unit norm (NaN if constant); 0 for other rows
    complete: np.ndarray  # bool per row: no missing value
    all_finite: bool  # no missing value and no constant row: every correlation is finite
    unit32: np.ndarray | None = None  # ``unit`` in float32, for a single-precision screen

    @property
    def n_samples(self) -> int:
        return self.values.shape[1]


def prepare(values: np.ndarray, method: str) -> Prepared:
    """Centre and scale the complete rows (after ranking them for Spearman)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    complete = np.isfinite(values).all(axis=1)
    unit = np.zeros_like(values)
    rows = values[complete]
    if method == "spearman":
        rows = stats.rankdata(rows, axis=1)
    centred = rows - rows.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit[complete] = centred / np.linalg.norm(centred, axis=1, keepdims=True)
    return Prepared(values, unit, complete,
                    bool(complete.all() and np.isfinite(unit[complete]).all()))


def block_correlation(
    x: Prepared, start: int, stop: int, y: Prepared, method: str
) -> tuple[np.ndarray, np.ndarray | int]:
    """Correlations (and pair sizes ``n``) of rows ``start:stop`` of ``x`` with all of ``y``.

    ``n`` is one number when every pair is complete, else an array like ``r``. NaN where a
    pair has fewer than 3 complete samples or a constant row.
    """
    xs = slice(start, stop)
    # np.array(..., copy) guarantees two distinct operands, hence gemm and never syrk
    r = np.array(x.unit[xs], copy=True) @ y.unit.T
    incomplete_x, incomplete_y = ~x.complete[xs], ~y.complete
    if not (incomplete_x.any() or incomplete_y.any()):
        np.clip(r, -1.0, 1.0, out=r)
        return r, x.n_samples
    n = np.full(r.shape, x.n_samples, dtype=np.int64)
    if method == "pearson":
        _pairwise_pearson(x.values[xs], y.values, incomplete_x, incomplete_y, r, n)
    else:
        _pairwise_spearman(x.values[xs], y.values, incomplete_x, incomplete_y, r, n)
    r[n < 3] = np.nan
    np.clip(r, -1.0, 1.0, out=r)
    return r, n


def _pairwise_pearson(xv, yv, incomplete_x, incomplete_y, r, n) -> None:
    """Fill pairs with a missing value by pairwise-complete sums from masked GEMMs."""
    rows = np.flatnonzero(incomplete_x)
    cols = np.flatnonzero(incomplete_y)
    if rows.size:
        r[rows], n[rows] = _masked_pearson(xv[rows], yv)
    if cols.size:
        keep = np.flatnonzero(~incomplete_x)
        sub_r, sub_n = _masked_pearson(xv[keep], yv[cols])
        r[np.ix_(keep, cols)], n[np.ix_(keep, cols)] = sub_r, sub_n


def _masked_pearson(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ma, mb = np.isfinite(a), np.isfinite(b)
    a0 = np.where(ma, a - _row_means(a)[:, None], 0.0)
    b0 = np.where(mb, b - _row_means(b)[:, None], 0.0)
    fa, fb = ma.astype(np.float64), mb.astype(np.float64)
    n = fa @ fb.T
    sum_a, sum_b = a0 @ fb.T, fa @ b0.T
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = a0 @ b0.T - sum_a * sum_b / n
        var_a = (a0 * a0) @ fb.T - sum_a**2 / n
        var_b = fa @ (b0 * b0).T - sum_b**2 / n
        r = cov / np.sqrt(var_a * var_b)
    return r, np.rint(n).astype(np.int64)


def _row_means(values: np.ndarray) -> np.ndarray:
    observed = np.isfinite(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(observed, values, 0.0).sum(axis=1) / observed.sum(axis=1)


def _pairwise_spearman(xv, yv, incomplete_x, incomplete_y, r, n) -> None:
    """Fill pairs with a missing value by re-ranking each pair's complete samples."""
    for i in np.flatnonzero(incomplete_x):
        r[i], n[i] = _spearman_one_against_many(xv[i], yv)
    for j in np.flatnonzero(incomplete_y):
        rows = np.flatnonzero(~incomplete_x)
        r[rows, j], n[rows, j] = _spearman_one_against_many(yv[j], xv[rows])


def _spearman_one_against_many(row: np.ndarray, many: np.ndarray):
    """Spearman of ``row`` with every row of ``many`` over each pair's complete samples."""
    complete = np.isfinite(row)[None, :] & np.isfinite(many)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # pairs without complete samples
        return _spearman_of_complete(row, many, complete)


def _spearman_of_complete(row, many, complete):
    ranks_row = stats.rankdata(np.where(complete, row[None, :], np.nan), axis=1,
                               nan_policy="omit")
    ranks_many = stats.rankdata(np.where(complete, many, np.nan), axis=1, nan_policy="omit")
    counts = complete.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(complete, ranks_row - np.nanmean(ranks_row, axis=1, keepdims=True), 0.0)
        b = np.where(complete, ranks_many - np.nanmean(ranks_many, axis=1, keepdims=True), 0.0)
        r = (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    return r, counts
