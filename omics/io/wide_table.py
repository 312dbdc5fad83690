"""Generic wide proteomics table: a feature column, annotation columns, one column per sample.

Intensities are on the linear scale as instruments report them; empty cells, ``NA``-like
tokens and zeros are missing values (zero is how MaxQuant and Proteome Discoverer write an
unquantified channel). The sample sheet lists every sample column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import xarray as xr
from pydantic import Field

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table
from omics.io.features import checked_feature_ids
from omics.io.options import ReaderOptions, register
from omics.io.sample_sheet import match_samples, read_sample_sheet

__all__ = ["READER_NAME", "read_wide_table"]

READER_NAME = "wide_table"


def read_wide_table(
    table: str | Path,
    samples: str | Path,
    *,
    feature_column: str = "protein",
    annotation_columns: tuple[str, ...] | list[str] = (),
) -> xr.Dataset:
    """Read a wide intensity table and its sample sheet into a Dataset.

    Returns
    -------
    xarray.Dataset
        ``intensity`` (feature x sample, float64, NaN = missing); annotation columns as
        feature coordinates; sample sheet columns as sample coordinates.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "t.tsv").write_text("protein\\ts1\\ts2\\nEGFR\\t10\\t0\\nCBL\\t3\\t4\\n")
    >>> _ = (d / "s.csv").write_text("sample,group\\ns1,a\\ns2,b\\n")
    >>> read_wide_table(d / "t.tsv", d / "s.csv")["intensity"].values
    array([[10., nan],
           [ 3.,  4.]])
    """
    table = Path(table)
    frame = read_text_table(table, numeric=lambda position, name: name not in (
        feature_column, *annotation_columns))
    header = list(frame.columns)
    for name in (feature_column, *annotation_columns):
        if name not in header:
            raise OmicsInputError(table, f"columns {header[:6]}", f"a {name!r} column", line=1)
    features = checked_feature_ids(frame, feature_column, table)
    sample_columns = [c for c in header if c not in (feature_column, *annotation_columns)]
    sheet = match_samples(sample_columns, header, table, read_sample_sheet(samples))
    values = parse_numeric_columns(frame, sample_columns, table)
    values[values == 0] = np.nan
    empty = np.flatnonzero(np.isnan(values).all(axis=0))
    if empty.size:
        name = sample_columns[empty[0]]
        raise OmicsInputError(table, f"no observed intensity in sample column {name!r}",
                              "at least one value per sample (a failed channel is left out "
                              "of the table and the sample sheet)", line=1,
                              column=header.index(name) + 1)
    coords = {
        "feature": features,
        "sample": np.asarray(sample_columns, dtype=object),
    }
    for name in annotation_columns:
        coords[name] = ("feature", np.asarray(frame[name], dtype=object))
    for name in sheet.columns:
        column = sheet[name].to_numpy()
        coords[name] = ("sample", column.astype(object) if column.dtype.kind in "OU" else column)
    return xr.Dataset({"intensity": (("feature", "sample"), values)}, coords=coords)


@register
class WideTableOptions(ReaderOptions):
    """``reader: wide_table``: a generic wide intensity table and its sample sheet."""

    kind = "proteomics"
    file_fields = ("table", "samples")
    reader: Literal["wide_table"] = "wide_table"
    samples: Path
    feature_column: str = "protein"
    annotation_columns: list[str] = Field(default_factory=list)

    def read(self) -> xr.Dataset:
        return read_wide_table(self.table, self.samples, feature_column=self.feature_column,
                               annotation_columns=self.annotation_columns)
