"""The reader registry: ``reader:`` name in ``study.yaml`` -> its options model.

Each reader module declares its options model (:class:`~omics.io.options.ReaderOptions`)
and registers it; reading a source is ``source.read()``.
"""

from __future__ import annotations

from pathlib import Path

import anndata as ad
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.anndata_convert import dataset_to_anndata
from omics.io.options import READER_OPTIONS, ReaderOptions, build_options
from omics.io.study import load_study  # noqa: F401  (registers every reader)

__all__ = ["READERS", "read", "read_source"]

#: reader name -> its options model (``READERS["paw"](table=...)``)
READERS = READER_OPTIONS


def read_source(source: ReaderOptions) -> xr.Dataset | ad.AnnData | pd.DataFrame:
    """Read one input described in ``study.yaml`` with its declared reader.

    Parameters
    ----------
    source
        A reader's options (an input section of ``study.yaml``).

    Returns
    -------
    Dataset or AnnData or DataFrame
        What the reader returns: proteomics as an xarray Dataset, expression as AnnData,
        tables as DataFrames.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.csv"
    >>> _ = p.write_text("dose,viability\\n0,100\\n1,50\\n")
    >>> from omics.io.table import TableOptions
    >>> read_source(TableOptions(table=p)).shape
    (2, 2)
    """
    return source.read()


def read(reader: str, table: str | Path, **options) -> ad.AnnData | pd.DataFrame:
    """Read one file with a named reader, in a notebook: the keys of a ``study.yaml`` input
    section as keyword arguments, checked the same way.

    Parameters
    ----------
    reader
        A reader name (``paw``, ``maxquant_protein_groups``, ``counts``, ``table``, ...).
    table
        The input file (or folder, for ``10x_mtx``).
    **options
        The reader's other keys (``samples=``, ``quantity=``, ``hgnc=``, ...).

    Returns
    -------
    AnnData or DataFrame
        AnnData (``obs`` = samples, ``var`` = features) for proteomics and expression data
        (proteomics as linear intensities), a DataFrame for tables.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "t.tsv").write_text("protein\\ts1\\ts2\\nP1\\t10\\t20\\nP2\\t5\\t0\\n")
    >>> _ = (d / "s.csv").write_text("sample,group\\ns1,a\\ns2,b\\n")
    >>> adata = read("wide_table", d / "t.tsv", samples=d / "s.csv")
    >>> adata.shape, adata.obs["group"].tolist()
    ((2, 2), ['a', 'b'])
    >>> read("wide_table", d / "t.tsv", samples=d / "s.csv", quantity="lfq")
    Traceback (most recent call last):
    omics.errors.OmicsInputError: wide_table reader: found key 'quantity', which the wide_table reader does not take; expected keys of the wide_table reader: reader, table, samples, feature_column, annotation_columns
    """  # noqa: E501
    if reader not in READER_OPTIONS:
        raise OmicsInputError("reader", repr(reader), "one of " + ", ".join(READER_OPTIONS))
    source = build_options(READER_OPTIONS[reader], f"{reader} reader", table=table, **options)
    value = source.read()
    return dataset_to_anndata(value) if isinstance(value, xr.Dataset) else value
