"""The preprocessing steps of a study plan applied to a modality, in order.

Each plan step (:mod:`omics.io.plan_steps`) calls the :mod:`omics.preprocess` function of the
same name; every step records itself in the result's ``attrs["preprocess"]``.

Examples
--------
>>> import numpy as np, pandas as pd, xarray as xr
>>> from pydantic import TypeAdapter
>>> from omics.io.plan_steps import PreprocessStep
>>> values = xr.DataArray([[4.0, 8.0], [2.0, 2.0], [16.0, 64.0]], dims=("feature", "sample"),
...                       coords={"feature": ["a_HUMAN", "b_HUMAN", "c_ECOLI"]})
>>> steps = TypeAdapter(list[PreprocessStep]).validate_python(
...     [{"step": "log2"}, {"step": "median_normalise", "reference": {"regex": "HUMAN"}}])
>>> out = apply_steps(values, pd.DataFrame(index=["s1", "s2"]), steps)
>>> out.sel(feature="c_ECOLI").values.tolist()
[4.25, 5.75]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from omics import preprocess
from omics.errors import OmicsInputError
from omics.io.plan_steps import (
    FeatureSelector,
    FilterMinValidStep,
    ImputeDownShiftedStep,
    IrsNormaliseStep,
    Log2Step,
    LogCpmStep,
    MedianNormaliseStep,
    PreprocessStep,
    QuantileNormaliseStep,
)
from omics.preprocess.steps import record_step

__all__ = ["apply_steps", "feature_mask"]


def feature_mask(values: xr.DataArray, selector: FeatureSelector) -> np.ndarray:
    """The features a plan's selector chooses; choosing none is an error."""
    if selector.column not in values.coords or values[selector.column].dims != ("feature",):
        names = [n for n, c in values.coords.items() if c.dims == ("feature",)]
        raise OmicsInputError("reference", f"no feature column {selector.column!r}",
                              "one of " + ", ".join(names))
    mask = selector.mask(pd.Index(values[selector.column].values))
    if not mask.any():
        rule = f"regex {selector.regex!r}" if selector.regex is not None else "the listed values"
        raise OmicsInputError("reference", f"no feature whose {selector.column} matches {rule}",
                              "a selector that chooses some features")
    return mask


def _sample_column(samples: pd.DataFrame, name: str) -> np.ndarray:
    if name not in samples.columns:
        raise OmicsInputError("preprocess", f"no sample column {name!r}",
                              "one of " + ", ".join(map(str, samples.columns)))
    return samples[name].to_numpy()


def _log_cpm(values: xr.DataArray, step: LogCpmStep) -> xr.DataArray:
    counts = np.asarray(values.values, dtype=np.float64)
    finite = counts[np.isfinite(counts)]
    if finite.size and (finite.min() < 0):
        raise OmicsInputError("log_cpm", "negative values", "counts (not log values)")
    out = values.copy(data=preprocess.log_cpm(counts, step.prior_count))
    return record_step(out, values, "log_cpm", prior_count=step.prior_count)


def apply_steps(values: xr.DataArray, samples: pd.DataFrame, steps: list[PreprocessStep]
                ) -> xr.DataArray:
    """``values`` (feature x sample, the selected samples only) after each step in order.

    Parameters
    ----------
    values
        ``(feature, sample)`` data as stored (linear intensities or counts).
    samples
        The sample sheet of ``values``' samples, in order.
    steps
        The plan's preprocessing steps.

    Returns
    -------
    DataArray
        With ``attrs["preprocess"]`` listing every step applied.
    """
    for step in steps:
        if isinstance(step, Log2Step):
            values = preprocess.log2_intensity(values)
        elif isinstance(step, MedianNormaliseStep):
            reference = None if step.reference is None else feature_mask(values, step.reference)
            values = preprocess.median_normalise(values, reference=reference)
        elif isinstance(step, QuantileNormaliseStep):
            values = preprocess.quantile_normalise(values)
        elif isinstance(step, IrsNormaliseStep):
            values = preprocess.irs_normalise(values, _sample_column(samples, step.plex),
                                              _sample_column(samples, step.reference)
                                              .astype(bool))
        elif isinstance(step, FilterMinValidStep):
            values = preprocess.filter_min_valid(values, _sample_column(samples, step.group),
                                                 step.min_valid, step.require)
        elif isinstance(step, ImputeDownShiftedStep):
            values = preprocess.impute_down_shifted(values, shift=step.shift, width=step.width,
                                                    seed=step.seed)
        elif isinstance(step, LogCpmStep):
            values = _log_cpm(values, step)
    return values
