"""Differential analysis: limma's moderated t over a feature x sample DataArray.

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

import dask
import dask.array as da
import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from omics.errors import OmicsInputError
from omics.stats.design import contrast_matrix, design_matrix
from omics.stats.limma import LinearFit, contrasts_fit, ebayes, lm_fit_block
from omics.stats.multiple_testing import bh_fdr

__all__ = ["RESULT_COLUMNS", "fit_linear_model", "moderated_t", "select_samples"]

#: Columns of a differential result table, in order.
RESULT_COLUMNS = [
    "feature", "log2_fc", "ci_low", "ci_high", "mean_expr", "t", "p_value", "fdr", "df_total",
]


def select_samples(samples: pd.DataFrame, query: str | None) -> pd.Series:
    """Boolean mask of the samples selected by a pandas ``query`` (all when ``None``)."""
    if not query:
        return pd.Series(True, index=samples.index)
    try:
        chosen = samples.query(query)
    except Exception as exc:  # pandas raises many types for a user query
        raise OmicsInputError("samples", f"sample query {query!r} ({exc})",
                              f"a pandas query over the columns {list(samples.columns)}"
                              ) from None
    return pd.Series(samples.index.isin(chosen.index), index=samples.index)


def fit_linear_model(values: np.ndarray | da.Array, design: np.ndarray) -> LinearFit:
    """limma's ``lmFit`` for every row, chunk by chunk when ``values`` is a dask array."""
    if isinstance(values, da.Array):
        values = values.rechunk({1: -1})
        width = 2 * design.shape[1] + 3
        packed = values.map_blocks(
            lambda block: lm_fit_block(block, design).pack(),
            dtype=np.float64, chunks=(values.chunks[0], (width,)),
        )
        (packed,) = dask.compute(packed)
        return LinearFit.unpack(packed)
    return lm_fit_block(np.asarray(values), design)


def moderated_t(
    data: xr.DataArray,
    samples: pd.DataFrame,
    design: str,
    contrasts: dict[str, str],
    *,
    sample_query: str | None = None,
    confidence: float = 0.95,
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
        pandas query selecting the samples to model (e.g. ``"not reference"``).
    confidence
        Level of the fold-change confidence interval.

    Returns
    -------
    dict of DataFrame
        One table per contrast with :data:`RESULT_COLUMNS`, one row per feature (NaN where
        the contrast is not estimable for a feature); ``attrs`` hold ``s2_prior``,
        ``df_prior``, the design and the contrast.
    """
    keep = select_samples(samples, sample_query).to_numpy()
    chosen = samples.loc[keep]
    matrix = design_matrix(chosen, design)
    weights = contrast_matrix(matrix.columns, contrasts)
    x = matrix.to_numpy()
    values = data.data[:, np.flatnonzero(keep)]
    fit = fit_linear_model(values, x)
    prior = ebayes(fit.sigma**2, fit.df_residual)
    estimates, stdev = contrasts_fit(fit, weights.to_numpy(), np.linalg.pinv(x.T @ x))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = estimates / stdev / np.sqrt(prior.s2_post)[:, None]
    p = 2 * stats.t.sf(np.abs(t), df=prior.df_total[:, None])
    margin = (np.sqrt(prior.s2_post)[:, None] * stdev
              * stats.t.ppf(0.5 + confidence / 2, df=prior.df_total)[:, None])
    features = np.asarray(data["feature"].values).astype(str)
    tables = {}
    for j, name in enumerate(weights.columns):
        table = pd.DataFrame(
            {
                "feature": features,
                "log2_fc": estimates[:, j],
                "ci_low": estimates[:, j] - margin[:, j],
                "ci_high": estimates[:, j] + margin[:, j],
                "mean_expr": fit.amean,
                "t": t[:, j],
                "p_value": p[:, j],
                "fdr": bh_fdr(p[:, j]),
                "df_total": np.where(np.isnan(estimates[:, j]), np.nan, prior.df_total),
            }
        )
        table.attrs = {
            "method": "limma moderated t (lmFit, contrasts.fit, eBayes)",
            "design": design,
            "contrast": contrasts[name],
            "s2_prior": prior.s2_prior,
            "df_prior": prior.df_prior,
            "n_samples": int(keep.sum()),
        }
        tables[name] = table
    return tables
