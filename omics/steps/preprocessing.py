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
    CombatStep,
    FeatureSelector,
    FilterByExprStep,
    FilterMinValidStep,
    ImputeDownShiftedStep,
    IrsNormaliseStep,
    Log2Step,
    LogCpmStep,
    MedianNormaliseStep,
    PreprocessStep,
    QuantileNormaliseStep,
    TmmNormaliseStep,
)
from omics.stats.design import design_matrix

__all__ = ["apply_steps", "feature_mask"]


def feature_mask(values: xr.DataArray, selector: FeatureSelector) -> np.ndarray:
    """The features a plan's selector chooses; choosing none is an error. An ``organism``
    selector looks at the feature ids and every text feature annotation."""
    names = [n for n, c in values.coords.items() if c.dims == ("feature",)]
    if selector.organism is not None:
        mask = np.zeros(values.sizes["feature"], dtype=bool)
        for name in names:
            column = values[name].values
            if column.dtype.kind in "OUS":
                mask |= selector.mask(pd.Index(column))
        rule = f"organism {selector.organism}"
    else:
        if selector.column not in names:
            raise OmicsInputError("reference", f"no feature column {selector.column!r}",
                                  "one of " + ", ".join(names))
        mask = selector.mask(pd.Index(values[selector.column].values))
        rule = f"regex {selector.regex!r}" if selector.regex is not None \
            else "the listed values"
    if not mask.any():
        raise OmicsInputError("reference", f"no feature whose {selector.column} matches {rule}",
                              "a selector that chooses some features")
    return mask


def _sample_column(samples: pd.DataFrame, name: str) -> np.ndarray:
    if name not in samples.columns:
        raise OmicsInputError("preprocess", f"no sample column {name!r}",
                              "one of " + ", ".join(map(str, samples.columns)))
    return samples[name].to_numpy()


def _filter_by_expr(values: xr.DataArray, samples: pd.DataFrame, step: FilterByExprStep,
                    design: str | None) -> xr.DataArray:
    options = step.model_dump(exclude={"step", "group"})
    if step.group is not None:
        return preprocess.filter_by_expr(values, group=_sample_column(samples, step.group),
                                         **options)
    if design is None:
        raise OmicsInputError("filter_by_expr", "no group and no design",
                              "group: <sample column>, or an analysis design")
    matrix = design_matrix(samples, design).to_numpy(dtype=np.float64)
    return preprocess.filter_by_expr(values, design=matrix, **options)


def _combat(values: xr.DataArray, samples: pd.DataFrame, step: CombatStep) -> xr.DataArray:
    batch = _sample_column(samples, step.batch)
    for name in step.covariates:
        _sample_column(samples, name)
    covariates = design_matrix(samples, "~ " + " + ".join(step.covariates)) \
        if step.covariates else None
    return preprocess.combat(values, batch, covariates, parametric=step.parametric,
                             mean_only=step.mean_only, reference_batch=step.reference_batch)


def apply_steps(values: xr.DataArray, samples: pd.DataFrame, steps: list[PreprocessStep],
                design: str | None = None) -> xr.DataArray:
    """``values`` (feature x sample, the selected samples only) after each step in order.

    Parameters
    ----------
    values
        ``(feature, sample)`` data as stored (linear intensities or counts).
    samples
        The sample sheet of ``values``' samples, in order.
    steps
        The plan's preprocessing steps.
    design
        The analysis design formula, for ``filter_by_expr`` without a ``group``.

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
        elif isinstance(step, CombatStep):
            values = _combat(values, samples, step)
        elif isinstance(step, FilterMinValidStep):
            values = preprocess.filter_min_valid(values, _sample_column(samples, step.group),
                                                 step.min_valid, step.require)
        elif isinstance(step, ImputeDownShiftedStep):
            values = preprocess.impute_down_shifted(values, shift=step.shift, width=step.width,
                                                    seed=step.seed)
        elif isinstance(step, LogCpmStep):
            values = preprocess.log_cpm_counts(values, step.prior_count)
        elif isinstance(step, FilterByExprStep):
            values = _filter_by_expr(values, samples, step, design)
        elif isinstance(step, TmmNormaliseStep):
            values = preprocess.tmm_normalise(values)
    return values
