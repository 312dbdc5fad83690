"""Feature filters by the number of valid (observed) values per sample group.

Examples
--------
>>> import xarray as xr
>>> x = xr.DataArray([[1.0, 2, np.nan, 4], [np.nan, np.nan, 3, 4]], dims=("feature", "sample"),
...                  coords={"feature": ["p1", "p2"]})
>>> groups = np.array(["a", "a", "b", "b"])
>>> filter_min_valid(x, groups, 2, require="any")["feature"].values.tolist()
['p1', 'p2']
>>> filter_min_valid(x, groups, 2, require="all")["feature"].values.tolist()
[]
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from omics.errors import OmicsInputError
from omics.preprocess.steps import record_step

__all__ = ["filter_min_valid", "valid_counts"]


def valid_counts(log_values: xr.DataArray, groups: np.ndarray) -> dict[str, np.ndarray]:
    """Number of observed values per feature in each sample group."""
    groups = np.asarray(groups).astype(str)
    observed = np.isfinite(np.asarray(log_values.transpose("feature", "sample").values))
    return {g: observed[:, groups == g].sum(axis=1) for g in dict.fromkeys(groups)}


def filter_min_valid(log_values: xr.DataArray, groups: np.ndarray, min_valid: int,
                     require: str = "any") -> xr.DataArray:
    """Keep features with at least ``min_valid`` observed values in ``any`` or ``all`` groups.

    The removed features are listed in the recorded parameters, so nothing disappears
    silently.
    """
    if require not in ("any", "all"):
        raise OmicsInputError("require", repr(require), "any or all")
    counts = np.column_stack(list(valid_counts(log_values, groups).values()))
    enough = counts >= min_valid
    keep = enough.any(axis=1) if require == "any" else enough.all(axis=1)
    removed = np.asarray(log_values["feature"].values)[~keep].astype(str).tolist()
    out = log_values.isel(feature=np.flatnonzero(keep))
    return record_step(out, log_values, "filter_min_valid", min_valid=min_valid,
                       require=require, removed=removed)
