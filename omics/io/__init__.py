"""Readers: one module per format behind one entry point, :func:`read_source`.

Each reader parses and validates one format and returns the ecosystem's type: an xarray
Dataset (proteomics), AnnData (transcriptomics) or a pandas DataFrame (tables). Readers never
compute statistics.
"""

from __future__ import annotations

from collections.abc import Callable

import anndata as ad
import pandas as pd
import xarray as xr

from omics.io.counts import read_counts
from omics.io.study import CountsSource, ProteomicsSource, StudyConfig, TableSource, load_study
from omics.io.table import read_table
from omics.io.wide_table import read_wide_table

__all__ = [
    "READERS",
    "load_study",
    "read_counts",
    "read_source",
    "read_table",
    "read_wide_table",
    "StudyConfig",
]

Source = ProteomicsSource | CountsSource | TableSource

#: reader name -> function reading a source description
READERS: dict[str, Callable[[Source], xr.Dataset | ad.AnnData | pd.DataFrame]] = {
    "wide_table": lambda s: read_wide_table(
        s.table, s.samples, feature_column=s.feature_column,
        annotation_columns=s.annotation_columns,
    ),
    "counts": lambda s: read_counts(s.table, s.samples, feature_column=s.feature_column),
    "table": lambda s: read_table(s.table, id_column=s.id_column, categories=s.categories),
}


def read_source(source: Source) -> xr.Dataset | ad.AnnData | pd.DataFrame:
    """Read one input described in ``study.yaml`` with its declared reader.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.csv"
    >>> _ = p.write_text("dose,viability\\n0,100\\n1,50\\n")
    >>> read_source(TableSource(table=p)).shape
    (2, 2)
    """
    return READERS[source.reader](source)
