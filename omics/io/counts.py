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
    table: str | Path, samples: str | Path, *, feature_column: str = "gene",
    expected_counts: bool = False, ids: str = "symbol",
) -> ad.AnnData:
    """Read a count table into AnnData (samples x genes, int32 counts).

    The table is genes x samples (a ``feature_column`` then one column per sample) or
    transposed (one row per sample of the sheet, one column per gene): detected. Counts must
    be non-negative integers, or with ``expected_counts=True`` non-negative numbers (RSEM or
    Salmon expected counts, kept as float64); missing values are not allowed in counts.
    With ``ids="symbol|entrez"`` (TCGA's ``EGFR|1956``) the symbol before the bar goes to
    ``var["gene"]`` (``?`` = none).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "c.tsv").write_text("gene\\ts1\\ts2\\nEGFR\\t10\\t3\\n")
    >>> _ = (d / "s.csv").write_text("sample,group\\ns1,a\\ns2,b\\n")
    >>> read_counts(d / "c.tsv", d / "s.csv").X
    array([[10],
           [ 3]], dtype=int32)
    >>> _ = (d / "e.tsv").write_text("gene\\ts1\\ts2\\nEGFR|1956\\t10.5\\t3\\n")
    >>> adata = read_counts(d / "e.tsv", d / "s.csv", expected_counts=True,
    ...                     ids="symbol|entrez")
    >>> adata.X.ravel().tolist(), adata.var["gene"].tolist()
    ([10.5, 3.0], ['EGFR'])
    """
    table = Path(table)
    frame = read_text_table(table, row_names=True,
                            numeric=lambda position, name: position > 0 and name != feature_column)
    header = list(frame.columns)
    sheet_samples = read_sample_sheet(samples)
    if feature_column not in header and set(frame[header[0]]) <= set(sheet_samples.index):
        return _with_symbols(_samples_by_genes(frame, table, sheet_samples, expected_counts),
                             ids)
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
    counts = _parse_counts(frame, sample_columns, table, expected_counts)
    return _with_symbols(_anndata(counts.T, sheet, sample_columns, list(genes), table), ids)


def _parse_counts(frame, columns: list[str], table: Path, expected_counts: bool
                  ) -> np.ndarray:
    counts = parse_numeric_columns(frame, columns, table, integer=not expected_counts)
    if expected_counts and np.isnan(counts).any():
        i, j = (int(k) for k in np.argwhere(np.isnan(counts))[0])
        raise OmicsInputError(table, f"a missing value in column {columns[j]!r}",
                              "a count (missing values are not allowed in counts)",
                              line=line_of(frame, i), column=list(frame.columns).index(
                                  columns[j]) + 1)
    return counts


def _with_symbols(adata: ad.AnnData, ids: str) -> ad.AnnData:
    """``var["gene"]`` from ``SYMBOL|entrez`` ids (TCGA), when asked."""
    if ids == "symbol|entrez":
        symbols = adata.var_names.str.split("|").str[0]
        adata.var["gene"] = np.where(symbols.isin(["?", ""]), None, symbols).astype(object)
    return adata


def _anndata(counts: np.ndarray, sheet: pd.DataFrame, samples: list[str], genes: list[str],
             table: Path) -> ad.AnnData:
    """Samples x genes counts (int32, or float64 for expected counts) with the sheet (in
    sample order) as ``obs``."""
    integer = np.array_equal(counts, np.round(counts))
    if integer and counts.max(initial=0) > np.iinfo(np.int32).max:
        raise OmicsInputError(table, "a count above 2^31", "counts that fit in int32")
    obs = sheet.copy()
    obs.index = pd.Index(samples, dtype=object, name=None)
    var = pd.DataFrame(index=pd.Index(genes, dtype=object))
    return ad.AnnData(X=counts.astype(np.int32 if integer else np.float64), obs=obs, var=var)


def _samples_by_genes(frame, table: Path, sheet: pd.DataFrame, expected_counts: bool
                      ) -> ad.AnnData:
    """A transposed count table: rows are the sheet's samples, columns are genes."""
    header = list(frame.columns)
    samples = [str(s) for s in frame[header[0]]]
    genes = header[1:]
    missing = [s for s in sheet.index if s not in set(samples)]
    if missing:
        raise OmicsInputError(sheet.attrs["path"], f"sample {missing[0]!r} with no row in the "
                              "table", f"a row named {missing[0]!r} in {table.name}")
    counts = _parse_counts(frame, genes, table, expected_counts)
    return _anndata(counts, sheet.loc[samples], samples, genes, table)


@register
class CountsOptions(ReaderOptions):
    """``reader: counts``: RNA-seq counts (either orientation) and their sample sheet;
    ``expected_counts: true`` accepts non-integer RSEM/Salmon counts; ``ids:
    symbol|entrez`` reads TCGA's ``SYMBOL|entrez`` gene ids."""

    kind = "expression"
    file_fields = ("table", "samples")
    reader: Literal["counts"] = "counts"
    scale: Literal["counts"] = "counts"
    samples: Path
    feature_column: str = "gene"
    expected_counts: bool = False
    ids: Literal["symbol", "symbol|entrez"] = "symbol"

    def read(self) -> ad.AnnData:
        return read_counts(self.table, self.samples, feature_column=self.feature_column,
                           expected_counts=self.expected_counts, ids=self.ids)
