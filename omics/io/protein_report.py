"""What every proteomics search-engine reader returns: one Dataset, with dropped rows reported.

Readers of MaxQuant, PAW and other reports parse their format and hand the parts to
:func:`protein_dataset`, so that all of them return the same shape: ``intensity``
(feature x sample, float64, NaN = missing, zero treated as missing), the protein group's
accessions and gene symbols as feature coordinates, the sample sheet's columns as sample
coordinates, and in ``attrs`` the reader name and the rows dropped with their reason (never
silently).

Examples
--------
>>> ds = protein_dataset(np.array([[1.0, 0.0]]), ["P1;P2"], ["a", "b"], reader="demo",
...                      dropped={"contaminant": ["CON_1"]})
>>> ds["intensity"].values.tolist(), ds.attrs["dropped"]
([[1.0, nan]], '{"contaminant": ["CON_1"]}')
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from omics.io.hgnc import HgncMap
from omics.io.sample_sheet import match_samples, read_sample_sheet

__all__ = ["protein_dataset"]


def protein_dataset(
    values: np.ndarray,
    groups: list[str],
    samples: list[str],
    *,
    reader: str,
    dropped: dict[str, list[str]],
    genes: list[str | None] | None = None,
    hgnc: HgncMap | None = None,
    sample_sheet: str | Path | None = None,
    source: str | Path | None = None,
    sample_table: pd.DataFrame | None = None,
) -> xr.Dataset:
    """Assemble a reader's result (see the module docstring).

    Gene symbols come from ``hgnc`` when given (mapping every accession of the group),
    else from ``genes`` (as the file states them). Sample coordinates come from a sample
    sheet file, or from ``sample_table`` (one row per sample, in order) built by the reader.
    """
    values = np.array(values, dtype=np.float64)
    values[values == 0] = np.nan
    coords: dict = {"feature": np.asarray(groups, dtype=object),
                    "sample": np.asarray(samples, dtype=object)}
    if hgnc is not None:
        genes = [hgnc.group_symbol(group) for group in groups]
    if genes is not None:
        coords["gene"] = ("feature", np.asarray([g or "" for g in genes], dtype=object))
    sheet = sample_table
    if sample_sheet is not None:
        sheet = match_samples(list(samples), ["feature", *samples], source or "table",
                              read_sample_sheet(sample_sheet))
    if sheet is not None:
        for name in sheet.columns:
            column = sheet[name].to_numpy()
            coords[name] = ("sample", column.astype(object) if column.dtype.kind in "OU"
                            else column)
    attrs = {"reader": reader, "dropped": json.dumps(dropped),
             "n_dropped": int(sum(len(v) for v in dropped.values()))}
    return xr.Dataset({"intensity": (("feature", "sample"), values)}, coords=coords,
                      attrs=attrs)
