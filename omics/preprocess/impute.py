"""Left-censored imputation: draws from a down-shifted normal per sample (Perseus-style).

Missing values in TMT and label-free data are mostly low-abundance ones; this optional,
explicit step replaces them with draws from ``N(mean - shift * sd, (width * sd)^2)`` of each
sample's observed values. It is seeded, so a run is reproducible, and it records how many
values it imputed. limma's moderated t does not need it (it fits each feature on its
observed samples); methods that cannot handle missing values can.

Examples
--------
>>> import xarray as xr
>>> x = xr.DataArray([[20.0, np.nan], [22.0, 21.0], [24.0, 23.0]], dims=("feature", "sample"))
>>> out = impute_down_shifted(x, seed=1)
>>> bool(np.isfinite(out).all()), bool(out.values[0, 1] < 21.0)
(True, True)
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from omics.preprocess.steps import record_step

__all__ = ["impute_down_shifted"]


def impute_down_shifted(log_values: xr.DataArray, *, shift: float = 1.8, width: float = 0.3,
                        seed: int = 0) -> xr.DataArray:
    """Replace NaN in each sample by draws below that sample's observed distribution."""
    values = np.array(log_values.transpose("feature", "sample").values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    missing = ~np.isfinite(values)
    for j in range(values.shape[1]):
        observed = values[~missing[:, j], j]
        if observed.size < 2 or not missing[:, j].any():
            continue
        centre = observed.mean() - shift * observed.std(ddof=1)
        values[missing[:, j], j] = rng.normal(centre, width * observed.std(ddof=1),
                                              missing[:, j].sum())
    out = log_values.transpose("feature", "sample").copy(data=values)
    return record_step(out, log_values, "impute_down_shifted", shift=shift, width=width,
                       seed=seed, n_imputed=int(missing.sum() - (~np.isfinite(values)).sum()))
