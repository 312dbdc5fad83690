"""Batch correction: ComBat (a port of R ``sva::ComBat``) and limma's ``removeBatchEffect``.

ComBat (Johnson, Li and Rabinovic 2007) standardises each feature, estimates an additive and
a multiplicative effect per batch, shrinks them towards the batch's average over all features
(empirical Bayes, parametric or non-parametric prior) and removes them, protecting the
effects of ``covariates``. It equals ``sva::ComBat`` 3.46 to 1e-6 on data with and without
missing values, including ``mean.only`` and ``ref.batch`` (``tests/omics/preprocess/
test_batch.py``). ``scanpy.pp.combat`` is not used: it has no non-parametric prior, no
reference batch and no missing values, which every TMT study has.

limma users are taught to keep the batch in the design for testing and to remove it only for
display: :func:`remove_batch_effect` is that display step (limma's ``removeBatchEffect``).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(0, 1, (50, 8)); x[:, 4:] += 3  # batch 2 shifted by 3
>>> values = xr.DataArray(x, dims=("feature", "sample"))
>>> batch = np.array(["a"] * 4 + ["b"] * 4)
>>> out = combat(values, batch)
>>> diff = out.values[:, 4:].mean() - out.values[:, :4].mean()
>>> bool(abs(diff) < 0.1)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.preprocess.steps import record_step
from omics.stats.limma_fit import lm_fit

__all__ = ["ComBatWarning", "combat", "remove_batch_effect", "sum_to_zero_coding"]

_CONVERGENCE = 1e-4  # sva's it.sol default
_ROW_BLOCK = 256  # genes per block of the non-parametric prior


class ComBatWarning(UserWarning):
    """Features ComBat leaves as they are (too few values in a batch, constant in a batch)."""


def _levels(batch: np.ndarray) -> list:
    """Batch levels in R's ``factor`` order (sorted)."""
    return sorted(pd.unique(pd.Series(batch).astype(str)).tolist())


def _row_solve(values: np.ndarray, design: np.ndarray) -> np.ndarray:
    """Least-squares coefficients (columns x rows) of every row on its observed samples, as
    sva's ``Beta.NA``; rows are grouped by missingness pattern."""
    coefficients = np.full((design.shape[1], values.shape[0]), np.nan)
    observed = ~np.isnan(values)
    patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    for k, pattern in enumerate(patterns):
        rows = np.flatnonzero(inverse.ravel() == k)
        x = design[pattern]
        coefficients[:, rows] = np.linalg.solve(x.T @ x, x.T @ values[np.ix_(rows, pattern)].T)
    return coefficients


def _row_var(values: np.ndarray) -> np.ndarray:
    """Row variances (n - 1) over the observed values, as R ``rowVars(na.rm = TRUE)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanvar(values, axis=1, ddof=1)


def _inverse_gamma_prior(delta_hat: np.ndarray) -> tuple[float, float]:
    """sva's ``aprior`` and ``bprior``: method-of-moments inverse-gamma hyperparameters."""
    m, s2 = delta_hat.mean(), delta_hat.var(ddof=1)
    return (2 * s2 + m**2) / s2, (m * s2 + m**3) / s2


def _parametric(s_data: np.ndarray, g_hat: np.ndarray, d_hat: np.ndarray, g_bar: float,
                t2: float, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """sva's ``it.sol``: posterior batch mean and variance, iterated to convergence."""
    n = (~np.isnan(s_data)).sum(axis=1)
    g_old, d_old = g_hat, d_hat
    change = 1.0
    while change > _CONVERGENCE:
        g_new = (t2 * n * g_hat + d_old * g_bar) / (t2 * n + d_old)
        sum2 = np.nansum((s_data - g_new[:, None]) ** 2, axis=1)
        d_new = (0.5 * sum2 + b) / (n / 2 + a - 1)
        with np.errstate(divide="ignore", invalid="ignore"):  # a reference batch's zeros
            change = max(np.max(np.abs(g_new - g_old) / g_old),
                         np.max(np.abs(d_new - d_old) / d_old))
        g_old, d_old = g_new, d_new
    return g_new, d_new


def _non_parametric(s_data: np.ndarray, g_hat: np.ndarray, d_hat: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """sva's ``int.eprior``: each feature's batch mean and variance averaged over the other
    features' estimates, weighted by the likelihood of its values under them."""
    n_rows = s_data.shape[0]
    g_star, d_star = np.empty(n_rows), np.empty(n_rows)
    for start in range(0, n_rows, _ROW_BLOCK):
        rows = np.arange(start, min(start + _ROW_BLOCK, n_rows))
        block = s_data[rows]
        n = (~np.isnan(block)).sum(axis=1)[:, None]
        total = np.nansum(block, axis=1)[:, None]
        squares = np.nansum(block**2, axis=1)[:, None]
        sum2 = squares - 2 * g_hat[None, :] * total + n * g_hat[None, :] ** 2
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            likelihood = 1 / (2 * np.pi * d_hat[None, :]) ** (n / 2) \
                * np.exp(-sum2 / (2 * d_hat[None, :]))
            likelihood[np.isnan(likelihood)] = 0
            likelihood[np.arange(rows.size), rows] = 0  # leave the feature itself out
            weight = likelihood.sum(axis=1)
            g_star[rows] = (likelihood @ g_hat) / weight
            d_star[rows] = (likelihood @ d_hat) / weight
    return g_star, d_star


def _unadjustable(values: np.ndarray, batch: np.ndarray, levels: list, n_columns: int,
                  mean_only: bool) -> tuple[np.ndarray, np.ndarray]:
    """Rows ComBat cannot adjust: constant within a batch (sva leaves them), and rows with
    fewer observed values in a batch than its estimates need (sva fails on them)."""
    constant = np.zeros(values.shape[0], dtype=bool)
    sparse = (~np.isnan(values)).sum(axis=1) <= n_columns
    for level in levels:
        columns = values[:, batch == level]
        n_observed = (~np.isnan(columns)).sum(axis=1)
        sparse |= n_observed < (1 if mean_only else 2)
        if columns.shape[1] > 1:
            complete = n_observed == columns.shape[1]
            constant |= complete & (np.nanvar(columns, axis=1) == 0)
    return constant, sparse & ~constant


def combat(values: xr.DataArray, batch: np.ndarray,
           covariates: pd.DataFrame | np.ndarray | None = None, *, parametric: bool = True,
           mean_only: bool = False, reference_batch: str | None = None) -> xr.DataArray:
    """ComBat batch adjustment of log-scale values, as R ``sva::ComBat``.

    Parameters
    ----------
    values
        ``(feature, sample)`` log-scale values; NaN = missing.
    batch
        The batch of every sample.
    covariates
        Samples x columns design of the effects to protect (an all-ones column is dropped,
        as sva does), e.g. :func:`omics.stats.design.design_matrix` of ``"~ condition"``; a
        DataFrame's kept column names are recorded. ``None`` protects nothing (then a batch
        confounded with the condition removes the condition too).
    parametric
        Parametric empirical-Bayes prior (sva ``par.prior = TRUE``); ``False`` is the
        non-parametric prior (slower: every feature against every other).
    mean_only
        Adjust the batch means only (sva ``mean.only``); chosen automatically when a batch
        has one sample.
    reference_batch
        A batch left unchanged, the others adjusted to it (sva ``ref.batch``).

    Returns
    -------
    DataArray
        Adjusted values. Features constant within a batch, or with fewer than two observed
        values in a batch (one with ``mean_only``), are left as they were; a
        :class:`ComBatWarning` and the recorded step count them.

    Examples
    --------
    >>> values = xr.DataArray(np.arange(12.0).reshape(3, 4) ** 1.5, dims=("feature", "sample"))
    >>> out = combat(values, np.array(["x", "x", "y", "y"]), mean_only=True)
    >>> [s["step"] for s in __import__("omics").preprocess.steps(out)]
    ['combat']
    """
    data = np.asarray(values.transpose("feature", "sample").values, dtype=np.float64)
    batch = np.asarray(batch).astype(str)
    if batch.size != data.shape[1]:
        raise OmicsInputError("combat", f"{batch.size} batch labels for {data.shape[1]} "
                              "samples", "one batch label per sample")
    levels = _levels(batch)
    if len(levels) < 2:
        raise OmicsInputError("combat", f"one batch ({levels[0]!r})", "two or more batches")
    sizes = np.array([(batch == level).sum() for level in levels])
    mean_only = mean_only or bool((sizes == 1).any())
    batch_design = (batch[:, None] == np.array(levels)[None, :]).astype(np.float64)
    reference = None
    if reference_batch is not None:
        if str(reference_batch) not in levels:
            raise OmicsInputError("reference_batch", repr(reference_batch),
                                  "one of the batches " + ", ".join(levels))
        reference = levels.index(str(reference_batch))
        batch_design[:, reference] = 1
    design, covariate_names = batch_design, []
    if covariates is not None:
        extra = np.asarray(covariates, dtype=np.float64).reshape(len(batch), -1)
        keep = ~np.all(extra == 1, axis=0)
        design = np.column_stack([batch_design, extra[:, keep]])
        if isinstance(covariates, pd.DataFrame):
            covariate_names = [str(c) for c in covariates.columns[keep]]
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise OmicsInputError("combat", "covariates confounded with the batch (or with each "
                              "other)", "covariates that vary within batches")
    constant, sparse = _unadjustable(data, batch, levels, design.shape[1], mean_only)
    adjustable = ~(constant | sparse)
    out = data.copy()
    if adjustable.any():
        out[adjustable] = _adjust(data[adjustable], batch, levels, design, len(levels),
                                  reference, parametric=parametric, mean_only=mean_only)
    if (~adjustable).any():
        warnings.warn(f"ComBat left {int(constant.sum())} features constant within a batch "
                      f"and {int(sparse.sum())} with too few values in a batch unadjusted",
                      ComBatWarning, stacklevel=2)
    result = values.transpose("feature", "sample").copy(data=out)
    return record_step(result, values, "combat", batches=levels,
                       covariates=covariate_names, parametric=parametric,
                       mean_only=mean_only, reference_batch=reference_batch,
                       features_adjusted=int(adjustable.sum()),
                       features_constant_in_a_batch=int(constant.sum()),
                       features_too_few_values=int(sparse.sum()))


def _adjust(data: np.ndarray, batch: np.ndarray, levels: list, design: np.ndarray,
            n_batch: int, reference: int | None, *, parametric: bool,
            mean_only: bool) -> np.ndarray:
    """sva's ComBat body on rows that it can adjust."""
    has_missing = bool(np.isnan(data).any())
    members = [np.flatnonzero(batch == level) for level in levels]
    sizes = np.array([m.size for m in members])
    n_array = sizes.sum()
    b_hat = _row_solve(data, design)
    grand_mean = b_hat[reference] if reference is not None \
        else (sizes / n_array) @ b_hat[:n_batch]
    residual = data - (design @ b_hat).T
    if reference is not None:
        residual = residual[:, members[reference]]
    var_pooled = _row_var(residual) if has_missing else np.mean(residual**2, axis=1)
    covariate_part = design.copy()
    covariate_part[:, :n_batch] = 0
    stand_mean = grand_mean[:, None] + (covariate_part @ b_hat).T
    s_data = (data - stand_mean) / np.sqrt(var_pooled)[:, None]
    gamma_hat = _row_solve(s_data, design[:, :n_batch])
    delta_hat = np.ones((n_batch, data.shape[0])) if mean_only \
        else np.vstack([_row_var(s_data[:, m]) for m in members])
    gamma_bar = gamma_hat.mean(axis=1)
    t2 = gamma_hat.var(axis=1, ddof=1)
    gamma_star, delta_star = np.empty_like(gamma_hat), np.ones_like(delta_hat)
    for i, m in enumerate(members):
        if parametric and mean_only:
            gamma_star[i] = (t2[i] * gamma_hat[i] + gamma_bar[i]) / (t2[i] + 1)
        elif parametric:
            a, b = _inverse_gamma_prior(delta_hat[i])
            gamma_star[i], delta_star[i] = _parametric(s_data[:, m], gamma_hat[i],
                                                       delta_hat[i], gamma_bar[i], t2[i], a, b)
        else:
            gamma_star[i], delta_star[i] = _non_parametric(s_data[:, m], gamma_hat[i],
                                                           delta_hat[i])
    if reference is not None:
        gamma_star[reference], delta_star[reference] = 0, 1
    adjusted = s_data.copy()
    for i, m in enumerate(members):
        adjusted[:, m] = (adjusted[:, m] - (design[np.ix_(m, range(n_batch))] @ gamma_star).T) \
            / np.sqrt(delta_star[i])[:, None]
    adjusted = adjusted * np.sqrt(var_pooled)[:, None] + stand_mean
    if reference is not None:
        adjusted[:, members[reference]] = data[:, members[reference]]
    return adjusted


def sum_to_zero_coding(labels: np.ndarray) -> np.ndarray:
    """R's ``contr.sum`` columns of a factor (levels sorted): one column per level but the
    last, 1 for the level, -1 for the last level.

    Examples
    --------
    >>> sum_to_zero_coding(np.array(["a", "b", "c", "a"])).tolist()
    [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [1.0, 0.0]]
    """
    labels = np.asarray(labels).astype(str)
    levels = _levels(labels)
    coding = (labels[:, None] == np.array(levels[:-1])[None, :]).astype(np.float64)
    coding[labels == levels[-1]] = -1
    return coding


def remove_batch_effect(values: xr.DataArray, batch: np.ndarray | None = None,
                        batch2: np.ndarray | None = None,
                        covariates: np.ndarray | None = None,
                        design: np.ndarray | None = None) -> xr.DataArray:
    """limma's ``removeBatchEffect``: fit batch (sum-to-zero coded), a second batch and
    numeric covariates alongside ``design``, and subtract their fitted effects. For display
    (PCA, heatmaps); test with the batch in the design instead.

    Parameters
    ----------
    values
        ``(feature, sample)`` log-scale values; NaN = missing (each feature is fitted on its
        observed samples).
    batch, batch2
        Batch labels per sample.
    covariates
        Samples x columns of numeric covariates to remove.
    design
        Samples x columns design of the effects to keep (default an intercept).

    Returns
    -------
    DataArray

    Examples
    --------
    >>> x = xr.DataArray([[1.0, 2.0, 5.0, 6.0]], dims=("feature", "sample"))
    >>> remove_batch_effect(x, np.array(["a", "a", "b", "b"])).values.round(9).tolist()
    [[3.0, 4.0, 3.0, 4.0]]
    """
    data = values.transpose("feature", "sample")
    n_samples = data.sizes["sample"]
    blocks = [sum_to_zero_coding(b) for b in (batch, batch2) if b is not None]
    if covariates is not None:
        blocks.append(np.asarray(covariates, dtype=np.float64).reshape(n_samples, -1))
    if not blocks:
        return data.copy()
    removed = np.column_stack(blocks)
    kept = np.ones((n_samples, 1)) if design is None else np.asarray(design, dtype=np.float64)
    full = pd.DataFrame(np.column_stack([kept, removed]))
    full.columns = full.columns.astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # limma drops aliased columns silently
        fit = lm_fit(np.asarray(data.values, dtype=np.float64), full)
    names = list(full.columns[kept.shape[1]:])
    beta = np.zeros((data.sizes["feature"], len(names)))
    for j, name in enumerate(names):
        if name in fit.coefficient_names:
            beta[:, j] = fit.coefficients[:, fit.coefficient_names.index(name)]
    beta[np.isnan(beta)] = 0
    out = np.asarray(data.values, dtype=np.float64) - beta @ removed.T
    return record_step(data.copy(data=out), values, "remove_batch_effect",
                       batch=batch is not None, batch2=batch2 is not None,
                       covariates=0 if covariates is None
                       else int(np.asarray(covariates).reshape(n_samples, -1).shape[1]))
