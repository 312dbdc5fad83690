"""Conversions between the store's xarray layout and the scverse types.

Proteomics is held as a ``(feature, sample)`` xarray Dataset (chunked over features in the
store); scverse tools expect AnnData with ``obs`` = samples and ``var`` = features. A study is
a MuData of its modalities, each modality's ``obs`` carrying the clinical columns of its
subjects (joined on the subject column), so joint analyses see the same subject-level data
from every modality.

Examples
--------
>>> import numpy as np, xarray as xr
>>> ds = xr.Dataset({"intensity": (("feature", "sample"), np.arange(6.0).reshape(3, 2))},
...                 coords={"feature": ["p1", "p2", "p3"], "sample": ["s1", "s2"],
...                         "gene": ("feature", ["A", "B", "C"]),
...                         "condition": ("sample", ["res", "sens"])})
>>> adata = dataset_to_anndata(ds)
>>> adata.shape, list(adata.obs["condition"]), list(adata.var["gene"])
((2, 3), ['res', 'sens'], ['A', 'B', 'C'])
"""

from __future__ import annotations

import warnings

import anndata as ad
import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["coordinate_frame", "dataset_to_anndata", "feature_matrix", "study_mudata"]


def coordinate_frame(data: xr.Dataset | xr.DataArray, dim: str) -> pd.DataFrame:
    """The coordinates along ``dim`` (e.g. the sample sheet along ``sample``) as a table
    indexed by ``dim``; text columns as ``str``, missing values (stored as ``""`` in Zarr's
    string arrays) as NaN.

    Examples
    --------
    >>> ds = xr.Dataset(coords={"sample": ["s1", "s2"], "plex": ("sample", ["P1", "P2"])})
    >>> coordinate_frame(ds, "sample")["plex"].tolist()
    ['P1', 'P2']
    """
    frame = pd.DataFrame({name: np.asarray(coord.values) for name, coord in data.coords.items()
                          if coord.dims == (dim,) and name != dim},
                         index=pd.Index(np.asarray(data[dim].values).astype(str)))
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind not in "biuf":
            text = values.astype(str)
            frame[column] = text.where(values.notna() & (text != ""), np.nan)
    return frame


def dataset_to_anndata(data: xr.Dataset, variable: str = "intensity", *,
                       lazy: bool = False) -> ad.AnnData:
    """A ``(feature, sample)`` Dataset as AnnData (samples x features).

    Parameters
    ----------
    data
        Dataset with ``variable`` over ``(feature, sample)``; sample coordinates become
        ``obs`` columns, feature coordinates ``var`` columns.
    variable
        The data variable to use as ``X``.
    lazy
        Keep a dask-backed ``X`` (nothing is read until computed); otherwise load it.

    Returns
    -------
    AnnData

    Examples
    --------
    >>> ds = xr.Dataset({"intensity": (("feature", "sample"), np.ones((3, 2)))},
    ...                 coords={"feature": ["a", "b", "c"], "sample": ["s1", "s2"]})
    >>> dataset_to_anndata(ds, lazy=False).obs_names.tolist()
    ['s1', 's2']
    """
    values = data[variable].transpose("sample", "feature").data
    if not lazy:
        values = np.asarray(values)
    adata = ad.AnnData(X=values, obs=coordinate_frame(data, "sample"),
                       var=coordinate_frame(data, "feature"))
    adata.uns["provenance"] = dict(data[variable].attrs)
    return adata


def feature_matrix(data: ad.AnnData | xr.DataArray, layer: str | None = None
                   ) -> tuple[xr.DataArray, pd.DataFrame]:
    """The ``(feature, sample)`` DataArray and the sample sheet behind an AnnData (its
    ``X`` or ``layer``) or a DataArray, for the statistics functions.

    Categorical sample columns are kept categorical (unused levels are dropped later, by the
    design matrix).

    Examples
    --------
    >>> adata = ad.AnnData(np.ones((2, 3)), obs=pd.DataFrame({"g": ["a", "b"]}, index=["s1", "s2"]))
    >>> matrix, samples = feature_matrix(adata)
    >>> matrix.dims, matrix.shape, list(samples["g"])
    (('feature', 'sample'), (3, 2), ['a', 'b'])
    """
    if isinstance(data, xr.DataArray):
        matrix = data.transpose("feature", "sample")
        return matrix, coordinate_frame(matrix, "sample")
    values = data.X if layer is None else data.layers[layer]
    if hasattr(values, "toarray"):
        values = values.toarray()
    matrix = xr.DataArray(values.T, dims=("feature", "sample"),
                          coords={"feature": np.asarray(data.var_names, dtype=object),
                                  "sample": np.asarray(data.obs_names, dtype=object)})
    return matrix, data.obs.copy()


def study_mudata(modalities: dict[str, ad.AnnData], clinical: pd.DataFrame | None = None,
                 subject_column: str = "subject_id"):
    """A MuData of the modalities, the clinical columns joined onto each modality's ``obs``
    by ``subject_column`` (modalities without that column are left as they are).

    Parameters
    ----------
    modalities
        ``{name: AnnData}`` (samples x features).
    clinical
        One row per subject (index = subject id), or ``None``.
    subject_column
        The ``obs`` column naming each sample's subject.

    Returns
    -------
    mudata.MuData
        With the clinical table itself in ``uns["clinical"]``.

    Examples
    --------
    >>> obs = pd.DataFrame({"subject_id": ["p1", "p2"]}, index=["t1", "t2"])
    >>> clinical = pd.DataFrame({"age": [50, 61]}, index=["p1", "p2"])
    >>> mdata = study_mudata({"rna": ad.AnnData(np.ones((2, 3)), obs=obs)}, clinical)
    >>> mdata["rna"].obs["age"].tolist()
    [50, 61]
    """
    import mudata

    joined = {}
    for name, adata in modalities.items():
        if clinical is not None and subject_column in adata.obs.columns:
            extra = clinical.drop(columns=[c for c in clinical.columns
                                           if c in adata.obs.columns])
            extra.index = extra.index.astype(str)
            subjects = adata.obs[subject_column].astype(str)
            obs = adata.obs.join(extra.reindex(subjects.to_numpy()).set_axis(adata.obs_names))
            adata = ad.AnnData(X=adata.X, obs=obs, var=adata.var, layers=dict(adata.layers),
                               uns=dict(adata.uns), obsm=dict(adata.obsm), varm=dict(adata.varm))
        joined[name] = adata
    with mudata.set_options(pull_on_update=False), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # gene names shared by modalities
        mdata = mudata.MuData(joined)
    if clinical is not None:
        mdata.uns["clinical"] = clinical
    return mdata
