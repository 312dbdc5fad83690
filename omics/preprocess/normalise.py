"""Log transforms and normalisation of intensities (counts: :mod:`omics.preprocess.counts`).

Every DataArray function returns a new object whose ``attrs["preprocess"]`` lists the steps
applied with their parameters (see :mod:`omics.preprocess.steps`).
"""

from __future__ import annotations

import warnings

import dask.array as da
import numpy as np
import xarray as xr
from scipy.stats import rankdata

from omics.errors import OmicsInputError
from omics.preprocess.steps import record_step

__all__ = [
    "irs_normalise",
    "log2_intensity",
    "median_normalise",
    "quantile_normalise",
]


def log2_intensity(intensity: xr.DataArray) -> xr.DataArray:
    """log2 of positive intensities; zeros and negatives become NaN (missing).

    Examples
    --------
    >>> log2_intensity(xr.DataArray([[4.0, 0.0]])).values
    array([[ 2., nan]])
    """
    return record_step(np.log2(intensity.where(intensity > 0)), intensity, "log2")


def median_normalise(log_values: xr.DataArray, dim: str = "feature",
                     reference: np.ndarray | None = None) -> xr.DataArray:
    """Equalise sample medians (sample-loading normalisation on the log scale).

    Each sample is shifted so that its median over ``dim`` equals the mean of the sample
    medians, keeping the data on their original scale. ``reference`` (boolean over ``dim``)
    restricts the medians to features known not to change, e.g. the background proteome of a
    spike-in experiment.

    Examples
    --------
    >>> x = xr.DataArray([[1.0, 3.0], [2.0, 5.0], [3.0, 7.0]], dims=("feature", "sample"))
    >>> median_normalise(x).median("feature").values
    array([3.5, 3.5])
    """
    axis = log_values.get_axis_num(dim)
    data = log_values.data
    if reference is not None:
        data = data[np.asarray(reference, dtype=bool)] if axis == 0 else \
            data[:, np.asarray(reference, dtype=bool)]
    if isinstance(data, da.Array):
        medians = da.nanmedian(data, axis=axis).compute()
    else:
        medians = np.nanmedian(data, axis=axis)
    shift = medians - np.nanmean(medians)
    other = [d for d in log_values.dims if d != dim][0]
    out = log_values - xr.DataArray(shift, dims=(other,))
    return record_step(out, log_values, "median_normalise",
                       sample_shift=np.round(shift, 6).tolist(),
                       reference_features=None if reference is None else int(np.sum(reference)))


def irs_normalise(log_values: xr.DataArray, plex: np.ndarray,
                  reference: np.ndarray) -> xr.DataArray:
    """Internal reference scaling across TMT plexes (Plubell et al. 2017), on the log scale.

    For every feature, each plex is shifted so that its reference (pooled) channels' mean
    equals the mean of the reference levels over all plexes, i.e. the geometric mean of the
    reference intensities. A feature whose reference is missing in a plex cannot be scaled
    there: its values in that plex become NaN (counted in the recorded parameters).

    Parameters
    ----------
    log_values
        ``(feature, sample)`` log2 intensities, sample-loading normalised within plexes.
    plex
        Plex label of every sample.
    reference
        Boolean per sample: is it a reference channel?

    Examples
    --------
    >>> x = xr.DataArray([[10.0, 11, 12, 13]], dims=("feature", "sample"))
    >>> irs_normalise(x, np.array([1, 1, 2, 2]), np.array([True, False, True, False])).values
    array([[11., 12., 11., 12.]])
    """
    values = np.asarray(log_values.transpose("feature", "sample").values, dtype=np.float64)
    plex, reference = np.asarray(plex), np.asarray(reference, dtype=bool)
    plexes = list(dict.fromkeys(plex.tolist()))
    missing_plex = [p for p in plexes if not (reference & (plex == p)).any()]
    if missing_plex:
        raise OmicsInputError("reference", f"no reference channel in plex {missing_plex[0]!r}",
                              "a reference (pooled) channel in every plex for IRS")
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN reference: NaN level
        levels = np.column_stack([np.nanmean(values[:, reference & (plex == p)], axis=1)
                                  for p in plexes])
        target = np.nanmean(levels, axis=1, keepdims=True)
    out = values.copy()
    for k, p in enumerate(plexes):
        out[:, plex == p] += (target - levels[:, [k]])
    unscaled = int(np.isnan(levels).sum())
    result = log_values.transpose("feature", "sample").copy(data=out)
    return record_step(result, log_values, "irs_normalise", plexes=[str(p) for p in plexes],
                       reference_channels=int(reference.sum()), feature_plexes_unscaled=unscaled)


def quantile_normalise(log_values: xr.DataArray) -> xr.DataArray:
    """Quantile normalisation as limma's ``normalizeQuantiles`` (ties averaged, NaN kept).

    A sample with missing values has its quantiles interpolated onto the full grid, as limma
    does, so every sample ends up with the same distribution.

    Examples
    --------
    >>> x = xr.DataArray([[5.0, 4, 3], [2, 1, 4], [3, 4, 6], [4, 2, 8]], dims=("f", "s"))
    >>> quantile_normalise(x).values[:, 0].round(3).tolist()
    [5.667, 2.0, 3.0, 4.667]
    """
    values = np.asarray(log_values.values, dtype=np.float64)
    n_rows, n_cols = values.shape
    grid = np.arange(n_rows) / (n_rows - 1)
    sorted_columns = np.empty_like(values)
    n_observed = np.isfinite(values).sum(axis=0)
    for j in range(n_cols):
        column = np.sort(values[np.isfinite(values[:, j]), j])
        if n_observed[j] < n_rows:
            sorted_columns[:, j] = np.interp(grid, np.arange(column.size) / (column.size - 1),
                                             column)
        else:
            sorted_columns[:, j] = column
    target = sorted_columns.mean(axis=1)
    out = np.full_like(values, np.nan)
    for j in range(n_cols):
        finite = np.isfinite(values[:, j])
        ranks = rankdata(values[finite, j], method="average")
        out[finite, j] = np.interp((ranks - 1) / (n_observed[j] - 1), grid, target)
    return record_step(log_values.copy(data=out), log_values, "quantile_normalise")
