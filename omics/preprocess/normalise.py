"""Log transforms and normalisation of intensities and counts.

Every function returns a new object whose ``attrs`` record the step and its parameters.
"""

from __future__ import annotations

import json

import dask.array as da
import numpy as np
import xarray as xr

__all__ = ["expressed_genes", "log2_intensity", "log_cpm", "median_normalise"]


def log2_intensity(intensity: xr.DataArray) -> xr.DataArray:
    """log2 of positive intensities; zeros and negatives become NaN (missing).

    Examples
    --------
    >>> log2_intensity(xr.DataArray([[4.0, 0.0]])).values
    array([[ 2., nan]])
    """
    out = np.log2(intensity.where(intensity > 0))
    out.attrs = {"preprocess": json.dumps([{"step": "log2"}])}
    return out


def median_normalise(log_values: xr.DataArray, dim: str = "feature") -> xr.DataArray:
    """Equalise sample medians (sample-loading normalisation on the log scale).

    Each sample is shifted so that its median over ``dim`` equals the mean of the sample
    medians, keeping the data on their original scale.

    Examples
    --------
    >>> x = xr.DataArray([[1.0, 3.0], [2.0, 5.0], [3.0, 7.0]], dims=("feature", "sample"))
    >>> median_normalise(x).median("feature").values
    array([3.5, 3.5])
    """
    data = log_values.data
    axis = log_values.get_axis_num(dim)
    if isinstance(data, da.Array):
        medians = da.nanmedian(data, axis=axis).compute()
    else:
        medians = np.nanmedian(data, axis=axis)
    shift = medians - np.nanmean(medians)
    other = [d for d in log_values.dims if d != dim][0]
    out = log_values - xr.DataArray(shift, dims=(other,))
    steps = json.loads(log_values.attrs.get("preprocess", "[]"))
    steps.append({"step": "median_normalise", "sample_shift": np.round(shift, 6).tolist()})
    out.attrs = {"preprocess": json.dumps(steps)}
    return out


def log_cpm(counts: np.ndarray, prior_count: float = 2.0) -> np.ndarray:
    """edgeR's ``cpm(log=TRUE)``: log2 counts per million with a library-scaled prior count.

    ``counts`` is genes x samples.

    Examples
    --------
    >>> log_cpm(np.array([[0, 10], [100, 90]])).round(2)
    array([[14.23, 16.82],
           [19.9 , 19.75]])
    """
    counts = np.asarray(counts, dtype=np.float64)
    library = counts.sum(axis=0)
    prior = prior_count * library / library.mean()
    return np.log2((counts + prior) / (library + 2 * prior) * 1e6)


def expressed_genes(counts: np.ndarray, min_cpm: float = 1.0, min_samples: int = 3) -> np.ndarray:
    """Genes (rows) with at least ``min_cpm`` counts per million in ``min_samples`` samples."""
    counts = np.asarray(counts, dtype=np.float64)
    cpm = counts / counts.sum(axis=0) * 1e6
    return (cpm >= min_cpm).sum(axis=1) >= min_samples
