"""RNA-seq counts on ``(feature, sample)`` DataArrays: edgeR's ``filterByExpr``, TMM
normalisation factors and log-CPM.

TMM factors are kept as the sample coordinate ``norm_factor``; :func:`log_cpm_counts` and
voom (:func:`omics.stats.voom.voom`) then use the effective library sizes
``colSums * norm_factor``, as edgeR's ``DGEList`` does. Every function records itself in
``attrs["preprocess"]``.

Examples
--------
>>> counts = xr.DataArray(np.array([[100.0, 200, 150], [50, 40, 60], [0, 1, 0]]),
...                       dims=("feature", "sample"), coords={"feature": ["a", "b", "c"]})
>>> kept = filter_by_expr(counts, group=np.array(["x", "x", "y"]), min_count=1)
>>> kept["feature"].values.tolist()
['a', 'b']
>>> normalised = tmm_normalise(kept)
>>> normalised["norm_factor"].round(3).values.tolist()
[0.947, 1.08, 0.977]
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from omics.preprocess.steps import record_step
from omics.stats import voom as counts_stats
from omics.stats.voom import counts_values, effective_library_sizes

__all__ = [
    "expressed_genes",
    "filter_by_expr",
    "log_cpm",
    "log_cpm_counts",
    "tmm_normalise",
]

def log_cpm(counts: np.ndarray, prior_count: float = 2.0,
            lib_size: np.ndarray | None = None) -> np.ndarray:
    """edgeR's ``cpm(log=TRUE)``: log2 counts per million with a library-scaled prior count.

    ``counts`` is genes x samples; ``lib_size`` defaults to the column sums (pass the
    effective sizes after TMM).

    Examples
    --------
    >>> log_cpm(np.array([[0, 10], [100, 90]])).round(2)
    array([[14.23, 16.82],
           [19.9 , 19.75]])
    """
    counts = np.asarray(counts, dtype=np.float64)
    library = counts_stats.library_sizes(counts) if lib_size is None \
        else np.asarray(lib_size, dtype=np.float64)
    prior = prior_count * library / library.mean()
    return np.log2((counts + prior) / (library + 2 * prior) * 1e6)


def log_cpm_counts(matrix: xr.DataArray, prior_count: float = 2.0) -> xr.DataArray:
    """:func:`log_cpm` of a counts DataArray on its effective library sizes."""
    out = matrix.copy(data=log_cpm(counts_values(matrix), prior_count,
                                   effective_library_sizes(matrix)))
    return record_step(out, matrix, "log_cpm", prior_count=prior_count,
                       tmm="norm_factor" in matrix.coords)


def expressed_genes(counts: np.ndarray, min_cpm: float = 1.0, min_samples: int = 3) -> np.ndarray:
    """Genes (rows) with at least ``min_cpm`` counts per million in ``min_samples`` samples."""
    counts = np.asarray(counts, dtype=np.float64)
    cpm = counts / counts_stats.library_sizes(counts) * 1e6
    return (cpm >= min_cpm).sum(axis=1) >= min_samples


def filter_by_expr(matrix: xr.DataArray, *, group: np.ndarray | None = None,
                   design: np.ndarray | None = None, min_count: float = 10,
                   min_total_count: float = 15, large_n: int = 10,
                   min_prop: float = 0.7) -> xr.DataArray:
    """edgeR's ``filterByExpr`` on a counts DataArray; the removed genes are recorded.

    Without ``group`` or ``design`` all samples count as one group (as edgeR).
    The library sizes of later steps are the sums of the kept genes (edgeR's
    ``keep.lib.sizes=FALSE``).
    """
    keep = counts_stats.filter_by_expr(
        counts_values(matrix), group=group, design=design, min_count=min_count,
        min_total_count=min_total_count, large_n=large_n, min_prop=min_prop)
    removed = np.asarray(matrix["feature"].values)[~keep].astype(str).tolist()
    out = matrix.isel(feature=np.flatnonzero(keep))
    by = "group" if group is not None else ("design" if design is not None else "all samples")
    return record_step(out, matrix, "filter_by_expr", by=by, min_count=min_count,
                       min_total_count=min_total_count, large_n=large_n, min_prop=min_prop,
                       kept=int(keep.sum()), removed=removed)


def tmm_normalise(matrix: xr.DataArray) -> xr.DataArray:
    """edgeR's TMM factors as the sample coordinate ``norm_factor`` (values unchanged)."""
    factors = counts_stats.tmm_factors(counts_values(matrix))
    out = matrix.assign_coords(norm_factor=("sample", factors))
    return record_step(out, matrix, "tmm_normalise",
                       norm_factors=[round(float(f), 6) for f in factors])
