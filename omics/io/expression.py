"""Expression matrices into AnnData (samples x features): delimited tables in either
orientation, ``.h5ad`` files and 10x ``matrix.mtx`` folders.

A delimited matrix has one id column (its header may be empty, as R writes row names) and one
column per sample or per feature. The orientation is detected: with a sample sheet, from
which side holds its sample ids; without one, the longer side holds the features. Values may
be negative (log-scale, z-scores); missing values are NaN. With ``value_prefix``, only the
columns starting with it are values (e.g. ``num_HS_`` in a table that also holds clinical
columns) and the prefix is removed from their names; without a sample sheet, the other
columns become the samples' ``obs`` (one row per sample) or the features' ``var`` (one row
per feature), typed as a sample sheet. An HGNC map adds a ``symbol`` column to ``var``.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
>>> _ = p.write_text('"",EGFR,ANXA6,CBL\\n"A1",1.5,-0.2,3\\n"A2",2.5,0.1,NA\\n')
>>> adata = read_expression_matrix(p)
>>> adata.obs_names.tolist(), adata.var_names.tolist(), adata.X[1].tolist()
(['A1', 'A2'], ['EGFR', 'ANXA6', 'CBL'], [2.5, 0.1, nan])
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import anndata as ad
import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table
from omics.io.features import checked_feature_ids
from omics.io.hgnc import HgncMap
from omics.io.options import ReaderOptions, hgnc_map, register
from omics.io.reference import feature_gene_map
from omics.io.sample_sheet import read_sample_sheet, typed_columns

__all__ = ["ORIENTATIONS", "Scale", "read_10x", "read_expression_matrix", "read_h5ad"]

ORIENTATIONS = ("auto", "features_by_samples", "samples_by_features")


def _orientation(ids: list[str], columns: list[str], sheet: pd.DataFrame | None,
                 orientation: str, path: Path) -> str:
    if orientation != "auto":
        return orientation
    if sheet is not None:
        listed = set(sheet.index)
        if set(ids) <= listed:
            return "samples_by_features"
        if set(columns) <= listed:
            return "features_by_samples"
        raise OmicsInputError(path, "neither its rows nor its columns all listed in "
                              f"{Path(sheet.attrs['path']).name}",
                              "sample ids as row names or as column names", line=1)
    return "features_by_samples" if len(ids) >= len(columns) else "samples_by_features"


def read_expression_matrix(
    table: str | Path,
    samples: str | Path | None = None,
    *,
    orientation: str = "auto",
    value_prefix: str | None = None,
    hgnc: HgncMap | None = None,
    feature_map: str | Path | None = None,
) -> ad.AnnData:
    """Read a delimited expression matrix (see the module docstring). ``feature_map``
    (``"rppa"`` or a file, :func:`omics.io.reference.feature_gene_map`) adds the genes of
    each feature to ``var["gene"]`` and its ``var["modification"]``; every feature must be
    in the map."""
    table = Path(table)
    if orientation not in ORIENTATIONS:
        raise OmicsInputError("orientation", repr(orientation), "one of "
                              + ", ".join(ORIENTATIONS))
    frame = read_text_table(table, row_names=True, numeric=lambda position, name: position > 0
                            and (value_prefix is None or name.startswith(value_prefix)))
    header = list(frame.columns)
    id_column = header[0]
    value_columns = [c for c in header[1:] if value_prefix is None or c.startswith(value_prefix)]
    if not value_columns:
        raise OmicsInputError(table, f"no column starting with {value_prefix!r}",
                              "value columns", line=1)
    ids = [str(i) for i in checked_feature_ids(frame, id_column, table)]
    names = [c[len(value_prefix):] if value_prefix else c for c in value_columns]
    sheet = read_sample_sheet(samples) if samples is not None else None
    values = parse_numeric_columns(frame, value_columns, table, allow_negative=True)
    is_value = set(value_columns)
    annotations = typed_columns(frame[[c for c in header[1:] if c not in is_value]]
                                .set_axis(pd.Index(ids, dtype=object)))
    var = pd.DataFrame(index=pd.Index(names, dtype=object))
    obs = pd.DataFrame(index=pd.Index(ids, dtype=object))
    if _orientation(ids, names, sheet, orientation, table) == "features_by_samples":
        values, ids, names = values.T, names, ids
        var, obs = annotations, pd.DataFrame(index=pd.Index(ids, dtype=object))
    else:
        obs = annotations
    if sheet is not None:
        missing = [s for s in ids if s not in sheet.index]
        if missing:
            raise OmicsInputError(table, f"sample {missing[0]!r}",
                                  f"a sample listed in {Path(sheet.attrs['path']).name}")
        obs = sheet.loc[ids].copy()
        obs.index = pd.Index(ids, dtype=object)
    if hgnc is not None:
        var["symbol"] = [s or "" for s in hgnc.symbols(names)]
    if feature_map is not None:
        genes = feature_gene_map(feature_map)
        unmapped = [n for n in names if n not in genes.index]
        if unmapped:
            raise OmicsInputError(table, f"feature {unmapped[0]!r}, which the feature map "
                                  f"{feature_map} does not list",
                                  "features of the map (add a row feature,genes)", line=1)
        var["gene"] = genes.loc[names, "genes"].to_numpy(dtype=object)
        var["modification"] = genes.loc[names, "modification"].to_numpy(dtype=object)
    return ad.AnnData(X=values.astype(np.float64), obs=obs, var=var)


def read_h5ad(path: str | Path) -> ad.AnnData:
    """Read an ``.h5ad`` file (samples x features), checking that it holds a matrix."""
    path = Path(path)
    try:
        adata = ad.read_h5ad(path)
    except FileNotFoundError:
        raise OmicsInputError(path, "no such file", "an existing .h5ad file") from None
    except OSError as exc:
        raise OmicsInputError(path, f"an unreadable HDF5 file ({exc})",
                              "an .h5ad file written by anndata") from None
    if adata.n_obs == 0 or adata.n_vars == 0:
        raise OmicsInputError(path, f"a {adata.n_obs} x {adata.n_vars} matrix",
                              "at least one sample and one feature")
    return adata


def read_10x(folder: str | Path) -> ad.AnnData:
    """Read a 10x Genomics ``matrix.mtx`` folder (barcodes x genes, gene symbols as names)."""
    import scanpy as sc

    folder = Path(folder)
    if not any((folder / name).exists() for name in ("matrix.mtx", "matrix.mtx.gz")):
        raise OmicsInputError(folder, "no matrix.mtx(.gz)",
                              "a 10x folder with matrix.mtx, features.tsv and barcodes.tsv")
    try:
        adata = sc.read_10x_mtx(folder, var_names="gene_symbols", make_unique=True)
    except (FileNotFoundError, ValueError, IndexError) as exc:
        raise OmicsInputError(folder, f"an incomplete 10x folder ({exc})",
                              "matrix.mtx, features.tsv (or genes.tsv) and barcodes.tsv, "
                              "gzipped for Cell Ranger v3") from None
    adata.var_names_make_unique()
    return adata


#: Value scales of an expression modality: ``counts`` (log-CPM'd for analysis), ``log2``
#: (any log scale, e.g. microarray log-ratios: analysed as they are), ``linear`` and
#: ``ratio`` (log2 taken). A modality analysed without a declared scale is an error.
Scale = Literal["counts", "log2", "linear", "ratio"]


@register
class ExpressionMatrixOptions(ReaderOptions):
    """``reader: expression_matrix``: continuous values (microarray, RPPA, log2 RNA),
    either orientation (detected unless given); ``scale`` says which (never guessed)."""

    kind = "expression"
    file_fields = ("table", "samples", "hgnc", "feature_map")
    reader: Literal["expression_matrix"] = "expression_matrix"
    scale: Scale | None = None
    samples: Path | None = None
    orientation: Literal["auto", "features_by_samples", "samples_by_features"] = "auto"
    value_prefix: str | None = None
    hgnc: Path | None = None
    feature_map: Literal["rppa"] | Path | None = None

    def read(self) -> ad.AnnData:
        return read_expression_matrix(self.table, self.samples, orientation=self.orientation,
                                      value_prefix=self.value_prefix, hgnc=hgnc_map(self.hgnc),
                                      feature_map=self.feature_map)


@register
class H5adOptions(ReaderOptions):
    """``reader: h5ad``: an AnnData file; ``scale`` says what its ``X`` holds."""

    kind = "expression"
    reader: Literal["h5ad"] = "h5ad"
    scale: Scale | None = None

    def read(self) -> ad.AnnData:
        return read_h5ad(self.table)


@register
class TenxOptions(ReaderOptions):
    """``reader: 10x_mtx``: a 10x ``matrix.mtx`` folder."""

    kind = "expression"
    reader: Literal["10x_mtx"] = "10x_mtx"
    scale: Literal["counts"] = "counts"

    def read(self) -> ad.AnnData:
        return read_10x(self.table)
