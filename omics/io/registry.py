"""The reader registry: ``reader:`` name in ``study.yaml`` -> the function that reads it."""

from __future__ import annotations

from collections.abc import Callable

import anndata as ad
import pandas as pd
import xarray as xr

from omics.io.counts import read_counts
from omics.io.expression import read_10x, read_expression_matrix, read_h5ad
from omics.io.hgnc import HgncMap
from omics.io.maxquant import read_maxquant_evidence, read_maxquant_protein_groups
from omics.io.paw import read_paw
from omics.io.proteome_discoverer import read_pd_psms
from omics.io.study import CountsSource, ProteomicsSource, TableSource
from omics.io.table import read_table
from omics.io.wide_table import read_wide_table

__all__ = ["READERS", "read_source"]

Source = ProteomicsSource | CountsSource | TableSource

#: reader name -> function reading a source description
READERS: dict[str, Callable[[Source], xr.Dataset | ad.AnnData | pd.DataFrame]] = {
    "wide_table": lambda s: read_wide_table(
        s.table, s.samples, feature_column=s.feature_column,
        annotation_columns=s.annotation_columns,
    ),
    "paw": lambda s: read_paw(s.table, s.samples, hgnc=_hgnc(s.hgnc)),
    "maxquant_protein_groups": lambda s: read_maxquant_protein_groups(
        s.table, s.quantity, s.samples, hgnc=_hgnc(s.hgnc)),
    "maxquant_evidence": lambda s: read_maxquant_evidence(s.table, s.summary,
                                                          hgnc=_hgnc(s.hgnc)),
    "proteome_discoverer_psm": lambda s: read_pd_psms(s.table, s.annotation, s.summary,
                                                      hgnc=_hgnc(s.hgnc)),
    "counts": lambda s: read_counts(s.table, s.samples, feature_column=s.feature_column),
    "expression_matrix": lambda s: read_expression_matrix(
        s.table, s.samples, orientation=s.orientation, value_prefix=s.value_prefix,
        hgnc=_hgnc(s.hgnc)),
    "h5ad": lambda s: read_h5ad(s.table),
    "10x_mtx": lambda s: read_10x(s.table),
    "table": lambda s: read_table(s.table, id_column=s.id_column, categories=s.categories,
                                  columns=s.columns, survival=s.survival, sheet=s.sheet,
                                  header_row=s.header_row, keep=s.keep_columns or None),
}


def _hgnc(path) -> HgncMap | None:
    return HgncMap.from_table(path) if path else None


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
