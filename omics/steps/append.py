"""Append new proteomics samples (e.g. a new TMT plex) to an existing study store.

The new report is read with its declared reader (a study YAML with a ``proteomics:`` entry)
and joined on features: proteins seen only in the new plex get missing values in the old
samples and vice versa. Sample ids must be new, the sample metadata must have the same
columns, and a protein's gene symbol must agree between old and new. The proteomics group is
replaced atomically (staged, then renamed); results computed before are left as they were
and should be recomputed.

Examples
--------
>>> import tempfile, pathlib
>>> from omics.simulate import simulate_cohort
>>> from omics.steps.ingest import ingest_study
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> study = simulate_cohort(d / "cohort", scale="small")
>>> store = ingest_study(study, d / "s.zarr")
>>> def renamed(name):  # the same two plexes again, as plexes P3 and P4
...     text = (d / "cohort" / name).read_text()
...     for old, new in (("P1_", "P3_"), ("P2_", "P4_"), (",P1,", ",P3,"), (",P2,", ",P4,")):
...         text = text.replace(old, new)
...     return text
>>> _ = (d / "new.tsv").write_text(renamed("proteomics_tmt.tsv"))
>>> _ = (d / "new.csv").write_text(renamed("proteomics_samples.csv"))
>>> _ = (d / "new.yaml").write_text("name: new\\nproteomics: {table: new.tsv, "
...     "samples: new.csv, feature_column: protein, annotation_columns: [gene]}\\n")
>>> append_proteomics(d / "new.yaml", store)
{'features': 674, 'samples': 44, 'added_samples': 22, 'added_features': 0}
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io import read_source
from omics.io.study import load_study
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_proteomics
from omics.store.writer import write_dataset

__all__ = ["append_proteomics"]


def _sample_columns(data: xr.Dataset) -> set[str]:
    return {name for name, coord in data.coords.items()
            if coord.dims == ("sample",) and name != "sample"}


def append_proteomics(study_yaml: str | Path, store: str | Path) -> dict:
    """Add the samples of ``study_yaml``'s proteomics report to ``store``'s proteomics."""
    study = load_study(study_yaml)
    if study.proteomics is None:
        raise OmicsInputError(study_yaml, "no 'proteomics' entry", "the new plex's report")
    source = study.proteomics
    where = source.sample_file()
    if not (Path(store) / layout.PROTEOMICS / "zarr.json").exists():
        raise OmicsInputError(store, "no proteomics group", "a store made by omics ingest")
    old = open_proteomics(store).load()
    new = read_source(source)
    clash = sorted(set(old["sample"].values.tolist()) & set(new["sample"].values.tolist()))
    if clash:
        raise OmicsInputError(where, f"sample {clash[0]!r}, already in the store",
                              "new sample ids")
    if _sample_columns(old) != _sample_columns(new):
        raise OmicsInputError(where, "sample columns " + ", ".join(sorted(_sample_columns(new))),
                              "the store's: " + ", ".join(sorted(_sample_columns(old))))
    feature_coords = [n for n, c in old.coords.items() if c.dims == ("feature",)
                      and n != "feature"]
    shared = np.intersect1d(old["feature"].values.astype(str), new["feature"].values.astype(str))
    for name in feature_coords:
        if name in new.coords:
            a = old[name].sel(feature=shared).values.astype(str)
            b = new[name].sel(feature=shared).values.astype(str)
            if (a != b).any():
                i = int(np.flatnonzero(a != b)[0])
                raise OmicsInputError(where, f"{name} {b[i]!r} for feature {shared[i]!r}",
                                      f"{a[i]!r} as in the store")
    combined = xr.concat([old.drop_vars(feature_coords), new.drop_vars(
        [n for n in feature_coords if n in new.coords])], dim="sample", join="outer",
        fill_value=np.nan)
    for name in feature_coords:
        values = old[name].reindex(feature=combined["feature"]).values.astype(object)
        if name in new.coords:
            fresh = new[name].reindex(feature=combined["feature"]).values.astype(object)
            values = np.where(pd.isna(values), fresh, values)
        combined = combined.assign_coords({name: ("feature", values)})
    previous = json.loads(old["intensity"].attrs.get("source_files", "[]"))
    files = source.files()
    attrs = provenance(step=f"{old['intensity'].attrs.get('step', 'reader')}+append:"
                       f"{source.reader}", sources=files,
                       parameters=source.model_dump(mode="json"))
    attrs["source_files"] = json.dumps(previous + json.loads(attrs["source_files"]))
    combined.attrs = {**old.attrs, **attrs}
    combined["intensity"].attrs = {**old["intensity"].attrs, **attrs}
    write_dataset(store, layout.PROTEOMICS, combined)
    return {"features": combined.sizes["feature"], "samples": combined.sizes["sample"],
            "added_samples": new.sizes["sample"],
            "added_features": combined.sizes["feature"] - old.sizes["feature"]}

