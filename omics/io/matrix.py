"""A plain feature x sample matrix: first column the feature id, then one column per sample.

This is what the ``omics differential`` and ``omics correlate`` commands read (TSV or CSV,
by extension). Values may be negative (log scale); empty cells and ``NA``-like tokens are
missing.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.tsv"
>>> _ = p.write_text("gene\\ts1\\ts2\\ts3\\nEGFR\\t1.5\\t-0.5\\tNA\\n")
>>> read_feature_matrix(p).sel(feature="EGFR").values
array([ 1.5, -0.5,  nan])
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table
from omics.io.features import checked_feature_ids

__all__ = ["read_feature_matrix"]


def read_feature_matrix(path: str | Path) -> xr.DataArray:
    """Read a feature x sample matrix into a ``(feature, sample)`` DataArray."""
    path = Path(path)
    frame = read_text_table(path, numeric=lambda position, name: position > 0)
    header = list(frame.columns)
    if len(header) < 2:
        raise OmicsInputError(path, f"columns {header}",
                              "a feature id column followed by sample columns", line=1)
    features = checked_feature_ids(frame, header[0], path)
    values = parse_numeric_columns(frame, header[1:], path, allow_negative=True)
    samples = np.asarray(header[1:], dtype=object)
    return xr.DataArray(values, dims=("feature", "sample"),
                        coords={"feature": features, "sample": samples},
                        attrs={"source": str(path)})
