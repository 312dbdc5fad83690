"""limma's linear models and contrasts, in NumPy.

A faithful port of limma 3.54 ``lmFit`` (``lm.series``) and ``contrasts.fit``, tested against
R limma; the empirical Bayes step is in :mod:`omics.stats.ebayes`.
Missing values are handled as limma does: each feature is fitted on its observed samples,
with its own residual df; coefficients that its observed samples cannot estimate are NaN.

The fit is split in two so that it can run feature-chunk by feature-chunk on Dask:
:func:`lm_fit_block` needs one block of features; ``ebayes`` needs only the per-feature
residual variances and df of *all* features (a few numbers per feature).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> design = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
>>> y = rng.normal(size=(50, 6)); y[0, 3:] += 6
>>> fit = lm_fit_block(y, design)
>>> t = fit.coefficients[:, 1] / fit.stdev_unscaled[:, 1] / fit.sigma
>>> bool(t[0] > 5)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omics.stats.limma_kernel import fit_complete_rows, fit_observed_rows

__all__ = [
    "LinearFit",
    "contrasts_fit",
    "estimable_columns",
    "lm_fit_block",
    "missingness_patterns",
]

_QR_TOLERANCE = 1e-7


@dataclass
class LinearFit:
    """Per-feature least-squares fit (limma's ``MArrayLM`` before ``eBayes``)."""

    coefficients: np.ndarray  # features x coefficients (NaN = not estimable)
    stdev_unscaled: np.ndarray  # features x coefficients
    sigma: np.ndarray  # residual SD, NaN where df_residual == 0
    df_residual: np.ndarray
    amean: np.ndarray  # mean of the observed values

    def pack(self) -> np.ndarray:
        """All fields as one float array (features x (2p + 3)), for chunked computation."""
        return np.column_stack(
            [self.coefficients, self.stdev_unscaled, self.sigma, self.df_residual, self.amean]
        )

    @classmethod
    def unpack(cls, packed: np.ndarray) -> LinearFit:
        """Inverse of :meth:`pack`."""
        p = (packed.shape[1] - 3) // 2
        return cls(packed[:, :p], packed[:, p:2 * p], packed[:, 2 * p],
                   packed[:, 2 * p + 1], packed[:, 2 * p + 2])


def estimable_columns(design: np.ndarray, tol: float = _QR_TOLERANCE) -> np.ndarray:
    """Columns kept by R's pivoting QR (``dqrdc2``): aliased columns are dropped in order.

    Examples
    --------
    >>> estimable_columns(np.array([[1.0, 0, 0], [1, 1, 0], [1, 0, 1]])).tolist()
    [True, True, True]
    >>> estimable_columns(np.array([[1.0, 1, 2], [1, 0, 0]])).tolist()
    [True, True, False]
    """
    norms = np.linalg.norm(design, axis=0)
    if design.shape[0] >= design.shape[1] and (norms > 0).all():
        # one QR: column j's residual on the columns before it is |R[j, j]|; when every
        # column passes, no column was dropped before it, which is the sequential rule below
        r = np.linalg.qr(design, mode="r")
        if (np.abs(np.diag(r)) >= tol * norms).all():
            return np.ones(design.shape[1], dtype=bool)
    kept: list[int] = []
    mask = np.zeros(design.shape[1], dtype=bool)
    for j in range(design.shape[1]):
        column = design[:, j]
        norm = np.linalg.norm(column)
        if norm == 0:
            continue
        if kept:
            basis, _ = np.linalg.qr(design[:, kept])
            residual = column - basis @ (basis.T @ column)
        else:
            residual = column
        if np.linalg.norm(residual) >= tol * norm:
            kept.append(j)
            mask[j] = True
    return mask


def lm_fit_block(y: np.ndarray, design: np.ndarray, weights: np.ndarray | None = None
                 ) -> LinearFit:
    """Fit ``y[i] ~ design`` for every feature (row) of ``y``, as limma's ``lm.series``.

    Without weights, on a full-rank design, the rows observed in every sample are fitted in
    one pass each (:func:`omics.stats.limma_kernel.fit_complete_rows`); the other rows are
    grouped by their pattern of observed samples and each group is solved with one QR
    decomposition, or, when they fall into more than 64 patterns, fitted row by row on
    their observed samples in one compiled pass
    (:func:`omics.stats.limma_kernel.fit_observed_rows`; rows near rank deficiency still
    get the QR of their pattern). With ``weights`` (features x samples precision weights, e.g. from
    voom) every feature is a weighted least-squares fit (R's ``lm.wfit``); non-positive or
    missing weights count as missing values, as in limma.
    """
    y = np.asarray(y, dtype=np.float64)
    if weights is not None or not estimable_columns(design).all():
        return _fit_by_pattern(y, design, weights)
    beta, stdev_unscaled, rss, mean, complete = fit_complete_rows(y, design)
    df = design.shape[0] - design.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(rss / df) if df > 0 else np.full(y.shape[0], np.nan)
    fit = LinearFit(beta, np.broadcast_to(stdev_unscaled, beta.shape).copy(), sigma,
                    np.full(y.shape[0], float(df)), mean)
    if not complete.all():
        rest = np.flatnonzero(~complete)
        other = _fit_by_pattern(y[rest], design, None)
        for name in ("coefficients", "stdev_unscaled", "sigma", "df_residual", "amean"):
            getattr(fit, name)[rest] = getattr(other, name)
    return fit


def _fit_by_pattern(y: np.ndarray, design: np.ndarray, weights: np.ndarray | None
                    ) -> LinearFit:
    """:func:`lm_fit_block` by missingness pattern: one QR per group of rows observed in
    the same samples (rows with many distinct patterns fitted together when unweighted)."""
    n_features, n_coef = y.shape[0], design.shape[1]
    coefficients = np.full((n_features, n_coef), np.nan)
    stdev = np.full((n_features, n_coef), np.nan)
    sigma = np.full(n_features, np.nan)
    df_residual = np.zeros(n_features)
    observed = np.isfinite(y)
    if observed.all():
        amean = y.mean(axis=1)
    else:
        counts = observed.sum(axis=1)
        totals = np.where(observed, y, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            amean = np.where(counts > 0, totals / counts, np.nan)
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            observed = observed & np.isfinite(weights) & (weights > 0)
    left = np.arange(n_features)  # rows for the per-pattern fit
    if weights is None:
        incomplete = np.flatnonzero(~observed.all(axis=1))
        if _pattern_count(observed[incomplete]) > _BATCHED_FROM_PATTERNS:
            done = _fit_incomplete_rows(y, design, incomplete, coefficients, stdev, sigma,
                                        df_residual)
            left = np.flatnonzero(~done)
    for pattern, rows in missingness_patterns(observed[left]):
        rows = left[rows]
        if not pattern.any():
            continue
        x = design[pattern]
        keep = estimable_columns(x)
        xk = x[:, keep]
        everything = rows.size == n_features and pattern.all()
        yk = y if everything else y[np.ix_(rows, np.flatnonzero(pattern))]
        if weights is None:
            beta, stdev_kept, rss = _least_squares(yk, xk)
        else:
            beta, stdev_kept, rss = _weighted_least_squares(
                yk, xk, weights[np.ix_(rows, np.flatnonzero(pattern))])
        coefficients[np.ix_(rows, np.flatnonzero(keep))] = beta
        stdev[np.ix_(rows, np.flatnonzero(keep))] = stdev_kept
        df = pattern.sum() - keep.sum()
        df_residual[rows] = df
        if df > 0:
            sigma[rows] = np.sqrt(rss / df)
    return LinearFit(coefficients, stdev, sigma, df_residual, amean)


#: Above this many missingness patterns, rows with missing values are fitted together
#: (:func:`_fit_incomplete_rows`) instead of one least-squares problem per pattern.
_BATCHED_FROM_PATTERNS = 64

#: Smallest Cholesky pivot (relative to its column's norm) of a row's observed design for
#: the batched fit; rows nearer to rank deficiency get the pivoting QR of their pattern.
_BATCHED_MIN_PIVOT = 1e-3


def _fit_incomplete_rows(y: np.ndarray, design: np.ndarray, incomplete: np.ndarray,
                         coefficients: np.ndarray, stdev: np.ndarray, sigma: np.ndarray,
                         df_residual: np.ndarray) -> np.ndarray:
    """Fit the ``incomplete`` rows (rows with missing values) whose observed design is well
    conditioned, one compiled pass over them
    (:func:`omics.stats.limma_kernel.fit_observed_rows`). Fills the outputs for those rows
    and returns which rows it fitted (the rest, near rank deficiency or complete, are left
    to the per-pattern fit)."""
    usable, beta, stdev_rows, sigma_rows, df = fit_observed_rows(y, incomplete, design,
                                                                 _BATCHED_MIN_PIVOT)
    rows = incomplete[usable]
    coefficients[rows], stdev[rows] = beta[usable], stdev_rows[usable]
    sigma[rows], df_residual[rows] = sigma_rows[usable], df[usable]
    done = np.zeros(y.shape[0], dtype=bool)
    done[rows] = True
    return done


def _least_squares(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients, unscaled SDs and residual sums of squares of every row of ``y`` on the
    full-rank ``x`` (one QR for all rows)."""
    q, r = np.linalg.qr(x)
    beta = np.linalg.solve(r, q.T @ y.T).T
    r_inv = np.linalg.solve(r, np.eye(r.shape[0]))
    return beta, np.sqrt((r_inv**2).sum(axis=1)), _residual_sum_of_squares(y, beta, x)


def _weighted_least_squares(y: np.ndarray, x: np.ndarray, weights: np.ndarray,
                            rows_per_pass: int = 4096
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As :func:`_least_squares` with per-row weights: one QR of ``sqrt(w) * x`` per row,
    batched a few thousand rows at a time."""
    n_rows, n_coef = y.shape[0], x.shape[1]
    beta = np.empty((n_rows, n_coef))
    stdev = np.empty((n_rows, n_coef))
    rss = np.empty(n_rows)
    for start in range(0, n_rows, rows_per_pass):
        part = slice(start, start + rows_per_pass)
        root = np.sqrt(weights[part])
        xw = root[:, :, None] * x[None, :, :]
        yw = root * y[part]
        q, r = np.linalg.qr(xw)
        beta[part] = np.linalg.solve(r, np.einsum("rmp,rm->rp", q, yw)[:, :, None])[:, :, 0]
        stdev[part] = np.sqrt((np.linalg.inv(r) ** 2).sum(axis=2))
        residuals = yw - np.einsum("rmp,rp->rm", xw, beta[part])
        rss[part] = np.einsum("rm,rm->r", residuals, residuals)
    return beta, stdev, rss


def _residual_sum_of_squares(y: np.ndarray, beta: np.ndarray, x: np.ndarray,
                             rows_per_pass: int = 2048) -> np.ndarray:
    """Per-row ``sum((y - beta @ x.T)**2)``, a few thousand rows at a time (in cache)."""
    out = np.empty(y.shape[0])
    for start in range(0, y.shape[0], rows_per_pass):
        part = slice(start, start + rows_per_pass)
        residuals = beta[part] @ x.T
        np.subtract(y[part], residuals, out=residuals)
        out[part] = np.einsum("ij,ij->i", residuals, residuals)
    return out


def missingness_patterns(observed: np.ndarray):
    """Yield ``(pattern, rows)``: each distinct row of the boolean ``observed`` matrix and the
    rows that have it (rows packed to bytes first, so grouping is one sort of short keys).

    Examples
    --------
    >>> observed = np.array([[True, False], [True, True], [True, False]])
    >>> [(p.tolist(), r.tolist()) for p, r in missingness_patterns(observed)]
    [([True, False], [0, 2]), ([True, True], [1])]
    """
    n_rows, n_columns = observed.shape
    if n_rows == 0:
        return
    if observed.all():
        yield np.ones(n_columns, dtype=bool), np.arange(n_rows)
        return
    unique, first, inverse = np.unique(_pattern_keys(observed), return_index=True,
                                       return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=unique.size))[:-1]
    for index, rows in zip(first, np.split(order, bounds), strict=True):
        yield observed[index], rows


def _pattern_keys(observed: np.ndarray) -> np.ndarray:
    """One short byte-string key per row of the boolean ``observed`` matrix (its bits)."""
    packed = np.ascontiguousarray(np.packbits(observed, axis=1))
    return packed.view(np.dtype((np.void, packed.shape[1]))).ravel()


def _pattern_count(observed: np.ndarray) -> int:
    """The number of distinct rows of the boolean ``observed`` matrix."""
    return np.unique(_pattern_keys(observed)).size if observed.size else 0


def contrasts_fit(
    fit: LinearFit, contrasts: np.ndarray, cov_coefficients: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """limma's ``contrasts.fit``: contrast estimates and their unscaled SDs.

    Parameters
    ----------
    fit
        Result of :func:`lm_fit_block`.
    contrasts
        Coefficients x contrasts weight matrix.
    cov_coefficients
        Unscaled covariance of the coefficients for the *complete* design,
        ``inv(X'X)``; limma uses its correlation structure for every feature.

    Returns
    -------
    estimates, stdev_unscaled
        Features x contrasts. NaN where a needed coefficient was not estimable.
    """
    coefficients, stdev = fit.coefficients, fit.stdev_unscaled
    na = np.isnan(coefficients)
    if na.any():  # copies only where a coefficient is missing
        coefficients, stdev = np.where(na, 0.0, coefficients), np.where(na, 1e30, stdev)
    estimates = coefficients @ contrasts
    sd = np.sqrt(np.diag(cov_coefficients))
    correlation = cov_coefficients / np.outer(sd, sd)
    off_diagonal = correlation[np.tril_indices_from(correlation, k=-1)]
    if off_diagonal.size == 0 or np.all(np.abs(off_diagonal) < 1e-14):
        new_stdev = np.sqrt(stdev**2 @ contrasts**2)
    else:  # limma: sqrt(colSums((R %*% (stdev * contrast))^2)), R = chol(correlation)
        upper = np.linalg.cholesky(correlation).T
        new_stdev = np.empty_like(estimates)
        for c in range(contrasts.shape[1]):
            projected = (stdev * contrasts[:, c]) @ upper.T
            new_stdev[:, c] = np.sqrt(np.einsum("gj,gj->g", projected, projected))
    missing = new_stdev > 1e20
    estimates[missing] = np.nan
    new_stdev[missing] = np.nan
    return estimates, new_stdev
