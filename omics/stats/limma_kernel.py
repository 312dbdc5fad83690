"""One pass over each row: limma's least-squares fit of the rows without missing values
(:func:`fit_complete_rows`) and of the rows with some (:func:`fit_observed_rows`).

For a row observed in every sample, the fit on a full-rank design ``X`` needs only fixed
matrices of the design: the coefficients are ``S @ y`` with ``S = R^-1 Q'`` (``X = QR``),
the unscaled SDs are the same for every such row, and the residual sum of squares is
``|y - X beta|^2``. NumPy needs four passes over the block for that (the finite check, the
mean, the product, the residuals) and a block-sized temporary; this numba kernel makes one
pass per row while the row is in cache, without the global interpreter lock, so that
Dask's threads fit chunks in parallel. Rows with a missing (or infinite) value are flagged
for the per-pattern fit of :func:`omics.stats.limma.lm_fit_block`, or for
:func:`fit_observed_rows` when there are many patterns: each row's normal equations over its
observed samples, solved through their Cholesky factor and refined once with the residuals,
again one row at a time without block-sized temporaries.

Examples
--------
>>> x = np.column_stack([np.ones(4), [0.0, 0, 1, 1]])
>>> y = np.array([[1.0, 3, 4, 6], [1.0, np.nan, 2, 2]])
>>> beta, stdev, rss, mean, complete = fit_complete_rows(y, x)
>>> beta[0].round(12).tolist(), float(rss[0]), float(mean[0]), complete.tolist()
([2.0, 3.0], 4.0, 3.5, [True, False])
>>> stdev.round(4).tolist()
[0.7071, 1.0]
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["fit_complete_rows", "fit_observed_rows"]


@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _kernel(y, design_t, solve, beta, rss, mean, complete):  # pragma: no cover
    n_rows, n_samples = y.shape
    n_coef = solve.shape[0]
    fitted = np.empty(n_samples)
    for i in range(n_rows):
        row = y[i]
        total = 0.0
        for k in range(n_samples):
            total += row[k]
        if not np.isfinite(total):  # a NaN or infinite value (or an overflow): not here
            complete[i] = False
            continue
        complete[i] = True
        mean[i] = total / n_samples
        for k in range(n_samples):
            fitted[k] = 0.0
        for j in range(n_coef):
            weights = solve[j]
            estimate = 0.0
            for k in range(n_samples):
                estimate += weights[k] * row[k]
            beta[i, j] = estimate
            column = design_t[j]
            for k in range(n_samples):
                fitted[k] += column[k] * estimate
        squares = 0.0
        for k in range(n_samples):
            residual = row[k] - fitted[k]
            squares += residual * residual
        rss[i] = squares


def fit_complete_rows(y: np.ndarray, design: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit every complete row of ``y`` (features x samples) on the full-rank ``design``.

    Parameters
    ----------
    y
        Features x samples values.
    design
        Samples x coefficients, full column rank.

    Returns
    -------
    beta, stdev_unscaled, rss, mean, complete
        Coefficients (features x coefficients), the unscaled SDs of the coefficients (the
        same for every complete row), and the residual sums of squares and means of the
        complete rows; ``complete`` marks them (the other rows' values are undefined).
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    design = np.asarray(design, dtype=np.float64)
    q, r = np.linalg.qr(design)
    r_inverse = np.linalg.solve(r, np.eye(r.shape[0]))
    solve = np.ascontiguousarray(r_inverse @ q.T)
    n_rows = y.shape[0]
    beta = np.empty((n_rows, design.shape[1]))
    rss, mean = np.empty(n_rows), np.empty(n_rows)
    complete = np.empty(n_rows, dtype=bool)
    _kernel(y, np.ascontiguousarray(design.T), solve, beta, rss, mean, complete)
    return beta, np.sqrt((r_inverse**2).sum(axis=1)), rss, mean, complete


@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _dot(u, v):  # pragma: no cover
    """``u . v`` of two vectors of the same length."""
    total = 0.0
    for k in range(u.size):
        total += u[k] * v[k]
    return total


@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _observed_kernel(y, rows, design_t, min_pivot, usable, beta, stdev, sigma, df
                     ):  # pragma: no cover
    p, n_samples = design_t.shape
    cross = np.empty((p, p))
    lower = np.empty((p, p))
    inverse = np.empty((p, p))
    rhs = np.empty(p)
    step = np.empty(p)
    values = np.empty(n_samples)  # the row, 0 where missing
    weight = np.empty(n_samples)  # 1 where observed, 0 where missing
    residual = np.empty(n_samples)
    for i in range(rows.size):
        row = y[rows[i]]
        count = 0
        for k in range(n_samples):
            if np.isfinite(row[k]):
                values[k], weight[k] = row[k], 1.0
                count += 1
            else:
                values[k], weight[k] = 0.0, 0.0
        usable[i] = False
        if count <= p:
            continue
        for a in range(p):  # X' W X (lower triangle) and X' W y, branch-free over samples
            column = design_t[a]
            rhs[a] = _dot(column, values)
            for b in range(a + 1):
                other = design_t[b]
                total = 0.0
                for k in range(n_samples):
                    total += column[k] * other[k] * weight[k]
                cross[a, b] = total
        ok = True
        for a in range(p):  # Cholesky factor; every pivot against its column's norm
            for b in range(a + 1):
                total = cross[a, b]
                for c in range(b):
                    total -= lower[a, c] * lower[b, c]
                if a == b:
                    if not total > 0.0:
                        ok = False
                        break
                    lower[a, a] = np.sqrt(total)
                    if lower[a, a] < min_pivot * np.sqrt(cross[a, a]):
                        ok = False
                        break
                else:
                    lower[a, b] = total / lower[b, b]
            if not ok:
                break
        if not ok:
            continue
        for col in range(p):  # inverse = L^-T L^-1, column by column
            for a in range(p):  # forward: L z = e_col
                total = 1.0 if a == col else 0.0
                for c in range(a):
                    total -= lower[a, c] * step[c]
                step[a] = total / lower[a, a]
            for a in range(p - 1, -1, -1):  # backward: L' x = z
                total = step[a]
                for c in range(a + 1, p):
                    total -= lower[c, a] * inverse[c, col]
                inverse[a, col] = total / lower[a, a]
        for a in range(p):
            beta[i, a] = _dot(inverse[a], rhs)
        squares = 0.0
        for refine in range(2):  # one refinement step, then the final residuals
            residual[:] = values
            for a in range(p):
                column, estimate = design_t[a], beta[i, a]
                for k in range(n_samples):
                    residual[k] -= column[k] * estimate
            squares = 0.0
            for k in range(n_samples):
                residual[k] *= weight[k]
                squares += residual[k] * residual[k]
            if refine == 1:
                break
            for a in range(p):
                step[a] = _dot(design_t[a], residual)
            for a in range(p):
                beta[i, a] += _dot(inverse[a], step)
        usable[i] = True
        df[i] = count - p
        sigma[i] = np.sqrt(squares / (count - p))
        for a in range(p):
            stdev[i, a] = np.sqrt(inverse[a, a])


def fit_observed_rows(y: np.ndarray, rows: np.ndarray, design: np.ndarray, min_pivot: float
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit each of the ``rows`` of ``y`` on the rows of ``design`` where it is observed
    (finite).

    Each row's normal equations ``X_o' X_o b = X_o' y_o`` are solved through their
    Cholesky factor and refined once with the residuals, so the coefficients agree with a
    QR fit to ~1e-13. A row is fitted (``usable``) when it has more observed values than
    coefficients and every Cholesky pivot is at least ``min_pivot`` times its column's
    norm; the others (near rank deficiency) are left to a pivoting QR fit.

    Parameters
    ----------
    y
        Features x samples values, NaN = missing.
    rows
        The rows of ``y`` to fit.
    design
        Samples x coefficients.
    min_pivot
        Smallest accepted Cholesky pivot, relative to its column's norm.

    Returns
    -------
    usable, beta, stdev_unscaled, sigma, df_residual
        One entry per row of ``rows``: whether it was fitted, and its coefficients, unscaled
        SDs, residual SD and residual df (undefined where it was not).

    Examples
    --------
    >>> x = np.column_stack([np.ones(4), [0.0, 0, 1, 1]])
    >>> y = np.array([[1.0, np.nan, 4, 6], [1.0, np.nan, np.nan, 2]])
    >>> usable, beta, stdev, sigma, df = fit_observed_rows(y, np.array([0, 1]), x, 1e-3)
    >>> usable.tolist(), beta[0].round(12).tolist(), float(df[0])
    ([True, False], [1.0, 4.0], 1.0)
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    design = np.ascontiguousarray(design, dtype=np.float64)
    n_rows, n_coef = rows.size, design.shape[1]
    usable = np.empty(n_rows, dtype=bool)
    beta, stdev = np.empty((n_rows, n_coef)), np.empty((n_rows, n_coef))
    sigma, df = np.empty(n_rows), np.empty(n_rows)
    _observed_kernel(y, rows, np.ascontiguousarray(design.T), min_pivot, usable, beta,
                     stdev, sigma, df)
    return usable, beta, stdev, sigma, df
