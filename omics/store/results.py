"""Reading analysis results from the store, checked against :mod:`omics.store.variables`.

``results/<analysis>/<name>/`` holds one result each. A differential analysis stores one
group per contrast (each with its own provenance: the contrast's expression);
:func:`open_differential` opens them together as one Dataset with a ``contrast`` dimension.

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> from omics.steps.ingest import ingest_study
>>> from omics.steps.analysis import differential_proteomics
>>> from omics.io.study import load_study
>>> d = tempfile.mkdtemp()
>>> study = load_study(simulate_cohort(d, scale="small"))
>>> store = ingest_study(study.path, d + "/s.zarr")
>>> _ = differential_proteomics(store, study.analysis.proteomics)
>>> results = open_differential(store, "differential_proteomics")
>>> results["log2_fc"].dims, results.sizes["contrast"]
(('contrast', 'feature'), 3)
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import xarray as xr
import zarr

from omics.store import layout
from omics.store.reader import load_dataset, table_of
from omics.store.staged_results import group_path
from omics.store.variables import VARIABLES, check_variables

__all__ = ["open_differential", "open_result", "read_result", "recorded_parameters",
           "result_names"]


def result_names(store: str | Path, analysis: str) -> list[str]:
    """Names of the results of one analysis in the store (complete groups only), sorted."""
    folder = group_path(store, f"{layout.RESULTS}/{analysis}")[0]
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if (p / "zarr.json").exists() and not p.name.startswith("."))


def open_result(store: str | Path, analysis: str, name: str) -> xr.Dataset:
    """One result as a Dataset (loaded), its variables checked against the registry."""
    group = layout.result_group(analysis, name)
    return check_variables(load_dataset(store, group), f"{store}/{group}")


def recorded_parameters(store: str | Path, analysis: str, name: str) -> dict:
    """The parameters recorded in a result's provenance (its plan section and the values
    the analysis derived, e.g. ``preprocessing_applied``)."""
    group = zarr.open_group(str(group_path(store, layout.result_group(analysis, name))[0]),
                            mode="r")
    recorded = next((a.attrs["parameters"] for _, a in group.arrays()
                     if "parameters" in a.attrs), group.attrs.get("parameters", "{}"))
    return json.loads(recorded)


def read_result(store: str | Path, analysis: str, name: str) -> pd.DataFrame:
    """One result as a table, e.g. ``read_result(store, "differential_proteomics",
    "resistant_vs_sensitive_cells")``. A result with a ``contrast`` dimension becomes a long
    table (one row per feature and contrast, a ``contrast`` column; variables in registry
    order)."""
    group = layout.result_group(analysis, name)
    dataset = load_dataset(store, group)
    if "contrast" not in dataset.dims:
        return table_of(dataset).reset_index()
    dims = [d for d in dataset.dims if d != "contrast"] + ["contrast"]
    frame = dataset.to_dataframe(dim_order=dims).reset_index()
    frame = frame[dims + [name for name in VARIABLES if name in frame.columns and name not in dims]]
    for column in frame.select_dtypes(include="object").columns:
        frame[column] = frame[column].astype(str)
    return frame


def open_differential(store: str | Path, analysis: str) -> xr.Dataset:
    """Every contrast of a differential analysis as one Dataset over ``(contrast,
    feature)`` (each contrast's attributes in ``attrs["contrasts"]``)."""
    names = result_names(store, analysis)
    parts = [open_result(store, analysis, name) for name in names]
    dataset = xr.concat(parts, dim=pd.Index(names, name="contrast"), combine_attrs="drop") \
        if parts else xr.Dataset()
    dataset.attrs["contrasts"] = {name: dict(part.attrs) for name, part in zip(names, parts,
                                                                                strict=True)}
    return dataset
