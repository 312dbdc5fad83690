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
import matplotlib.ticker
import matplotlib.transforms
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from omics.pl.labels import readable

__all__ = [
    "biomarker_by_response",
    "correlation_heatmap",
    "distributions",
    "dose_response_curves",
    "kaplan_meier",
    "missing_per_sample",
    "new_figure",
    "activity_heatmap",
    "factor_scatter",
    "pca_panels",
    "pca_scatter",
    "place_labels",
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


#: ``savefig`` options of the report's PNG figures.
PNG_OPTIONS = {"format": "png", "dpi": 110, "bbox_inches": "tight"}


def to_data_uri(figure: Figure) -> str:
    """The figure as an embedded PNG (``data:image/png;base64,...``)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, **PNG_OPTIONS)
    return png_data_uri(buffer.getvalue())


def png_data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def place_labels(axes, x, y, names, emphasised=frozenset(), fontsize: float = 8) -> None:
    """Name points without labels overlapping each other or the points (adjustText), each
    joined to its point by a thin line; ``emphasised`` names in bold and larger."""
    from adjustText import adjust_text

    texts = [axes.text(a, b, str(name), zorder=4,
                       fontsize=fontsize + 1 if name in emphasised else fontsize,
                       fontweight="bold" if name in emphasised or not emphasised else "normal")
             for a, b, name in zip(x, y, names, strict=True)]
    if texts:
        adjust_text(texts, x=np.asarray(x, float), y=np.asarray(y, float), ax=axes,
                    expand=(1.3, 1.6), arrowprops={"arrowstyle": "-", "color": "#555",
                                                   "lw": 0.6})


def volcano(table: pd.DataFrame, title: str, label: set[str] = frozenset(),
            fdr: float = 0.05) -> Figure:
    """-log10 p against log2 fold change; FDR hits coloured, ``label`` genes named."""
    data = table.dropna(subset=["p_value", "log2_fc"])
    figure, axes = new_figure(figsize=(5.5, 4.2))
    hit = (data["fdr"] < fdr).to_numpy()
    axes.scatter(data["log2_fc"], -np.log10(data["p_value"]), s=6,
                 c=np.where(hit, "#c0392b", "#95a5a6"), linewidths=0)
    named = data[data["feature"].isin(label)]
    axes.scatter(named["log2_fc"], -np.log10(named["p_value"]), s=22, facecolors="none",
                 edgecolors="k", linewidths=0.8)
    place_labels(axes, named["log2_fc"], -np.log10(named["p_value"]), named["feature"])
    axes.margins(y=0.12)  # room for the labels of the top hits
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
    named = table[table["gene"].isin(highlight)]
    axes.scatter(named["mrna_log2_fc"], named["protein_log2_fc"], s=30, c="#c0392b")
    place_labels(axes, named["mrna_log2_fc"], named["protein_log2_fc"], named["gene"])
    axes.axhline(0, lw=0.5, c="k")
    axes.axvline(0, lw=0.5, c="k")
    axes.set_xlabel("mRNA log2 fold change")
    axes.set_ylabel("protein log2 fold change")
    axes.set_title(title, fontsize=10)
    return figure


#: Above this many samples QC figures draw summaries without per-sample labels, so that
#: they stay readable (a label per sample is unreadable beyond about 60).
LABELLED_SAMPLES = 60


def _sample_axis(axes, samples, first: int = 0) -> None:
    samples = list(samples)
    if len(samples) <= LABELLED_SAMPLES:
        axes.set_xticks(range(first, first + len(samples)), samples, rotation=90, fontsize=7)
        axes.set_xlabel("sample")
    else:
        axes.set_xlabel(f"sample (n = {len(samples):,}; labels left out)")


def _qc_width(n: int) -> float:
    return float(np.clip(0.18 * n, 5, 12))


def missing_per_sample(fraction: pd.Series, groups: pd.Series) -> Figure:
    """Fraction of missing values per sample, coloured by group (e.g. plex), with a legend
    of the groups; samples named when there are at most :data:`LABELLED_SAMPLES`.

    Examples
    --------
    >>> many = pd.Series(np.linspace(0, 0.3, 500), index=[f"s{i}" for i in range(500)])
    >>> figure = missing_per_sample(many, pd.Series(["P1", "P2"] * 250, index=many.index))
    >>> len(figure.axes[0].get_xticklabels()) < 20, float(figure.get_figwidth())
    (True, 12.0)
    """
    figure, axes = new_figure(figsize=(_qc_width(len(fraction)), 3.2))
    levels = list(dict.fromkeys(groups))
    colours = matplotlib.colormaps["tab10"](np.arange(len(levels)) % 10)
    positions = np.arange(len(fraction))
    for k, level in enumerate(levels):
        member = (np.asarray(groups) == level)
        axes.bar(positions[member], fraction.to_numpy()[member], width=1.0 if
                 len(fraction) > LABELLED_SAMPLES else 0.8, color=colours[k], label=str(level))
    _sample_axis(axes, fraction.index)
    axes.set_ylabel("fraction missing")
    if 1 < len(levels) <= 12:
        axes.legend(fontsize=7, ncol=min(len(levels), 6), loc="upper left")
    return figure


def distributions(matrix: np.ndarray, samples, ylabel: str) -> Figure:
    """One box per sample (column) of its observed values; beyond
    :data:`LABELLED_SAMPLES` samples, each sample's median and interquartile range as a
    band (boxes would merge).

    Examples
    --------
    >>> figure = distributions(np.random.default_rng(0).normal(size=(100, 500)),
    ...                        [f"s{i}" for i in range(500)], "log2 intensity")
    >>> figure.axes[0].get_xlabel()
    'sample (n = 500; labels left out)'
    """
    samples = list(samples)
    figure, axes = new_figure(figsize=(_qc_width(matrix.shape[1]), 3.2))
    if matrix.shape[1] <= LABELLED_SAMPLES:
        axes.boxplot([column[np.isfinite(column)] for column in matrix.T], showfliers=False,
                     positions=range(len(samples)))
    else:
        low, median, high = np.nanpercentile(matrix, [25, 50, 75], axis=0)
        positions = np.arange(len(samples))
        axes.fill_between(positions, low, high, color="#aab7b8", step="mid",
                          label="interquartile range")
        axes.plot(positions, median, color="#2c3e50", linewidth=0.8, drawstyle="steps-mid",
                  label="median")
        axes.legend(fontsize=7, loc="lower left")
    _sample_axis(axes, samples)
    axes.set_ylabel(ylabel)
    return figure


def biomarker_by_response(values: np.ndarray, response: pd.Categorical, name: str,
                          response_name: str = "response") -> Figure:
    """Box plot with points of a biomarker per ordered response level."""
    levels = list(response.categories)
    groups = [values[(np.asarray(response) == level) & np.isfinite(values)] for level in levels]
    figure, axes = new_figure(figsize=(4.8, 3.8))
    axes.boxplot(groups, tick_labels=levels, showfliers=False)
    rng = np.random.default_rng(0)
    for k, group in enumerate(groups, start=1):
        axes.scatter(k + rng.uniform(-0.15, 0.15, group.size), group, s=8, alpha=0.6)
    axes.set_ylabel(readable(name))
    axes.set_xlabel(readable(response_name))
    return figure


def roc_curve_figure(fpr: np.ndarray, tpr: np.ndarray, auc: float, ci: tuple[float, float],
                     cutoff: dict | None = None, band: tuple | None = None) -> Figure:
    """ROC curve with its AUC and confidence interval; ``cutoff`` (``value``,
    ``sensitivity``, ``specificity``, ``label``) marks the chosen cut-off on the curve and
    ``band`` (``fpr grid, low, high``, e.g. from
    :func:`omics.stats.roc.roc_confidence_band`) shades the sensitivity's interval.

    Examples
    --------
    >>> figure = roc_curve_figure(np.array([0, 0.2, 1]), np.array([0, 0.8, 1]), 0.8,
    ...                           (0.6, 0.95), {"value": 10.9, "sensitivity": 0.8,
    ...                                         "specificity": 0.8, "label": "Youden"})
    >>> figure.axes[0].get_legend().get_texts()[0].get_text()
    'Youden cut-off 10.9: sensitivity 0.80, specificity 0.80'
    """
    figure, axes = new_figure(figsize=(4.2, 4.2))
    if band is not None:
        axes.fill_between(band[0], band[1], band[2], step=None, color="#aab7b8", alpha=0.45,
                          linewidth=0, label="95% band of sensitivity (bootstrap)")
    axes.plot(fpr, tpr, c="#2c3e50")
    axes.plot([0, 1], [0, 1], ls="--", c="#bdc3c7")
    if cutoff is not None:
        axes.scatter([1 - cutoff["specificity"]], [cutoff["sensitivity"]], s=45, c="#c0392b",
                     zorder=3, label=f"{cutoff['label']} cut-off {cutoff['value']:.3g}: "
                                     f"sensitivity {cutoff['sensitivity']:.2f}, specificity "
                                     f"{cutoff['specificity']:.2f}")
    if cutoff is not None or band is not None:
        axes.legend(fontsize=7, loc="lower right")
    axes.set_xlabel("1 - specificity")
    axes.set_ylabel("sensitivity")
    axes.set_title(f"AUC {auc:.2f} (95% CI {ci[0]:.2f}-{ci[1]:.2f})", fontsize=10)
    return figure


def kaplan_meier(groups: dict, p_value: float, time_label: str = "time (months)") -> Figure:
    """Kaplan-Meier step curves of biomarker groups (``GroupSurvival`` objects) with censor
    marks (+) and the numbers at risk under the time axis.

    Examples
    --------
    >>> from omics.stats.survival import kaplan_meier_by_group
    >>> table = pd.DataFrame({"m": [1, 2, 3, 4, 5, 6], "t": [5, 8, 3, 9, 12, 7],
    ...                       "e": [1, 0, 1, 1, 0, 1]})
    >>> figure = kaplan_meier(kaplan_meier_by_group(table, "m", "t", "e").groups, 0.5)
    >>> [t.get_text() for t in figure.axes[0].texts][:2]
    ['Number at risk', 'high']
    """
    figure, axes = new_figure(figsize=(5.2, 4.6))
    figure.subplots_adjust(bottom=0.24 + 0.05 * len(groups), left=0.15)
    end = max(float(np.max(g.durations)) for g in groups.values() if len(g.durations))
    ticks = [t for t in matplotlib.ticker.MaxNLocator(6).tick_values(0, end) if 0 <= t <= end]
    below = matplotlib.transforms.blended_transform_factory(axes.transData, axes.transAxes)
    axes.text(0, -0.2, "Number at risk", transform=axes.transAxes, fontsize=7,
              fontweight="bold")
    for row, (name, group) in enumerate(groups.items()):
        line, = axes.step(group.timeline, group.survival, where="post",
                          label=f"{name} (n={group.n}, median {group.median:.3g})")
        censored = np.asarray(group.durations)[~np.asarray(group.observed, bool)]
        at = np.searchsorted(group.timeline, censored, side="right") - 1
        axes.scatter(censored, np.asarray(group.survival)[np.clip(at, 0, None)], marker="+",
                     s=28, color=line.get_color(), linewidths=0.9)
        height = -0.27 - 0.07 * row
        axes.text(-0.03, height, name, transform=axes.transAxes, fontsize=7, ha="right",
                  color=line.get_color())
        for tick in ticks:
            axes.text(tick, height, f"{int((np.asarray(group.durations) >= tick).sum())}",
                      transform=below, ha="center", fontsize=7, color=line.get_color())
    axes.set_xticks(ticks, [f"{t:g}" for t in ticks])
    axes.set_xlim(0, end * 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel(time_label)
    axes.set_ylabel("survival probability")
    axes.set_title(f"log-rank p = {p_value:.2g}; + censored", fontsize=10)
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
    axes.set_xlabel(readable(dose))
    axes.set_ylabel(readable(response))
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
    """A labelled heatmap of a square correlation matrix (-1 blue to +1 red; grey = NA).

    The figure is at most 10 inches wide, so that the report shows it near its size and the
    labels (8 pt) stay readable; beyond 50 genes the labels are left out."""
    size = float(np.clip(0.24 * len(correlation) + 1.5, 4.0, 9.0))
    figure, axes = new_figure(figsize=(size + 1, size))
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#dddddd")
    image = axes.imshow(np.ma.masked_invalid(correlation.to_numpy(float)), cmap=cmap,
                        vmin=-1, vmax=1)
    if len(correlation) <= 50:
        axes.set_xticks(range(len(correlation)), correlation.columns, rotation=90, fontsize=8)
        axes.set_yticks(range(len(correlation)), correlation.index, fontsize=8)
    figure.colorbar(image, ax=axes, shrink=0.7, label="Pearson r")
    axes.set_title(title, fontsize=10)
    return figure


def activity_heatmap(matrix: pd.DataFrame, label: str, title: str,
                     marked: tuple[str, ...] = (), sequential: bool = False) -> Figure:
    """A rows x columns heatmap of scores (pathway activities, NES) on a symmetric diverging
    scale (``sequential``: from 0 up, e.g. variance explained); rows named in ``marked`` in
    bold; missing cells blank."""
    values = matrix.to_numpy(dtype=np.float64)
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    figure, axes = new_figure(figsize=(min(2 + 0.35 * matrix.shape[1], 14),
                                       1.2 + 0.3 * matrix.shape[0]))
    image = axes.imshow(np.ma.masked_invalid(values), cmap="viridis" if sequential
                        else "RdBu_r", vmin=0 if sequential else -limit, vmax=limit,
                        aspect="auto")
    axes.set_yticks(range(matrix.shape[0]), [str(r) for r in matrix.index], fontsize=7)
    axes.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], fontsize=6,
                    rotation=60, ha="right")
    for tick in axes.get_yticklabels():
        if tick.get_text() in marked:
            tick.set_fontweight("bold")
    figure.colorbar(image, ax=axes, shrink=0.8, label=label)
    axes.set_title(title, fontsize=9)
    return figure


def factor_scatter(scores: pd.DataFrame, labels: pd.Series) -> Figure:
    """Samples on two factors (the two columns of ``scores``), coloured by ``labels``."""
    figure, axes = new_figure(figsize=(5, 4))
    first, second = scores.columns[:2]
    for level in dict.fromkeys(labels):
        chosen = (labels == level).to_numpy()
        axes.scatter(scores[first].to_numpy()[chosen], scores[second].to_numpy()[chosen],
                     label=str(level), s=20)
    axes.set_xlabel(str(first))
    axes.set_ylabel(str(second))
    axes.legend(fontsize=7, title=labels.name, title_fontsize=7)
    return figure


def pca_scatter(matrix: np.ndarray, labels: pd.Series) -> Figure:
    """Samples (columns of a complete features x samples matrix) on their first two
    principal components, coloured by ``labels``."""
    return pca_panels({"": matrix}, labels)


def pca_panels(matrices: dict[str, np.ndarray], labels: pd.Series) -> Figure:
    """One PCA panel per titled matrix (complete features x samples, the same samples),
    side by side and coloured by ``labels``, e.g. before and after batch correction."""
    figure, axes = new_figure(1, len(matrices), figsize=(5 * len(matrices), 4), squeeze=False)
    for panel, (title, matrix) in zip(axes[0], matrices.items(), strict=True):
        centred = matrix - matrix.mean(axis=1, keepdims=True)
        _, singular, vt = np.linalg.svd(centred, full_matrices=False)
        explained = singular**2 / (singular**2).sum()
        for level in dict.fromkeys(labels):
            chosen = (labels == level).to_numpy()
            panel.scatter(vt[0, chosen], vt[1, chosen], label=str(level), s=20)
        panel.set_xlabel(f"PC1 ({explained[0]:.0%})")
        panel.set_ylabel(f"PC2 ({explained[1]:.0%})")
        panel.set_title(title, fontsize=10)
        panel.legend(fontsize=7, title=labels.name, title_fontsize=7)
    return figure


def site_vs_protein(table: pd.DataFrame, title: str, fdr_level: float = 0.05,
                    label: set[str] = frozenset()) -> Figure:
    """Each PTM site's log2 fold change against its protein's: on the diagonal the site
    follows its protein (no change per molecule); sites called net of their protein
    (adjusted FDR < ``fdr_level``) in red, the sites of genes in ``label`` named."""
    shown = table[table["adjusted"].astype(bool)].dropna(subset=["site_log2_fc",
                                                                  "protein_log2_fc"])
    called = (shown["fdr"] < fdr_level).to_numpy()
    figure, axes = new_figure(figsize=(5, 4.5))
    x, y = shown["protein_log2_fc"].to_numpy(), shown["site_log2_fc"].to_numpy()
    axes.scatter(x[~called], y[~called], s=6, color="0.7", label="not called")
    axes.scatter(x[called], y[called], s=14, color="tab:red",
                 label=f"per molecule, FDR < {fdr_level:g}")
    limit = float(np.nanmax(np.abs(np.concatenate([x, y])))) * 1.1 if len(x) else 1.0
    axes.plot([-limit, limit], [-limit, limit], color="0.4", lw=0.8, ls="--")
    named = shown["gene"].isin(label).to_numpy() | called
    names = (shown["gene"].astype(str) + " " + shown["site"].astype(str)).to_numpy()
    place_labels(axes, x[named], y[named], names[named],
                 {n for n, g in zip(names, shown["gene"], strict=True) if g in label})
    axes.set_xlabel("protein log2 fold change")
    axes.set_ylabel("site log2 fold change")
    axes.legend(fontsize=7, loc="upper left")
    axes.set_title(title, fontsize=9)
    return figure


def chase_decay(rows: pd.DataFrame, half_lives: pd.DataFrame, target: str) -> Figure:
    """A chase: each condition's readout over its loading control, relative to its mean at
    time 0, on a log2 axis against time, with the fitted decay and half-life."""
    figure, axes = new_figure(figsize=(5, 4))
    ratio = rows["readout"] / rows["loading_control"]
    for level, fit in zip(half_lives["term"], half_lives.itertuples(), strict=True):
        chosen = (rows["condition"].astype(str) == level).to_numpy()
        time = rows["time"].to_numpy(float)[chosen]
        values = ratio.to_numpy(float)[chosen]
        start = values[time == time.min()].mean()
        points = axes.scatter(time, values / start, s=14, label=f"{level}: "
                              f"{fit.value:.1f} h")
        grid = np.linspace(0, time.max(), 50)
        axes.plot(grid, 2 ** (-grid / fit.value), color=points.get_facecolor()[0], lw=1)
    axes.set_yscale("log", base=2)
    axes.set_xlabel("time after cycloheximide (h)")
    axes.set_ylabel(f"{target or 'readout'} / loading control (relative to 0 h)")
    axes.legend(fontsize=7, title="half-life", title_fontsize=7)
    return figure
