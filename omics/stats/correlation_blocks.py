"""Correlation of a block of features against a whole matrix: the kernel of ``correlate``.

Rows without missing values are centred (ranked first for Spearman) and scaled to unit norm
once, so their correlations are one general matrix product (GEMM) per block. Pairs involving
a row with missing values use each pair's complete samples: for Pearson, six GEMMs of the
masked data give every pair's sums at once (the pair counts in float32, exact for fewer than
2^24 samples, at half the cost; the other matrix's masked arrays made once per call, not per
block) and one compiled pass turns them into ``r``; for Spearman, the complete samples are re-ranked
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
from functools import cached_property

import numba
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

    @cached_property
    def masked(self) -> MaskedRows:
        """Every row made ready for pairwise-complete sums (made once, on first use)."""
        return MaskedRows.of(self.values)


@dataclass(frozen=True)
class MaskedRows:
    """Rows made ready for pairwise-complete Pearson sums by matrix products."""

    centred: np.ndarray  # each row minus the mean of its observed values; 0 where missing
    squared: np.ndarray  # ``centred ** 2``
    observed: np.ndarray  # 1.0 where observed, 0.0 where missing
    observed32: np.ndarray  # the same in float32: exact pair counts by sgemm

    @classmethod
    def of(cls, values: np.ndarray) -> MaskedRows:
        """The masked arrays of ``values`` (features x samples, NaN = missing)."""
        observed = np.isfinite(values)
        centred = np.where(observed, values - _row_means(values)[:, None], 0.0)
        return cls(centred, centred * centred, observed.astype(np.float64),
                   observed.astype(np.float32))

    def rows(self, index: np.ndarray) -> MaskedRows:
        """The same arrays for some rows."""
        return MaskedRows(self.centred[index], self.squared[index], self.observed[index],
                          self.observed32[index])


def prepare(values: np.ndarray, method: str) -> Prepared:
    """Centre and scale the complete rows (after ranking them for Spearman)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    complete = np.isfinite(values).all(axis=1)
    every = bool(complete.all())  # then no copies of the complete rows (tens of MB)
    rows = values if every else values[complete]
    if method == "spearman":
        rows = stats.rankdata(rows, axis=1)
    if every:
        unit = rows - rows.mean(axis=1, keepdims=True)
    else:
        unit = np.zeros_like(values)
        unit[complete] = rows - rows.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(unit, axis=1, keepdims=True)
    norms[~complete] = 1.0  # rows with missing values stay 0
    with np.errstate(invalid="ignore", divide="ignore"):
        unit /= norms
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
    incomplete_x, incomplete_y = ~x.complete[xs], ~y.complete
    if not (incomplete_x.any() or incomplete_y.any()):
        # np.array(..., copy) guarantees two distinct operands, hence gemm and never syrk
        r = np.array(x.unit[xs], copy=True) @ y.unit.T
        np.clip(r, -1.0, 1.0, out=r)
        return r, x.n_samples
    r = np.empty((stop - start, y.values.shape[0]))
    complete_rows = np.flatnonzero(~incomplete_x)
    if complete_rows.size:  # a copy by fancy indexing: again two distinct operands
        r[complete_rows] = x.unit[xs][complete_rows] @ y.unit.T
    n = np.full(r.shape, x.n_samples, dtype=np.int64)
    if method == "pearson":
        _pairwise_pearson(x.masked.rows(xs), y.masked, incomplete_x, incomplete_y, r, n)
    else:
        _pairwise_spearman(x.values[xs], y.values, incomplete_x, incomplete_y, r, n)
    r[n < 3] = np.nan
    np.clip(r, -1.0, 1.0, out=r)
    return r, n


def _pairwise_pearson(xm: MaskedRows, ym: MaskedRows, incomplete_x, incomplete_y, r, n
                      ) -> None:
    """Fill pairs with a missing value by pairwise-complete sums from masked GEMMs."""
    rows = np.flatnonzero(incomplete_x)
    cols = np.flatnonzero(incomplete_y)
    if rows.size:
        r[rows], n[rows] = _masked_pearson(xm.rows(rows), ym)
    if cols.size:
        keep = np.flatnonzero(~incomplete_x)
        sub_r, sub_n = _masked_pearson(xm.rows(keep), ym.rows(cols))
        r[np.ix_(keep, cols)], n[np.ix_(keep, cols)] = sub_r, sub_n


def _masked_pearson(a: MaskedRows, b: MaskedRows) -> tuple[np.ndarray, np.ndarray]:
    n = a.observed32 @ b.observed32.T
    r = np.empty(n.shape)
    _pearson_from_sums(n, a.centred @ b.observed.T, a.observed @ b.centred.T,
                       a.centred @ b.centred.T, a.squared @ b.observed.T,
                       a.observed @ b.squared.T, r)
    return r, np.rint(n).astype(np.int64)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _pearson_from_sums(n, sum_a, sum_b, cross, square_a, square_b, r):  # pragma: no cover
    """``r`` of every pair from its complete samples' count and sums (of values centred on
    each row's observed mean), in one pass: ``cov / sqrt(var_a var_b)`` with
    ``cov = cross - sum_a sum_b / n``, ``var_a = square_a - sum_a^2 / n`` (NaN or inf where
    a pair has no variance, as numpy gives)."""
    for i in range(r.shape[0]):
        for j in range(r.shape[1]):
            count = np.float64(n[i, j])
            a, b = sum_a[i, j], sum_b[i, j]
            cov = cross[i, j] - a * b / count
            var_a = square_a[i, j] - a * a / count
            var_b = square_b[i, j] - b * b / count
            r[i, j] = cov / np.sqrt(var_a * var_b)


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
