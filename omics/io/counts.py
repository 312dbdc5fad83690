"""RNA-seq count matrices (genes x samples) with a sample sheet, read into AnnData."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import anndata as ad
import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import line_of, parse_numeric_columns, read_text_table
from omics.io.options import ReaderOptions, register
from omics.io.sample_sheet import match_samples, read_sample_sheet

__all__ = ["READER_NAME", "read_counts"]

READER_NAME = "counts"


def read_counts(
    table: str | Path, samples: str | Path, *, feature_column: str = "gene"
) -> ad.AnnData:
    """Read a count table into AnnData (samples x genes, int32 counts).

    The table is genes x samples (a ``feature_column`` then one column per sample) or
    transposed (one row per sample of the sheet, one column per gene): detected. Counts must
    be non-negative integers; missing values are not allowed in counts.

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
    frame = read_text_table(table, row_names=True)
    header = list(frame.columns)
    sheet_samples = read_sample_sheet(samples)
    if feature_column not in header and set(frame[header[0]]) <= set(sheet_samples.index):
        return _samples_by_genes(frame, table, sheet_samples)
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
    sheet = match_samples(sample_columns, header, table, sheet_samples)
    counts = parse_numeric_columns(frame, sample_columns, table, integer=True)
    return _anndata(counts.T, sheet, sample_columns, list(genes), table)


def _anndata(counts: np.ndarray, sheet: pd.DataFrame, samples: list[str], genes: list[str],
             table: Path) -> ad.AnnData:
    """Samples x genes int32 counts with the sheet (in sample order) as ``obs``."""
    if counts.max(initial=0) > np.iinfo(np.int32).max:
        raise OmicsInputError(table, "a count above 2^31", "counts that fit in int32")
    obs = sheet.copy()
    obs.index = pd.Index(samples, dtype=object, name=None)
    var = pd.DataFrame(index=pd.Index(genes, dtype=object))
    return ad.AnnData(X=counts.astype(np.int32), obs=obs, var=var)


def _samples_by_genes(frame, table: Path, sheet: pd.DataFrame) -> ad.AnnData:
    """A transposed count table: rows are the sheet's samples, columns are genes."""
    header = list(frame.columns)
    samples = [str(s) for s in frame[header[0]]]
    genes = header[1:]
    missing = [s for s in sheet.index if s not in set(samples)]
    if missing:
        raise OmicsInputError(sheet.attrs["path"], f"sample {missing[0]!r} with no row in the "
                              "table", f"a row named {missing[0]!r} in {table.name}")
    counts = parse_numeric_columns(frame, genes, table, integer=True)
    return _anndata(counts, sheet.loc[samples], samples, genes, table)


@register
class CountsOptions(ReaderOptions):
    """``reader: counts``: RNA-seq counts (either orientation) and their sample sheet."""

    kind = "expression"
    file_fields = ("table", "samples")
    reader: Literal["counts"] = "counts"
    scale: Literal["counts"] = "counts"
    samples: Path
    feature_column: str = "gene"

    def read(self) -> ad.AnnData:
        return read_counts(self.table, self.samples, feature_column=self.feature_column)
