"""Figures: each function takes plain data and returns a matplotlib ``Figure``.

Figures are made with ``matplotlib.figure.Figure``, never through pyplot, so nothing here
changes a notebook's backend or keeps figures alive in pyplot's registry.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"feature": ["ANXA6", "X"], "log2_fc": [2.0, 0.1],
...                       "p_value": [1e-8, 0.5], "fdr": [1e-6, 0.6]})
>>> figure = volcano(table, "res vs sens", label={"ANXA6"})
>>> figure.axes[0].get_xlabel(), len(figure.axes[0].collections[0].get_offsets())
('log2 fold change', 2)
"""

from __future__ import annotations

import base64
import io

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = [
    "biomarker_by_response",
    "correlation_heatmap",
    "distributions",
    "dose_response_curves",
    "kaplan_meier",
    "missing_per_sample",
    "new_figure",
    "pca_scatter",
    "protein_vs_mrna",
    "reference_channels",
    "roc_curve_figure",
    "to_data_uri",
    "volcano",
]


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float],
               **subplot_options):
    """A figure and its axes, like ``pyplot.subplots`` but outside pyplot (no backend
    switch, nothing kept in pyplot's figure registry)."""
    figure = Figure(figsize=figsize)
    return figure, figure.subplots(nrows, ncols, **subplot_options)


def to_data_uri(figure: Figure) -> str:
    """The figure as an embedded PNG (``data:image/png;base64,...``); closes it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def volcano(table: pd.DataFrame, title: str, label: set[str] = frozenset(),
            fdr: float = 0.05) -> Figure:
    """-log10 p against log2 fold change; FDR hits coloured, ``label`` genes named."""
    data = table.dropna(subset=["p_value", "log2_fc"])
    figure, axes = new_figure(figsize=(5.5, 4.2))
    hit = (data["fdr"] < fdr).to_numpy()
    axes.scatter(data["log2_fc"], -np.log10(data["p_value"]), s=6,
                 c=np.where(hit, "#c0392b", "#95a5a6"), linewidths=0)
    for _, row in data[data["feature"].isin(label)].iterrows():
        axes.annotate(row["feature"], (row["log2_fc"], -np.log10(row["p_value"])),
                      fontsize=8, fontweight="bold", xytext=(4, 4), textcoords="offset points")
    axes.set_xlabel("log2 fold change")
    axes.set_ylabel("-log10 p-value")
    axes.set_title(f"{title} ({int(hit.sum())} at FDR < {fdr})", fontsize=10)
    return figure


def protein_vs_mrna(table: pd.DataFrame, title: str, highlight: set[str] = frozenset()
                    ) -> Figure:
    """Protein against mRNA log2 fold change per gene; genes whose protein changes without
    their mRNA (``discordance == "protein_only"``) in orange, ``highlight`` genes named."""
    figure, axes = new_figure(figsize=(4.8, 4.2))
    discordant = (table["discordance"] == "protein_only").to_numpy() \
        if "discordance" in table else np.zeros(len(table), dtype=bool)
    axes.scatter(table["mrna_log2_fc"], table["protein_log2_fc"], s=6,
                 c=np.where(discordant, "#e67e22", "#7f8c8d"), linewidths=0)
    for _, row in table[table["gene"].isin(highlight)].iterrows():
        axes.scatter([row["mrna_log2_fc"]], [row["protein_log2_fc"]], s=30, c="#c0392b")
        axes.annotate(row["gene"], (row["mrna_log2_fc"], row["protein_log2_fc"]), fontsize=8,
                      xytext=(4, 4), textcoords="offset points")
    axes.axhline(0, lw=0.5, c="k")
    axes.axvline(0, lw=0.5, c="k")
    axes.set_xlabel("mRNA log2 fold change")
    axes.set_ylabel("protein log2 fold change")
    axes.set_title(title, fontsize=10)
    return figure


def missing_per_sample(fraction: pd.Series, groups: pd.Series) -> Figure:
    """Fraction of missing values per sample, coloured by group (e.g. plex)."""
    figure, axes = new_figure(figsize=(max(5, 0.18 * len(fraction)), 3))
    levels = list(dict.fromkeys(groups))
    colours = matplotlib.colormaps["tab10"](np.arange(len(levels)) % 10)
    axes.bar(range(len(fraction)), fraction.to_numpy(),
             color=[colours[levels.index(g)] for g in groups])
    axes.set_xticks(range(len(fraction)), fraction.index, rotation=90, fontsize=6)
    axes.set_ylabel("fraction missing")
    axes.set_xlabel("sample")
    return figure


def distributions(matrix: np.ndarray, samples, ylabel: str) -> Figure:
    """One box per sample (column) of its observed values."""
    figure, axes = new_figure(figsize=(max(5, 0.18 * matrix.shape[1]), 3))
    axes.boxplot([column[np.isfinite(column)] for column in matrix.T], showfliers=False)
    axes.set_xticks(range(1, matrix.shape[1] + 1), list(samples), rotation=90, fontsize=6)
    axes.set_ylabel(ylabel)
    axes.set_xlabel("sample")
    return figure


def biomarker_by_response(values: np.ndarray, response: pd.Categorical, name: str
                          ) -> Figure:
    """Box plot with points of a biomarker per ordered response level."""
    levels = list(response.categories)
    groups = [values[(np.asarray(response) == level) & np.isfinite(values)] for level in levels]
    figure, axes = new_figure(figsize=(4.8, 3.8))
    axes.boxplot(groups, tick_labels=levels, showfliers=False)
    rng = np.random.default_rng(0)
    for k, group in enumerate(groups, start=1):
        axes.scatter(k + rng.uniform(-0.15, 0.15, group.size), group, s=8, alpha=0.6)
    axes.set_ylabel(name)
    axes.set_xlabel("response")
    return figure


def roc_curve_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float, ci: tuple[float, float]
                     ) -> Figure:
    """ROC curve with its AUC and confidence interval."""
    figure, axes = new_figure(figsize=(4, 4))
    axes.plot(fpr, tpr, c="#2c3e50")
    axes.plot([0, 1], [0, 1], ls="--", c="#bdc3c7")
    axes.set_xlabel("1 - specificity")
    axes.set_ylabel("sensitivity")
    axes.set_title(f"AUC {auc:.2f} (95% CI {ci[0]:.2f}-{ci[1]:.2f})", fontsize=10)
    return figure


def kaplan_meier(groups: dict, p_value: float) -> Figure:
    """Kaplan-Meier step curves of biomarker groups (``GroupSurvival`` objects)."""
    figure, axes = new_figure(figsize=(5, 3.8))
    for name, group in groups.items():
        axes.step(group.timeline, group.survival, where="post",
                  label=f"{name} (n={group.n}, median {group.median:.3g})")
    axes.set_xlabel("time (months)")
    axes.set_ylabel("survival probability")
    axes.set_title(f"log-rank p = {p_value:.2g}", fontsize=10)
    axes.legend(fontsize=8)
    return figure


def hazard_ratio_forest(table: pd.DataFrame, title: str) -> Figure:
    """Forest plot of hazard ratios per SD with 95% intervals (one row per gene, columns
    ``gene, cox_hazard_ratio_per_sd, cox_ci_low, cox_ci_high, cox_p``) on a log axis.

    Examples
    --------
    >>> table = pd.DataFrame({"gene": ["ANXA6", "EGFR"], "cox_hazard_ratio_per_sd": [1.1, 0.8],
    ...                       "cox_ci_low": [0.8, 0.6], "cox_ci_high": [1.5, 1.0],
    ...                       "cox_p": [0.6, 0.04]})
    >>> [t.get_text() for t in hazard_ratio_forest(table, "OS").axes[0].get_yticklabels()]
    ['ANXA6 (p 0.6)', 'EGFR (p 0.04)']
    """
    rows = table.reset_index(drop=True)
    figure, axes = new_figure(figsize=(5.5, 1.2 + 0.32 * len(rows)))
    position = np.arange(len(rows))[::-1]
    axes.errorbar(rows["cox_hazard_ratio_per_sd"], position,
                  xerr=[rows["cox_hazard_ratio_per_sd"] - rows["cox_ci_low"],
                        rows["cox_ci_high"] - rows["cox_hazard_ratio_per_sd"]],
                  fmt="s", color="#2c3e50", ecolor="#7f8c8d", capsize=3, markersize=5)
    axes.axvline(1.0, color="#c0392b", linewidth=0.8, linestyle="--")
    axes.set_xscale("log")
    axes.set_yticks(position, [f"{g} (p {p:.2g})" for g, p in
                               zip(rows["gene"], rows["cox_p"], strict=True)])
    axes.set_xlabel("hazard ratio per SD of expression (95% CI)")
    axes.set_title(title, fontsize=10)
    return figure


def dose_response_curves(table: pd.DataFrame, fits: pd.DataFrame, condition: str, dose: str,
                         response: str) -> Figure:
    """Replicate means and fitted 4PL curves per condition on a log dose axis."""
    figure, axes = new_figure(figsize=(5.5, 4))
    positive = table[table[dose] > 0]
    grid = np.logspace(np.log10(positive[dose].min()), np.log10(positive[dose].max()), 200)
    for k, fit in enumerate(fits.itertuples()):
        colour = matplotlib.colormaps["tab10"](k % 10)
        points = positive[positive[condition] == fit.condition].groupby(dose)[response].mean()
        axes.scatter(points.index, points.to_numpy(), s=12, color=colour)
        if np.isfinite(fit.ic50_fit_um):
            curve = fit.bottom + (fit.top - fit.bottom) / (1 + (grid / fit.ic50_fit_um) ** fit.hill)
            label = f"{fit.condition}: IC50 {fit.ic50_um:.3g}" if fit.status == "ok" else \
                f"{fit.condition}: {fit.status}"
            axes.plot(grid, curve, color=colour, label=label)
    axes.set_xscale("log")
    axes.set_xlabel(f"{dose}")
    axes.set_ylabel(response)
    axes.legend(fontsize=7)
    return figure


def reference_channels(log2: np.ndarray, plex: pd.Series, reference: pd.Series) -> Figure:
    """TMT reference-channel behaviour across plexes, before normalisation.

    Left: each plex's pooled reference channel (log2 intensity distribution). Right: each
    sample's median log2 ratio to its own plex's reference (loading differences the reference
    normalises away). ``log2`` is features x samples; ``plex`` and ``reference`` (bool) are
    per sample.
    """
    plexes = list(dict.fromkeys(plex))
    colours = matplotlib.colormaps["tab10"](np.arange(len(plexes)) % 10)
    figure, (left, right) = new_figure(1, 2, figsize=(10, 3.4),
                                         gridspec_kw={"width_ratios": [1, 2.5]})
    references = {p: log2[:, np.flatnonzero((plex == p).to_numpy() & reference.to_numpy())[0]]
                  for p in plexes if ((plex == p) & reference).any()}
    left.boxplot([v[np.isfinite(v)] for v in references.values()], showfliers=False)
    left.set_xticks(range(1, len(references) + 1), list(references), fontsize=8)
    left.set_xlabel("plex")
    left.set_ylabel("reference log2 intensity")
    ratios, bar_colours, names = [], [], []
    for position, (sample, p, is_reference) in enumerate(zip(plex.index, plex, reference,
                                                             strict=True)):
        if is_reference or p not in references:
            continue
        ratios.append(np.nanmedian(log2[:, position] - references[p]))
        bar_colours.append(colours[plexes.index(p)])
        names.append(sample)
    right.bar(range(len(ratios)), ratios, color=bar_colours)
    right.axhline(0, lw=0.6, c="k")
    right.set_xticks(range(len(ratios)), names, rotation=90, fontsize=6)
    right.set_ylabel("median log2(sample / reference)")
    figure.tight_layout()
    return figure


def correlation_heatmap(correlation: pd.DataFrame, title: str) -> Figure:
    """A labelled heatmap of a square correlation matrix (-1 blue to +1 red; grey = NA)."""
    size = max(4.0, 0.32 * len(correlation) + 1.5)
    figure, axes = new_figure(figsize=(size + 1, size))
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#dddddd")
    image = axes.imshow(np.ma.masked_invalid(correlation.to_numpy(float)), cmap=cmap,
                        vmin=-1, vmax=1)
    axes.set_xticks(range(len(correlation)), correlation.columns, rotation=90, fontsize=7)
    axes.set_yticks(range(len(correlation)), correlation.index, fontsize=7)
    figure.colorbar(image, ax=axes, shrink=0.7, label="Pearson r")
    axes.set_title(title, fontsize=10)
    return figure


def pca_scatter(matrix: np.ndarray, labels: pd.Series) -> Figure:
    """Samples (columns of a complete features x samples matrix) on their first two
    principal components, coloured by ``labels``."""
    centred = matrix - matrix.mean(axis=1, keepdims=True)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    explained = singular**2 / (singular**2).sum()
    figure, axes = new_figure(figsize=(5, 4))
    for level in dict.fromkeys(labels):
        chosen = (labels == level).to_numpy()
        axes.scatter(vt[0, chosen], vt[1, chosen], label=str(level), s=20)
    axes.set_xlabel(f"PC1 ({explained[0]:.0%})")
    axes.set_ylabel(f"PC2 ({explained[1]:.0%})")
    axes.legend(fontsize=7)
    return figure
