"""One pass over each complete row: limma's least-squares fit of the rows without missing
values.

For a row observed in every sample, the fit on a full-rank design ``X`` needs only fixed
matrices of the design: the coefficients are ``S @ y`` with ``S = R^-1 Q'`` (``X = QR``),
the unscaled SDs are the same for every such row, and the residual sum of squares is
``|y - X beta|^2``. NumPy needs four passes over the block for that (the finite check, the
mean, the product, the residuals) and a block-sized temporary; this numba kernel makes one
pass per row while the row is in cache, without the global interpreter lock, so that
Dask's threads fit chunks in parallel. Rows with a missing (or infinite) value are flagged
for the per-pattern fit of :func:`omics.stats.limma.lm_fit_block`.

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

__all__ = ["fit_complete_rows"]


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
