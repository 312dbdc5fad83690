"""Figures (``ox.pl``): each function returns a matplotlib ``Figure`` and never changes the
global backend (figures are made with ``matplotlib.figure.Figure``, outside pyplot).

* :func:`volcano` of a limma fit (or a result table), :func:`pca` of an AnnData;
* clinical: :func:`roc`, :func:`kaplan_meier`, :func:`biomarker_by_response`;
* :func:`dose_response` curves; :func:`network` of the axis graph;
* :func:`protein_vs_mrna`, :func:`correlation_heatmap`, QC figures.

Examples
--------
>>> import anndata as ad, numpy as np, pandas as pd
>>> import matplotlib
>>> backend = matplotlib.get_backend()
>>> rng = np.random.default_rng(0)
>>> adata = ad.AnnData(rng.normal(size=(6, 50)),
...                    obs=pd.DataFrame({"group": list("aaabbb")}, index=list("uvwxyz")))
>>> figure = pca(adata, color="group")
>>> type(figure).__name__, figure.axes[0].get_xlabel()[:3], matplotlib.get_backend() == backend
('Figure', 'PC1', True)
"""

from __future__ import annotations

import anndata as ad
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import roc_curve

from omics.errors import OmicsInputError
from omics.io.anndata_convert import feature_matrix
from omics.pl.figures import (
    biomarker_by_response,
    correlation_heatmap,
    distributions,
    kaplan_meier,
    missing_per_sample,
    pca_scatter,
    protein_vs_mrna,
    reference_channels,
    roc_curve_figure,
)
from omics.pl.figures import dose_response_curves as dose_response
from omics.pl.figures import volcano as volcano_table
from omics.pl.network import network_figure as network
from omics.stats.roc import roc_analysis

__all__ = [
    "biomarker_by_response",
    "correlation_heatmap",
    "distributions",
    "dose_response",
    "kaplan_meier",
    "missing_per_sample",
    "network",
    "pca",
    "protein_vs_mrna",
    "reference_channels",
    "roc",
    "volcano",
]


def volcano(result, coef: str | int | None = None, *, label=frozenset(), fdr: float = 0.05,
            title: str | None = None) -> Figure:
    """Volcano plot of one coefficient of a limma fit, or of a result table.

    Parameters
    ----------
    result
        A :class:`~omics.stats.limma_fit.LimmaFit` (after ``ebayes``) or a table with
        ``feature, log2_fc, p_value, fdr``.
    coef
        The fit's coefficient or contrast (default its last).
    label
        Features to name on the plot.
    fdr
        FDR threshold of the coloured hits.
    title
        Default: the coefficient's name.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from omics.stats.design import design_matrix
    >>> from omics.stats.limma_fit import lm_fit
    >>> x = np.random.default_rng(0).normal(size=(50, 6)); x[0, 3:] += 3
    >>> fit = lm_fit(x, design_matrix(pd.DataFrame({"g": list("aaabbb")}), "~ g")).ebayes()
    >>> volcano(fit, "g[T.b]", label={"0"}).axes[0].get_title()
    'g[T.b] (1 at FDR < 0.05)'
    """
    if isinstance(result, pd.DataFrame):
        return volcano_table(result, title or "", set(label), fdr)
    table = result.top_table(coef, sort_by="none", names="omics")
    return volcano_table(table, title or table.attrs["coefficient"], set(label), fdr)


def pca(adata: ad.AnnData, *, color: str | None = None, layer: str | None = None) -> Figure:
    """Samples on their first two principal components (features complete in every
    sample), coloured by an ``obs`` column.

    Parameters
    ----------
    adata
        AnnData of log values (``obs`` = samples).
    color
        An ``obs`` column to colour by.
    layer
        Use ``layers[layer]`` instead of ``X``.

    Returns
    -------
    Figure

    Examples
    --------
    >>> obs = pd.DataFrame({"g": list("aabb")}, index=list("wxyz"))
    >>> adata = ad.AnnData(np.random.default_rng(1).normal(size=(4, 20)), obs=obs)
    >>> pca(adata, color="g").axes[0].get_legend().get_texts()[0].get_text()
    'a'
    """
    matrix, sheet = feature_matrix(adata, layer)
    values = np.asarray(matrix.values, dtype=np.float64)
    complete = values[np.isfinite(values).all(axis=1)]
    if complete.shape[0] < 2:
        raise OmicsInputError("pca", f"{complete.shape[0]} features observed in every sample",
                              "at least 2 complete features")
    labels = sheet[color].astype(str) if color else pd.Series("samples", index=sheet.index)
    return pca_scatter(complete, labels.reset_index(drop=True))


def roc(score, outcome) -> Figure:
    """ROC curve of a biomarker ``score`` against a binary ``outcome`` (1 = positive), with
    its AUC and DeLong 95 % CI (:func:`omics.tl.roc_analysis`).

    Parameters
    ----------
    score
        Biomarker values.
    outcome
        1 for the positive class (e.g. resistant), 0 otherwise.

    Returns
    -------
    Figure

    Examples
    --------
    >>> roc([1.0, 2, 3, 4, 5, 6], [0, 0, 1, 0, 1, 1]).axes[0].get_title()
    'AUC 0.89 (95% CI 0.58-1.00)'
    """
    score, outcome = np.asarray(score, dtype=float), np.asarray(outcome, dtype=int)
    result = roc_analysis(score, outcome)
    fpr, tpr, _ = roc_curve(outcome, score)
    return roc_curve_figure(fpr, tpr, result.auc, (result.ci_low, result.ci_high))
