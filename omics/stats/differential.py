"""Differential analysis over a feature x sample DataArray: limma's moderated t (also on voom
weights for counts), Welch, Wilcoxon.

The linear model is fitted feature-chunk by feature-chunk (Dask ``map_blocks`` when the data
are dask-backed, so the store may be larger than memory); the empirical Bayes prior then needs
only two numbers per feature, so it runs on the gathered per-feature variances (a two-pass
reduction). ``dask.compute`` uses whatever scheduler is active, e.g. a distributed client.

Examples
--------
>>> import numpy as np, pandas as pd, xarray as xr
>>> rng = np.random.default_rng(0)
>>> values = rng.normal(20, 0.3, size=(200, 6)); values[0, 3:] += 2
>>> data = xr.DataArray(values, dims=("feature", "sample"),
...                     coords={"feature": [f"p{i}" for i in range(200)]})
>>> samples = pd.DataFrame({"group": list("aaabbb")})
>>> out = moderated_t(data, samples, "~ 0 + group", {"b_vs_a": "group[b] - group[a]"})
>>> top = out["b_vs_a"].sort_values("p_value").iloc[0]
>>> top["feature"], bool(top["fdr"] < 0.01)
('p0', True)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.stats.design import contrast_matrix, design_matrix
from omics.stats.limma_fit import lm_fit
from omics.stats.multiple_testing import adjust_p_values
from omics.stats.selection import select_samples
from omics.stats.two_group import TwoGroupTest, welch_t, wilcoxon_rank_sum
from omics.stats.voom import (
    counts_values,
    effective_library_sizes,
    voom,
    voom_with_quality_weights,
)

__all__ = [
    "METHODS",
    "RESULT_COLUMNS",
    "contrast_sample_groups",
    "differential",
    "moderated_t",
    "two_group_test",
    "voom_t",
]

#: Tests offered by :func:`differential`.
METHODS = ("moderated", "voom", "welch", "wilcoxon")

#: Columns of a differential result table, in order.
RESULT_COLUMNS = [
    "feature", "log2_fc", "ci_low", "ci_high", "mean_expr", "t", "p_value", "fdr", "df_total",
]


def moderated_t(
    data: xr.DataArray,
    samples: pd.DataFrame,
    design: str,
    contrasts: dict[str, str],
    *,
    sample_query: str | None = None,
    confidence: float = 0.95,
    trend: bool = False,
    robust: bool = False,
    fdr_method: str = "bh",
    weights: np.ndarray | None = None,
) -> dict[str, pd.DataFrame]:
    """limma ``lmFit`` -> ``contrasts.fit`` -> ``eBayes`` for each contrast.

    Parameters
    ----------
    data
        Log-scale values, dims ``(feature, sample)``; NaN = missing.
    samples
        Sample sheet, one row per sample of ``data`` in the same order.
    design
        Formula over the sample sheet, e.g. ``"~ 0 + condition + plex"``.
    contrasts
        ``{name: expression over design columns}``.
    sample_query
        Selection of the samples to model (e.g. ``"not reference"``;
        :func:`omics.stats.selection.select_samples`).
    confidence
        Level of the fold-change confidence interval.
    trend
        limma's ``eBayes(trend=TRUE)``: prior variance trended on average expression.
    robust
        limma's ``eBayes(robust=TRUE)``: robust prior df, smaller for outlying variances.
    fdr_method
        ``"bh"`` (Benjamini-Hochberg) or ``"storey"`` (Storey q-values) for the ``fdr`` column.
    weights
        Feature x sample precision weights (e.g. voom's), for all samples of ``data``.

    Returns
    -------
    dict of DataFrame
        One table per contrast with :data:`RESULT_COLUMNS`, one row per feature (NaN where
        the contrast is not estimable for a feature); ``attrs`` hold ``s2_prior``,
        ``df_prior``, the design and the contrast.
    """
    keep = np.flatnonzero(select_samples(samples, sample_query).to_numpy())
    # every sample: the array as it is (indexing a dask array copies each of its chunks)
    values = data.data if keep.size == data.sizes["sample"] else data.data[:, keep]
    fit = lm_fit(values, design_matrix(samples.iloc[keep], design),
                 features=data["feature"].values,
                 weights=None if weights is None else np.asarray(weights)[:, keep])
    fit = fit.contrasts_fit(contrasts).ebayes(trend=trend, robust=robust)
    tables = {}
    for name in fit.coefficient_names:
        full = fit.top_table(name, sort_by="none", adjust=fdr_method, confidence=confidence,
                             names="omics")
        table = full.drop(columns="log_odds")  # the columns of RESULT_COLUMNS
        table.attrs = {**full.attrs, "design": design, "contrast": contrasts[name]}
        tables[name] = table
    return tables


def voom_t(
    data: xr.DataArray,
    samples: pd.DataFrame,
    design: str,
    contrasts: dict[str, str],
    *,
    sample_query: str | None = None,
    robust: bool = False,
    span: float = 0.5,
    sample_weights: bool = False,
    **options,
) -> dict[str, pd.DataFrame]:
    """limma's ``voom`` on counts, then :func:`moderated_t` with its precision weights.

    Parameters
    ----------
    data
        Counts, dims ``(feature, sample)`` (non-integer expected counts accepted); a
        ``norm_factor`` sample coordinate (TMM, :func:`omics.preprocess.tmm_normalise`) sets
        the effective library sizes.
    samples, design, contrasts, sample_query
        As :func:`moderated_t`.
    robust
        limma's ``eBayes(robust=TRUE)``.
    span
        Lowess span of voom's mean-variance trend.
    sample_weights
        limma's ``voomWithQualityWeights``: sample weights down-weight samples that fit the
        model worse (recorded in the tables' ``attrs["sample_weights"]``).
    **options
        ``confidence`` and ``fdr_method`` of :func:`moderated_t`.

    Returns
    -------
    dict of DataFrame
        As :func:`moderated_t`; ``mean_expr`` is the mean log2-CPM.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> counts = rng.poisson(rng.gamma(2, 100, size=(300, 1)), size=(300, 6)).astype(float)
    >>> counts[0, 3:] *= 8
    >>> data = xr.DataArray(counts, dims=("feature", "sample"),
    ...                     coords={"feature": [f"g{i}" for i in range(300)]})
    >>> out = voom_t(data, pd.DataFrame({"group": list("aaabbb")}), "~ 0 + group",
    ...              {"b_vs_a": "group[b] - group[a]"})
    >>> out["b_vs_a"].sort_values("p_value")["feature"].iloc[0]
    'g0'
    """
    keep = np.flatnonzero(select_samples(samples, sample_query).to_numpy())
    counts = data.isel(sample=keep)
    chosen = samples.iloc[keep]
    x = design_matrix(chosen, design)
    arguments = (counts_values(counts), x.to_numpy(dtype=np.float64))
    options_voom = {"lib_size": effective_library_sizes(counts), "span": span}
    weights_by_sample = None
    if sample_weights:
        voomed, weights_by_sample = voom_with_quality_weights(*arguments, **options_voom)
    else:
        voomed = voom(*arguments, **options_voom)
    tables = moderated_t(counts.copy(data=voomed.values), chosen, design, contrasts,
                         robust=robust, weights=voomed.weights, **options)
    name = "voomWithQualityWeights" if sample_weights else "voom"
    for table in tables.values():
        table.attrs.update(method=f"limma {name} (lmFit with weights, contrasts.fit, eBayes)",
                           voom_span=span, tmm="norm_factor" in counts.coords)
        if weights_by_sample is not None:
            table.attrs["sample_weights"] = dict(zip(
                map(str, chosen.index), np.round(weights_by_sample, 6).tolist(), strict=True))
    return tables


def contrast_sample_groups(design: pd.DataFrame, weights: pd.Series) -> tuple[np.ndarray, ...]:
    """The two sample groups a contrast compares, for the two-group tests.

    The contrast's estimate is ``a @ y`` with sample weights ``a = X pinv(X'X) L``; it is a
    two-group comparison when ``a`` is a positive constant on one set of samples (group b), a
    negative constant on another (group a) and zero elsewhere, each side summing to one (a
    difference of two means).

    Examples
    --------
    >>> samples = pd.DataFrame({"group": ["x", "x", "y", "y", "z"]})
    >>> x = design_matrix(samples, "~ group")
    >>> a, b = contrast_sample_groups(x, pd.Series([0.0, 1, 0], index=x.columns))
    >>> a.tolist(), b.tolist()
    ([True, True, False, False, False], [False, False, True, True, False])
    """
    x = design.to_numpy()
    sample_weights = x @ np.linalg.pinv(x.T @ x) @ weights.to_numpy()
    sample_weights[np.abs(sample_weights) < 1e-10] = 0.0
    group_a, group_b = sample_weights < 0, sample_weights > 0
    two_groups = (group_a.any() and group_b.any()
                  and np.ptp(sample_weights[group_a]) < 1e-8
                  and np.ptp(sample_weights[group_b]) < 1e-8
                  and abs(sample_weights[group_b].sum() - 1) < 1e-8
                  and abs(sample_weights[group_a].sum() + 1) < 1e-8)
    if not two_groups:
        raise OmicsInputError(
            "contrast", f"{weights.name!r}, which is not a difference between two sample groups",
            "a contrast of two groups (e.g. --coef group[T.b] with --design '~ group') for the "
            "welch and wilcoxon methods")
    return group_a, group_b


def two_group_test(
    data: xr.DataArray,
    samples: pd.DataFrame,
    design: str,
    contrasts: dict[str, str],
    *,
    method: str = "welch",
    fdr_method: str = "bh",
    confidence: float = 0.95,
) -> dict[str, pd.DataFrame]:
    """Welch t or Wilcoxon rank-sum test for each two-group contrast of a design.

    Returns tables with :data:`RESULT_COLUMNS`; ``df_total`` is the Welch-Satterthwaite df;
    for the rank test the confidence interval, ``t`` and ``df_total`` are NaN.
    """
    matrix = design_matrix(samples, design)
    weights = contrast_matrix(matrix.columns, contrasts)
    values = np.asarray(data.data)
    features = np.asarray(data["feature"].values).astype(str)
    tables = {}
    for name in weights.columns:
        group_a, group_b = contrast_sample_groups(matrix, weights[name])
        if method == "welch":
            test: TwoGroupTest = welch_t(values, group_a, group_b, confidence)
            t = test.statistic
        else:
            test = wilcoxon_rank_sum(values, group_a, group_b)
            t = np.full(len(features), np.nan)
        table = pd.DataFrame({
            "feature": features, "log2_fc": test.estimate, "ci_low": test.ci_low,
            "ci_high": test.ci_high, "mean_expr": test.mean, "t": t, "p_value": test.p_value,
            "fdr": adjust_p_values(test.p_value, fdr_method), "df_total": test.df,
        })
        table.attrs = {"method": method, "design": design, "contrast": contrasts[name],
                       "fdr_method": fdr_method, "n_a": int(group_a.sum()),
                       "n_b": int(group_b.sum())}
        tables[name] = table
    return tables


def differential(
    data: xr.DataArray,
    samples: pd.DataFrame,
    design: str,
    contrasts: dict[str, str],
    *,
    method: str = "moderated",
    **options,
) -> dict[str, pd.DataFrame]:
    """Dispatch to :func:`moderated_t`, :func:`voom_t` or :func:`two_group_test` by
    ``method``.

    ``trend`` and ``robust`` belong to the limma methods only (voom: ``robust``); asking for
    them with another method is an error rather than silently ignored.
    """
    if method not in METHODS:
        raise OmicsInputError("method", repr(method), "one of " + ", ".join(METHODS))
    if method == "moderated":
        return moderated_t(data, samples, design, contrasts, **options)
    if method == "voom":
        if options.pop("trend", False):
            raise OmicsInputError("method", "voom with trend", "voom (its weights model the "
                                  "mean-variance trend) or moderated with trend")
        return voom_t(data, samples, design, contrasts, **options)
    limma_only = [name for name in ("trend", "robust") if options.pop(name, False)]
    if limma_only:
        raise OmicsInputError("method", f"{method} with {' and '.join(limma_only)}",
                              "trend/robust only with the moderated method")
    return two_group_test(data, samples, design, contrasts, method=method, **options)
