"""RNA-seq count matrices (genes x samples) with a sample sheet, read into AnnData."""

from __future__ import annotations

from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import line_of, parse_numeric_columns, read_text_table
from omics.io.sample_sheet import match_samples, read_sample_sheet

__all__ = ["READER_NAME", "read_counts"]

READER_NAME = "counts"


def read_counts(
    table: str | Path, samples: str | Path, *, feature_column: str = "gene"
) -> ad.AnnData:
    """Read a genes x samples count table into AnnData (samples x genes, int32 counts).

    Counts must be non-negative integers; missing values are not allowed in counts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("gene\\ts1\\ts2\\nEGFR\\t10\\t3\\n")
    >>> _ = (d / "s.csv").write_text("sample,group\\ns1,a\\ns2,b\\n")
    >>> read_counts(d / "c.tsv", d / "s.csv").X
    array([[10],
           [ 3]], dtype=int32)
    """
    table = Path(table)
    frame = read_text_table(table)
    header = list(frame.columns)
    if feature_column not in header:
        raise OmicsInputError(table, f"columns {header[:6]}", f"a {feature_column!r} column",
                              line=1)
    genes = frame[feature_column]
    duplicated = genes.duplicated()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise OmicsInputError(table, f"gene id {genes.iloc[i]!r} a second time",
                              "unique gene ids", line=line_of(frame, i),
                              column=header.index(feature_column) + 1)
    sample_columns = [c for c in header if c != feature_column]
    sheet = match_samples(sample_columns, header, table, read_sample_sheet(samples))
    counts = parse_numeric_columns(frame, sample_columns, table, integer=True)
    if counts.max(initial=0) > np.iinfo(np.int32).max:
        raise OmicsInputError(table, "a count above 2^31", "counts that fit in int32")
    obs = sheet.copy()
    obs.index = pd.Index(sample_columns, dtype=object, name=None)
    var = pd.DataFrame(index=pd.Index(genes.to_numpy(), dtype=object))
    return ad.AnnData(X=counts.T.astype(np.int32), obs=obs, var=var)
