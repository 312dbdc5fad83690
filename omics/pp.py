"""Preprocessing on AnnData (``ox.pp``), in scanpy's manner.

Each function takes an AnnData (``obs`` = samples, ``var`` = features) and works on ``X`` or
on ``layer``; the result replaces that matrix, or goes to ``layers[key_added]``. The data are
changed in place and ``None`` is returned, unless ``copy=True`` (then a changed copy is
returned). Every step appends itself and its parameters to ``uns["preprocess"]`` (read it
with :func:`history`), so nothing is applied silently. A ``(feature, sample)`` xarray
DataArray is accepted too and a new DataArray returned (the functions of
:mod:`omics.preprocess`).

Examples
--------
>>> import anndata as ad, numpy as np, pandas as pd
>>> adata = ad.AnnData(np.array([[4.0, 8.0, 0.0], [8.0, 16.0, 2.0]]),
...                    obs=pd.DataFrame(index=["s1", "s2"]))
>>> log2(adata)
>>> median_normalise(adata)
>>> adata.X.tolist()
[[2.25, 3.25, nan], [2.75, 3.75, 0.75]]
>>> [step["step"] for step in history(adata)]
['log2', 'median_normalise']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import anndata as ad
import numpy as np
import pandas as pd
import xarray as xr

from omics import preprocess
from omics.errors import OmicsInputError
from omics.io.anndata_convert import feature_matrix
from omics.preprocess.steps import record_step, steps
from omics.stats.design import design_matrix
from omics.stats.voom import counts_values, effective_library_sizes
from omics.stats.voom import voom as _voom

__all__ = [
    "combat",
    "filter_by_expr",
    "filter_expressed",
    "filter_min_valid",
    "history",
    "impute_down_shifted",
    "irs_normalise",
    "log2",
    "log_cpm",
    "median_normalise",
    "quantile_normalise",
    "remove_batch_effect",
    "tmm_normalise",
    "voom",
]

Data = ad.AnnData | xr.DataArray

_MATRIX_OPTIONS = """layer
        Read and replace ``layers[layer]`` instead of ``X``.
    key_added
        Write the result to ``layers[key_added]`` and leave the input matrix as it is.
    copy
        Return a changed copy instead of changing ``data``.

    Returns
    -------
    AnnData or DataArray or None
        ``None`` when an AnnData is changed in place; the copy with ``copy=True``; a new
        DataArray for DataArray input."""

_FILTER_OPTIONS = """layer
        Count observed values in ``layers[layer]`` instead of ``X``.
    copy
        Return a filtered copy instead of filtering ``data`` in place.

    Returns
    -------
    AnnData or DataArray or None
        ``None`` when an AnnData is filtered in place; the copy with ``copy=True``; a new
        DataArray for DataArray input."""


def _shared_docs(function):
    """Fill the shared parameter text into a docstring (``{matrix_options}``,
    ``{filter_options}``)."""
    function.__doc__ = function.__doc__.replace("{matrix_options}", _MATRIX_OPTIONS).replace(
        "{filter_options}", _FILTER_OPTIONS)
    return function


def _apply(data: Data, transform: Callable[[xr.DataArray], xr.DataArray], *,
           layer: str | None, key_added: str | None, copy: bool) -> Data | None:
    """Run a DataArray transform on an AnnData's matrix and store the result."""
    if isinstance(data, xr.DataArray):
        return transform(data)
    adata = data.copy() if copy else data
    matrix, _ = feature_matrix(adata, layer)
    out = transform(matrix)
    kept = np.asarray(out["feature"].values).astype(str)
    if len(kept) != adata.n_vars:
        adata._inplace_subset_var(adata.var_names.isin(kept))
    values = np.asarray(out.transpose("feature", "sample").values).T
    if key_added is not None:
        adata.layers[key_added] = values
    elif layer is not None:
        adata.layers[layer] = values
    else:
        adata.X = values
    record = {**steps(out)[-1], "layer": layer, "key_added": key_added}
    adata.uns["preprocess"] = json.dumps([*history(adata), record])
    return adata if copy else None


def history(adata: ad.AnnData) -> list[dict]:
    """The preprocessing steps applied to an AnnData, oldest first (kept as JSON text in
    ``uns["preprocess"]``, so the AnnData still writes to ``.h5ad`` and Zarr).

    Parameters
    ----------
    adata
        An AnnData preprocessed by this module.

    Returns
    -------
    list of dict
        ``{"step": name, **parameters}`` per step.

    Examples
    --------
    >>> adata = ad.AnnData(np.ones((2, 2)))
    >>> log2(adata)
    >>> history(adata)
    [{'step': 'log2', 'layer': None, 'key_added': None}]
    """
    return json.loads(adata.uns.get("preprocess", "[]"))


def _per_sample(adata: Data, key: str) -> np.ndarray:
    """The ``obs`` column (AnnData) or sample coordinate (DataArray) named ``key``."""
    frame = adata.obs if isinstance(adata, ad.AnnData) else None
    if frame is not None:
        if key not in frame.columns:
            raise OmicsInputError("obs", f"no column {key!r}",
                                  "one of " + ", ".join(map(str, frame.columns)))
        return frame[key].to_numpy()
    if key not in adata.coords:
        raise OmicsInputError("samples", f"no coordinate {key!r}", "a sample coordinate")
    return np.asarray(adata[key].values)


def _per_feature(adata: Data, reference) -> np.ndarray | None:
    """Reference features as a boolean mask: a ``var`` column name or a boolean array."""
    if reference is None or not isinstance(reference, str):
        return None if reference is None else np.asarray(reference, dtype=bool)
    if isinstance(adata, ad.AnnData):
        if reference not in adata.var.columns:
            raise OmicsInputError("var", f"no column {reference!r}", "a boolean var column")
        return adata.var[reference].to_numpy(dtype=bool)
    return np.asarray(adata[reference].values, dtype=bool)


@_shared_docs
def log2(data: Data, *, layer: str | None = None, key_added: str | None = None,
         copy: bool = False) -> Data | None:
    """log2 of positive intensities; zeros and negatives become NaN (missing).

    Parameters
    ----------
    data
        AnnData (``obs`` = samples, ``var`` = features) or a ``(feature, sample)``
        DataArray.
    {matrix_options}

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[4.0, 0.0], [8.0, 2.0]]))
    >>> log2(adata)
    >>> adata.X.tolist()
    [[2.0, nan], [3.0, 1.0]]
    """
    return _apply(data, preprocess.log2_intensity, layer=layer, key_added=key_added, copy=copy)


@_shared_docs
def median_normalise(data: Data, *, reference: str | np.ndarray | None = None,
                     layer: str | None = None, key_added: str | None = None,
                     copy: bool = False) -> Data | None:
    """Equalise sample medians of log values, optionally over reference features only.

    Each sample is shifted so that its median equals the mean of the sample medians.

    Parameters
    ----------
    data
        AnnData (``obs`` = samples, ``var`` = features) or a ``(feature, sample)``
        DataArray of log values.
    reference
        Features known not to change (a boolean ``var`` column name or mask), e.g. the
        background proteome of a spike-in; default all features.
    {matrix_options}

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[1.0, 2.0, 9.0], [3.0, 5.0, 2.0]]))
    >>> adata.var["background"] = [True, True, False]
    >>> median_normalise(adata, reference="background")
    >>> adata.X.tolist()
    [[2.25, 3.25, 10.25], [1.75, 3.75, 0.75]]
    """
    mask = _per_feature(data, reference)
    return _apply(data, lambda m: preprocess.median_normalise(m, reference=mask),
                  layer=layer, key_added=key_added, copy=copy)


@_shared_docs
def irs_normalise(data: Data, *, plex_key: str = "plex", reference_key: str = "reference",
                  layer: str | None = None, key_added: str | None = None,
                  copy: bool = False) -> Data | None:
    """TMT internal reference scaling across plexes on each plex's pooled channel(s).

    For every feature, each plex is shifted so that its reference channels' mean equals the
    mean reference level over all plexes (Plubell et al. 2017).

    Parameters
    ----------
    data
        AnnData (or DataArray) of log2 intensities, loading-normalised within plexes.
    plex_key, reference_key
        Sample columns: the plex of each channel, and whether it is a reference channel.
    {matrix_options}

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"plex": [1, 1, 2, 2], "reference": [True, False, True, False]},
    ...                    index=["a", "b", "c", "d"])
    >>> adata = ad.AnnData(np.array([[10.0], [11.0], [12.0], [13.0]]), obs=obs)
    >>> irs_normalise(adata)
    >>> adata.X.ravel().tolist()
    [11.0, 12.0, 11.0, 12.0]
    """
    plex = _per_sample(data, plex_key)
    reference = _per_sample(data, reference_key).astype(bool)
    return _apply(data, lambda m: preprocess.irs_normalise(m, plex, reference), layer=layer,
                  key_added=key_added, copy=copy)


@_shared_docs
def quantile_normalise(data: Data, *, layer: str | None = None, key_added: str | None = None,
                       copy: bool = False) -> Data | None:
    """Quantile normalisation, as limma's ``normalizeQuantiles`` (ties averaged, NaN kept).

    Parameters
    ----------
    data
        AnnData (``obs`` = samples, ``var`` = features) or a ``(feature, sample)``
        DataArray.
    {matrix_options}

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[5.0, 2, 3, 4], [4, 1, 4, 2], [3, 4, 6, 8]]))
    >>> quantile_normalise(adata)
    >>> adata.X[0].round(3).tolist()
    [5.667, 2.0, 3.0, 4.667]
    """
    return _apply(data, preprocess.quantile_normalise, layer=layer, key_added=key_added,
                  copy=copy)


def _covariate_design(data: Data, covariates: str | Sequence[str] | None
                      ) -> pd.DataFrame | None:
    """The design of covariates to protect or keep: a formula over the sample sheet
    (``"~ condition + age"``) or a list of its columns."""
    if covariates is None:
        return None
    formula = covariates if isinstance(covariates, str) else "~ " + " + ".join(covariates)
    return design_matrix(_samples_of(data), formula)


@_shared_docs
def combat(data: Data, batch_key: str = "batch", *,
           covariates: str | Sequence[str] | None = None, parametric: bool = True,
           mean_only: bool = False, reference_batch: str | None = None,
           layer: str | None = None, key_added: str | None = None,
           copy: bool = False) -> Data | None:
    """ComBat batch adjustment of log values, equal to R ``sva::ComBat`` (missing values
    allowed; :func:`omics.preprocess.batch.combat`).

    Keep the batch in the design when testing the adjusted values, as limma users are
    taught: ComBat removes degrees of freedom that a test without the batch term would not
    count.

    Parameters
    ----------
    data
        AnnData (``obs`` = samples) or a ``(feature, sample)`` DataArray of log values.
    batch_key
        The sample column of the batches (e.g. the TMT plex).
    covariates
        Effects to protect: a formula over the sample columns (``"~ condition"``) or a list
        of them. Without them a batch confounded with the condition takes the condition's
        effect with it.
    parametric
        Parametric prior (``False``: sva's non-parametric prior).
    mean_only
        Adjust batch means only (sva ``mean.only``).
    reference_batch
        A batch left unchanged (sva ``ref.batch``).
    {matrix_options}

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(0, 1, (8, 40)); x[4:] += 2
    >>> obs = pd.DataFrame({"plex": list("11112222"), "group": list("abababab")},
    ...                    index=[f"s{i}" for i in range(8)])
    >>> adata = ad.AnnData(x, obs=obs)
    >>> round(float(adata.X[4:].mean() - adata.X[:4].mean()), 1)
    1.9
    >>> combat(adata, "plex", covariates=["group"])
    >>> bool(abs(adata.X[4:].mean() - adata.X[:4].mean()) < 0.2)
    True
    """
    batch = _per_sample(data, batch_key)
    design = _covariate_design(data, covariates)
    return _apply(data, lambda m: preprocess.combat(
        m, batch, design, parametric=parametric, mean_only=mean_only,
        reference_batch=reference_batch), layer=layer, key_added=key_added, copy=copy)


@_shared_docs
def remove_batch_effect(data: Data, batch_key: str = "batch", *, batch2_key: str | None = None,
                        covariates: str | Sequence[str] | None = None,
                        layer: str | None = None, key_added: str | None = None,
                        copy: bool = False) -> Data | None:
    """limma's ``removeBatchEffect`` for display (PCA, heatmaps): the batch effects are
    fitted together with the ``covariates`` to keep, then subtracted. Do not test the
    result; put the batch in the design instead.

    Parameters
    ----------
    data
        AnnData (``obs`` = samples) or a ``(feature, sample)`` DataArray of log values.
    batch_key, batch2_key
        Sample columns of the batches to remove.
    covariates
        Effects to keep (limma's ``design``): a formula over the sample columns or a list
        of them; default the intercept only.
    {matrix_options}

    Examples
    --------
    >>> obs = pd.DataFrame({"plex": list("1122")}, index=list("wxyz"))
    >>> adata = ad.AnnData(np.array([[1.0], [2.0], [5.0], [6.0]]), obs=obs)
    >>> remove_batch_effect(adata, "plex", key_added="display")
    >>> adata.layers["display"].ravel().round(9).tolist()
    [3.0, 4.0, 3.0, 4.0]
    """
    batch = _per_sample(data, batch_key)
    batch2 = None if batch2_key is None else _per_sample(data, batch2_key)
    design = _covariate_design(data, covariates)
    keep = None if design is None else design.to_numpy(dtype=np.float64)
    return _apply(data, lambda m: preprocess.remove_batch_effect(m, batch, batch2,
                                                                 design=keep),
                  layer=layer, key_added=key_added, copy=copy)


@_shared_docs
def filter_min_valid(data: Data, group_key: str, min_valid: int, *, require: str = "any",
                     layer: str | None = None, copy: bool = False) -> Data | None:
    """Keep features with at least ``min_valid`` observed values in ``any``/``all`` groups.

    The removed features are listed in ``uns["preprocess"]`` (:func:`history`).

    Parameters
    ----------
    data
        AnnData (or DataArray) of log values, NaN = missing.
    group_key
        The sample column that defines the groups.
    min_valid
        Observed values needed per group.
    require
        ``"any"``: enough in at least one group; ``"all"``: in every group.
    {filter_options}

    Examples
    --------
    >>> import pandas as pd
    >>> adata = ad.AnnData(np.array([[1.0, np.nan], [2.0, np.nan], [3.0, 1.0], [4.0, 1.0]]),
    ...                    obs=pd.DataFrame({"g": list("aabb")}, index=list("wxyz")))
    >>> filter_min_valid(adata, "g", 2, require="all")
    >>> adata.n_vars, history(adata)[-1]["removed"]
    (1, ['1'])
    """
    groups = _per_sample(data, group_key)
    return _apply(data, lambda m: preprocess.filter_min_valid(m, groups, min_valid, require),
                  layer=layer, key_added=None, copy=copy)


@_shared_docs
def impute_down_shifted(data: Data, *, shift: float = 1.8, width: float = 0.3, seed: int = 0,
                        layer: str | None = None, key_added: str | None = None,
                        copy: bool = False) -> Data | None:
    """Replace missing log values by seeded draws below each sample's distribution
    (Perseus-style: mean - ``shift`` SD, spread ``width`` SD).

    Parameters
    ----------
    data
        AnnData (or DataArray) of log values, NaN = missing.
    shift, width
        Centre and spread of the draws, in the sample's SDs.
    seed
        Random seed (the draws are reproducible).
    {matrix_options}

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[20.0, 21, np.nan, 22], [19, 20, 21, np.nan]]))
    >>> impute_down_shifted(adata)
    >>> bool(np.isfinite(adata.X).all()), bool(adata.X[0, 2] < 20), bool(adata.X[1, 3] < 19)
    (True, True, True)
    """
    return _apply(data, lambda m: preprocess.impute_down_shifted(m, shift=shift, width=width,
                                                                 seed=seed),
                  layer=layer, key_added=key_added, copy=copy)


def _samples_of(data: Data) -> pd.DataFrame:
    """The sample sheet of an AnnData (``obs``) or a DataArray (its sample coordinates)."""
    return feature_matrix(data)[1]


def _design_array(data: Data, design: str | pd.DataFrame | np.ndarray | None
                  ) -> np.ndarray | None:
    """A design as a samples x columns array: a formula over the sample sheet, or a matrix."""
    if design is None:
        return None
    if isinstance(design, str):
        return design_matrix(_samples_of(data), design).to_numpy(dtype=np.float64)
    return np.asarray(design, dtype=np.float64)


def _with_norm_factors(data: Data, matrix: xr.DataArray) -> xr.DataArray:
    """``matrix`` with the TMM ``norm_factor`` of :func:`tmm_normalise`, when there is one."""
    if isinstance(data, ad.AnnData) and "norm_factor" in data.obs.columns:
        return matrix.assign_coords(norm_factor=("sample", data.obs["norm_factor"].to_numpy(
            dtype=np.float64)))
    return matrix


@_shared_docs
def log_cpm(data: Data, *, prior_count: float = 2.0, layer: str | None = None,
            key_added: str | None = None, copy: bool = False) -> Data | None:
    """edgeR's ``cpm(log=TRUE)`` of counts (log2 counts per million, prior count scaled by
    library size), on the effective library sizes after :func:`tmm_normalise`. Values that
    cannot be counts are refused (negative, missing, or non-integers all below 50).

    Parameters
    ----------
    data
        AnnData (or DataArray) of raw or expected counts.
    prior_count
        Average count added to each value (scaled by library size), as edgeR.
    {matrix_options}

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[0.0, 100], [10, 90]]))
    >>> log_cpm(adata, key_added="log_cpm")
    >>> adata.layers["log_cpm"].round(2).tolist()
    [[14.23, 19.9], [16.82, 19.75]]
    """
    return _apply(data, lambda m: preprocess.log_cpm_counts(_with_norm_factors(data, m),
                                                            prior_count),
                  layer=layer, key_added=key_added, copy=copy)


@_shared_docs
def filter_expressed(data: Data, *, min_cpm: float = 1.0, min_samples: int = 3,
                     layer: str | None = None, copy: bool = False) -> Data | None:
    """Keep genes with at least ``min_cpm`` counts per million in ``min_samples`` samples
    (of raw counts); the removed genes are listed in ``uns["preprocess"]``.

    Parameters
    ----------
    data
        AnnData (or DataArray) of raw counts.
    min_cpm, min_samples
        A gene is kept when ``min_samples`` samples reach ``min_cpm``.
    {filter_options}

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[0.0, 500, 500], [0, 500, 500], [1, 500, 500]]))
    >>> filter_expressed(adata, min_cpm=10, min_samples=2)
    >>> adata.var_names.tolist()
    ['1', '2']
    """
    def transform(matrix: xr.DataArray) -> xr.DataArray:
        keep = preprocess.expressed_genes(counts_values(matrix), min_cpm, min_samples)
        removed = np.asarray(matrix["feature"].values)[~keep].astype(str).tolist()
        return record_step(matrix.isel(feature=np.flatnonzero(keep)), matrix,
                           "filter_expressed", min_cpm=min_cpm, min_samples=min_samples,
                           removed=removed)

    return _apply(data, transform, layer=layer, key_added=None, copy=copy)


@_shared_docs
def filter_by_expr(data: Data, *, group_key: str | None = None,
                   design: str | pd.DataFrame | np.ndarray | None = None,
                   min_count: float = 10, min_total_count: float = 15, large_n: int = 10,
                   min_prop: float = 0.7, layer: str | None = None,
                   copy: bool = False) -> Data | None:
    """edgeR's ``filterByExpr``: keep genes with enough counts to be tested.

    A gene is kept when its CPM reaches ``min_count`` at the median library size in as many
    samples as the smallest group, and its total count reaches ``min_total_count``. The
    removed genes are listed in ``uns["preprocess"]`` (:func:`history`).

    Parameters
    ----------
    data
        AnnData (or DataArray) of raw or expected counts.
    group_key
        The ``obs`` column of the sample groups.
    design
        Instead of ``group_key``: a formula over ``obs`` or a design matrix (R's
        ``filterByExpr(y, design)``). With neither, all samples form one group.
    min_count, min_total_count, large_n, min_prop
        edgeR's ``min.count``, ``min.total.count``, ``large.n`` and ``min.prop``.
    {filter_options}

    Examples
    --------
    >>> obs = pd.DataFrame({"g": list("aabb")}, index=list("wxyz"))
    >>> adata = ad.AnnData(np.array([[900.0, 0, 5], [800, 0, 0], [950, 40, 0], [700, 0, 0]]),
    ...                    obs=obs)
    >>> filter_by_expr(adata, group_key="g", min_count=5)
    >>> adata.var_names.tolist(), history(adata)[-1]["removed"]
    (['0'], ['1', '2'])
    """
    groups = _per_sample(data, group_key) if group_key is not None else None
    matrix_design = _design_array(data, design)
    return _apply(data, lambda m: preprocess.filter_by_expr(
        m, group=groups, design=matrix_design, min_count=min_count,
        min_total_count=min_total_count, large_n=large_n, min_prop=min_prop),
        layer=layer, key_added=None, copy=copy)


def tmm_normalise(data: Data, *, layer: str | None = None, copy: bool = False
                  ) -> Data | None:
    """edgeR's TMM normalisation factors (``calcNormFactors``), for :func:`log_cpm` and
    :func:`voom`. The counts are not changed.

    Parameters
    ----------
    data
        AnnData (or DataArray) of raw or expected counts.
    layer
        Use ``layers[layer]`` instead of ``X``.
    copy
        Return a changed copy instead of changing ``data``.

    Returns
    -------
    AnnData or DataArray or None
        The factors go to ``obs["norm_factor"]`` (``None`` returned, or the copy with
        ``copy=True``); a DataArray is returned with a ``norm_factor`` sample coordinate.

    Examples
    --------
    >>> adata = ad.AnnData(np.array([[10.0, 20, 30, 40, 1], [20, 40, 60, 80, 2]]))
    >>> tmm_normalise(adata)
    >>> adata.obs["norm_factor"].round(3).tolist()
    [1.0, 1.0]
    """
    if isinstance(data, xr.DataArray):
        return preprocess.tmm_normalise(data)
    adata = data.copy() if copy else data
    matrix, _ = feature_matrix(adata, layer)
    out = preprocess.tmm_normalise(matrix)
    adata.obs["norm_factor"] = np.asarray(out["norm_factor"].values)
    adata.uns["preprocess"] = json.dumps([*history(adata), {**steps(out)[-1], "layer": layer}])
    return adata if copy else None


def voom(data: Data, design: str | pd.DataFrame | np.ndarray, *, layer: str | None = None,
         span: float = 0.5, key_added: str = "voom", copy: bool = False
         ) -> Data | xr.Dataset | None:
    """limma's ``voom``: log2-CPM and precision weights for a linear model of counts.

    The library sizes are the effective ones after :func:`tmm_normalise`. Fit the result
    with :func:`omics.tl.differential` (``layer=key_added, weights=key_added +
    "_weights"``).

    Parameters
    ----------
    data
        AnnData (or DataArray) of raw or expected counts.
    design
        The design of the model to be fitted: a formula over ``obs`` or a matrix.
    layer
        Use ``layers[layer]`` instead of ``X``.
    span
        Lowess span of the mean-variance trend.
    key_added
        ``layers[key_added]`` gets the log2-CPM and ``layers[key_added + "_weights"]`` the
        weights.
    copy
        Return a changed copy instead of changing ``data``.

    Returns
    -------
    AnnData or Dataset or None
        ``None`` (AnnData changed in place), the copy with ``copy=True``, or for a DataArray
        a Dataset of ``values`` and ``weights``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> obs = pd.DataFrame({"g": list("aaabbb")}, index=[f"s{i}" for i in range(6)])
    >>> adata = ad.AnnData(rng.poisson(60, size=(6, 200)).astype(float), obs=obs)
    >>> voom(adata, "~ g")
    >>> adata.layers["voom"].shape, bool((adata.layers["voom_weights"] > 0).all())
    ((6, 200), True)
    """
    matrix, _ = feature_matrix(data, layer)
    matrix = _with_norm_factors(data, matrix)
    result = _voom(counts_values(matrix), _design_array(data, design),
                   lib_size=effective_library_sizes(matrix), span=span)
    if isinstance(data, xr.DataArray):
        return xr.Dataset({"values": (matrix.dims, result.values),
                           "weights": (matrix.dims, result.weights)}, coords=matrix.coords)
    adata = data.copy() if copy else data
    adata.layers[key_added] = result.values.T
    adata.layers[f"{key_added}_weights"] = result.weights.T
    adata.uns["preprocess"] = json.dumps([*history(adata), {
        "step": "voom", "layer": layer, "key_added": key_added, "span": span,
        "tmm": "norm_factor" in matrix.coords}])
    return adata if copy else None
