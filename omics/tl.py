"""Analysis tools (``ox.tl``), in scanpy's manner: AnnData in, results returned or stored.

* :func:`differential`: limma's ``lmFit`` -> ``contrasts.fit`` -> ``eBayes`` on an AnnData,
  returning a :class:`~omics.stats.limma_fit.LimmaFit` (``top_table``, ``f_test``);
  ``inplace=True`` also stores features x coefficients tables in ``.varm`` and the model in
  ``.uns``.
* :func:`two_group_test`: Welch t or Wilcoxon rank-sum per feature.
* :func:`ptm_differential`: modification sites tested net of their protein's change
  (MSstatsPTM's adjusted model on limma fits).
* :func:`correlate`: blockwise feature correlation within one modality or across two, with
  BH FDR over every pair; :func:`protein_mrna` pairs each gene's protein with its mRNA.
* Clinical: :func:`compare_response_groups`, :func:`roc_analysis`,
  :func:`logistic_regression`, :func:`kaplan_meier_by_group`, :func:`cox_model`,
  :func:`score_correlation`; dose-response: :func:`fit_dose_response`,
  :func:`bliss_excess`, :func:`combination_index`.
* Pathways: :func:`gsea` (pre-ranked GSEA of a contrast), :func:`called_genes_enrichment`
  (over-representation of called genes among the tested ones), :func:`pathway_activity`
  (PROGENy-style footprints, per sample or per contrast).
* Multi-omics factors: :func:`mofa` (MOFA+ over the modalities of a MuData) and
  :func:`factor_associations` (factors against clinical variables).
* Networks: :func:`over_representation` (gene-set enrichment),
  :func:`propagation_significance` and :func:`random_walk_with_restart`.

Examples
--------
>>> import anndata as ad, numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(20, 0.3, (6, 200)); x[3:, 0] += 2
>>> adata = ad.AnnData(x, obs=pd.DataFrame({"group": pd.Categorical(list("aaabbb"))},
...                                        index=[f"s{i}" for i in range(6)]))
>>> fit = differential(adata, "~ group", inplace=True)
>>> fit.top_table("group[T.b]", number=1).index[0]
'0'
>>> adata.varm["differential_log2_fc"].columns.tolist()
['Intercept', 'group[T.b]']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
import xarray as xr

from graphs.enrichment import over_representation
from graphs.propagation import propagation_significance, random_walk_with_restart
from omics.errors import OmicsInputError
from omics.io.anndata_convert import feature_matrix
from omics.io.gmt import GeneSet, read_gmt
from omics.io.pathway_weights import read_pathway_weights
from omics.stats.association import score_correlation
from omics.stats.biomarker import compare_response_groups
from omics.stats.correlation import CorrelationResult, paired_row_correlation
from omics.stats.correlation import correlate as _correlate
from omics.stats.design import design_matrix
from omics.stats.differential import METHODS, moderated_t
from omics.stats.differential import two_group_test as _two_group_test
from omics.stats.dose_response import bliss_excess, combination_index, fit_dose_response
from omics.stats.factors import MofaResult, factor_associations, fit_mofa
from omics.stats.limma_fit import LimmaFit, lm_fit
from omics.stats.logistic import logistic_regression
from omics.stats.multiple_testing import bh_fdr
from omics.stats.pathways import called_genes_enrichment
from omics.stats.pathways import gsea as _gsea
from omics.stats.pathways import pathway_activity as _pathway_activity
from omics.stats.ptm_adjusted import adjust_for_protein
from omics.stats.roc import roc_analysis
from omics.stats.selection import paired_keys
from omics.stats.survival import cox_model, kaplan_meier_by_group

__all__ = [
    "LimmaFit",
    "MofaResult",
    "bliss_excess",
    "called_genes_enrichment",
    "combination_index",
    "compare_response_groups",
    "correlate",
    "cox_model",
    "differential",
    "factor_associations",
    "fit_dose_response",
    "gsea",
    "kaplan_meier_by_group",
    "logistic_regression",
    "mofa",
    "over_representation",
    "pathway_activity",
    "propagation_significance",
    "protein_mrna",
    "ptm_differential",
    "random_walk_with_restart",
    "roc_analysis",
    "score_correlation",
    "two_group_test",
]

Data = ad.AnnData | xr.DataArray


def _selected(data: Data, samples: Sequence | np.ndarray | pd.Series | None,
              layer: str | None) -> tuple[xr.DataArray, pd.DataFrame]:
    """The ``(feature, sample)`` matrix and sample sheet, restricted to ``samples`` (a
    boolean mask over the samples, or their names)."""
    matrix, sheet = feature_matrix(data, layer)
    if samples is None:
        return matrix, sheet
    chosen = np.asarray(samples)
    if chosen.dtype == bool:
        if chosen.size != len(sheet):
            raise OmicsInputError("samples", f"a mask of {chosen.size} values",
                                  f"one value per sample ({len(sheet)})")
        mask = chosen
    else:
        names = set(map(str, chosen))
        unknown = sorted(names - set(sheet.index.astype(str)))
        if unknown:
            raise OmicsInputError("samples", f"unknown sample {unknown[0]!r}",
                                  "sample names of the data")
        mask = sheet.index.astype(str).isin(names)
    return matrix.isel(sample=np.flatnonzero(mask)), sheet.loc[mask]


def differential(
    data: Data,
    design: str | pd.DataFrame,
    contrasts: dict[str, str] | None = None,
    *,
    layer: str | None = None,
    samples: Sequence | np.ndarray | pd.Series | None = None,
    trend: bool = False,
    robust: bool = False,
    weights: str | xr.DataArray | None = None,
    inplace: bool = False,
    key_added: str = "differential",
) -> LimmaFit:
    """limma's moderated t on an AnnData: ``lmFit``, ``contrasts.fit``, ``eBayes``.

    Parameters
    ----------
    data
        AnnData of log-scale values (``obs`` = samples) or a ``(feature, sample)``
        DataArray whose sample coordinates are the sample sheet. NaN = missing: each
        feature is fitted on its observed samples.
    design
        A formula over the ``obs`` columns (``"~ 0 + condition + plex"``) or a design
        matrix (samples x columns). Categorical levels that no selected sample has are
        dropped; columns the samples cannot estimate are dropped with a warning naming
        them.
    contrasts
        ``{name: expression}`` over the design columns (``"condition[res] -
        condition[sens]"``); without contrasts the fit is on the design's coefficients.
    layer
        Use ``layers[layer]`` instead of ``X``.
    samples
        Samples to model: a boolean mask or sample names (default all).
    trend, robust
        limma's ``eBayes(trend=TRUE)`` / ``eBayes(robust=TRUE)``.
    weights
        Precision weights: a layer name (e.g. ``"voom_weights"`` of :func:`omics.pp.voom`)
        or a ``(feature, sample)`` DataArray; each feature is then a weighted fit.
    inplace
        Also store ``varm[f"{key_added}_{stat}"]`` (features x coefficients; ``log2_fc, t,
        p_value, fdr, log_odds``) and the model in ``uns[key_added]``.
    key_added
        Prefix of the stored results.

    Returns
    -------
    LimmaFit
        ``.top_table(coef)``, ``.f_test(coefs)``, ``.coefficient_names``.

    Examples
    --------
    >>> import omics as ox
    >>> prot = ox.datasets.builtin_cohort(scale="small")["proteomics"]
    >>> ox.pp.log2(prot); ox.pp.median_normalise(prot)
    >>> fit = ox.tl.differential(prot, "~ 0 + condition + plex",
    ...     {"res_vs_sens": "condition[res_cells] - condition[sens_cells]"},
    ...     samples=~prot.obs["reference"])
    >>> table = fit.top_table("res_vs_sens")  # planted: ANXA6 1.3, EGFR 0.9
    >>> table.loc[["ANXA6", "EGFR"], "logFC"].round(1).tolist()
    [1.3, 1.1]
    """
    matrix, sheet = _selected(data, samples, layer)
    x = design.loc[sheet.index] if isinstance(design, pd.DataFrame) \
        else design_matrix(sheet, design)
    weight_matrix = None
    if weights is not None:
        weight_matrix = (_selected(weights, samples, None) if isinstance(weights, xr.DataArray)
                         else _selected(data, samples, weights))[0].values
    fit = lm_fit(matrix.data, x, features=np.asarray(matrix["feature"].values).astype(str),
                 weights=weight_matrix)
    if contrasts:
        fit = fit.contrasts_fit(contrasts)
    fit = fit.ebayes(trend=trend, robust=robust)
    if inplace:
        if not isinstance(data, ad.AnnData):
            raise OmicsInputError("inplace", "a DataArray", "an AnnData for inplace=True")
        for name, frame in fit.to_frames().items():
            data.varm[f"{key_added}_{name}"] = frame.reindex(data.var_names)
        data.uns[key_added] = {
            "design": design if isinstance(design, str) else "matrix",
            "contrasts": dict(contrasts or {}), "trend": trend, "robust": robust,
            "n_samples": len(sheet), "non_estimable": list(fit.non_estimable),
            "df_prior": float(np.median(fit.df_prior)),
            "s2_prior": float(np.median(fit.s2_prior)),
        }
    return fit


def ptm_differential(
    sites: ad.AnnData,
    proteins: ad.AnnData,
    design: str,
    contrasts: dict[str, str],
    *,
    site_samples: Sequence | np.ndarray | pd.Series | None = None,
    protein_samples: Sequence | np.ndarray | pd.Series | None = None,
    protein_key: str = "protein",
    trend: bool = False,
    robust: bool = False,
    fdr_method: str = "bh",
) -> dict[str, pd.DataFrame]:
    """Site changes adjusted for their protein's change, as MSstatsPTM models them.

    limma's moderated t is fitted on the sites and on the proteins (same design and
    contrasts, each on its own measurements of the samples), then each site's fold change
    is tested net of its protein's (:func:`omics.stats.ptm_adjusted.adjust_for_protein`:
    standard errors combined, Satterthwaite df). Sites whose protein is not measured keep
    their unadjusted test, flagged ``adjusted = False``.

    Parameters
    ----------
    sites
        AnnData of log-scale site abundances (a PTM reader's), ``var[protein_key]``
        naming each site's protein.
    proteins
        AnnData of log-scale protein abundances of the same samples.
    design, contrasts
        Formula over the ``obs`` columns (present in both) and ``{name: expression}``.
    site_samples, protein_samples
        Samples to model in each (boolean mask or names; default all).
    protein_key
        The ``var`` column of ``sites`` with the protein accession.
    trend, robust
        limma's ``eBayes`` options, for both fits.
    fdr_method
        ``"bh"`` or ``"storey"`` over the sites of a contrast.

    Returns
    -------
    dict of DataFrame
        Per contrast, :data:`omics.stats.ptm_adjusted.ADJUSTED_COLUMNS`.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> obs = pd.DataFrame({"g": list("aaabbb")}, index=[f"s{i}" for i in range(6)])
    >>> prot = ad.AnnData(rng.normal(20, 0.2, (6, 50)), obs=obs,
    ...                   var=pd.DataFrame(index=[f"P{i}" for i in range(50)]))
    >>> prot.X[3:, 0] += 1.0  # protein P0 up 2x
    >>> site = ad.AnnData(rng.normal(15, 0.2, (6, 50)), obs=obs, var=pd.DataFrame(
    ...     {"protein": [f"P{i}" for i in range(50)]}, index=[f"P{i}_K9" for i in range(50)]))
    >>> site.X[3:, 0] += 1.0  # its site follows the protein: no change per molecule
    >>> out = ptm_differential(site, prot, "~ 0 + g", {"b_vs_a": "g[b] - g[a]"})["b_vs_a"]
    >>> row = out.set_index("feature").loc["P0_K9"]
    >>> bool(row["site_fdr"] < 0.05), bool(row["fdr"] < 0.05)
    (True, False)
    """
    if protein_key not in sites.var.columns:
        raise OmicsInputError("protein_key", repr(protein_key),
                              "a var column of the sites naming their protein")
    options = {"trend": trend, "robust": robust, "fdr_method": fdr_method}
    tables = {}
    for data, chosen in ((sites, site_samples), (proteins, protein_samples)):
        matrix, sheet = _selected(data, chosen, None)
        tables[id(data)] = moderated_t(matrix, sheet.reset_index(drop=True), design,
                                       contrasts, **options)
    site_proteins = sites.var[protein_key].astype(str)
    return {name: adjust_for_protein(tables[id(sites)][name], tables[id(proteins)][name],
                                     site_proteins, fdr_method=fdr_method)
            for name in contrasts}


def two_group_test(data: Data, design: str, contrasts: dict[str, str], *,
                   method: str = "welch", layer: str | None = None,
                   samples: Sequence | np.ndarray | None = None,
                   fdr_method: str = "bh") -> dict[str, pd.DataFrame]:
    """Welch t or Wilcoxon rank-sum for each two-group contrast of a design.

    Parameters
    ----------
    data
        AnnData (``obs`` = samples) or a ``(feature, sample)`` DataArray of log values.
    design
        Formula over the ``obs`` columns, e.g. ``"~ group"``.
    contrasts
        ``{name: expression}``; each must compare two groups of samples.
    method
        ``"welch"`` or ``"wilcoxon"``.
    layer
        Use ``layers[layer]`` instead of ``X``.
    samples
        Samples to test: a boolean mask or sample names (default all).
    fdr_method
        ``"bh"`` or ``"storey"``.

    Returns
    -------
    dict of DataFrame
        One table per contrast (``feature, log2_fc, ci_low, ci_high, mean_expr, t, p_value,
        fdr, df_total``; for the rank test ``t``, the CI and ``df_total`` are NaN).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(6, 30)); x[3:, 0] += 4
    >>> adata = ad.AnnData(x, obs=pd.DataFrame({"g": list("aaabbb")}, index=list("uvwxyz")))
    >>> table = two_group_test(adata, "~ g", {"b": "g[T.b]"})["b"]
    >>> table.sort_values("p_value")["feature"].iloc[0]
    '0'
    """
    matrix, sheet = _selected(data, samples, layer)
    if method not in METHODS[1:]:
        raise OmicsInputError("method", repr(method), "welch or wilcoxon")
    return _two_group_test(matrix, sheet, design, contrasts, method=method,
                           fdr_method=fdr_method)


def correlate(data: Data, other: Data | None = None, *, layer: str | None = None,
              other_layer: str | None = None, method: str = "pearson",
              top_k: int | None = 10, min_abs_r: float | None = None,
              single_precision_screen: bool = True) -> CorrelationResult:
    """Feature correlation within ``data``, or of ``data`` against ``other`` on the samples
    they share, blockwise with BH FDR over every pair tested
    (:func:`omics.stats.correlation.correlate`).

    Parameters
    ----------
    data, other
        AnnData (or DataArrays); ``other=None`` correlates ``data``'s features pairwise.
    layer, other_layer
        Layers to use instead of ``X``.
    method
        ``"pearson"`` or ``"spearman"`` (pairwise-complete).
    top_k
        Partners kept per feature.
    min_abs_r
        Also keep every pair with ``|r| >= min_abs_r``.
    single_precision_screen
        Screen complete data with a float32 product, float64 values for every pair
        reported or kept (see :func:`omics.stats.correlation.correlate`); ``False``:
        float64 throughout.

    Returns
    -------
    CorrelationResult
        ``top`` (top-k partners per feature) and ``strong`` (pairs with
        ``|r| >= min_abs_r``) tables with ``r, n, p_value, fdr``.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=(20, 5)); x[:, 1] = x[:, 0] + rng.normal(0, 0.1, 20)
    >>> result = correlate(ad.AnnData(x), top_k=1)
    >>> row = result.top.sort_values("p_value").iloc[0]
    >>> sorted([row["feature_a"], row["feature_b"]]), bool(row["r"] > 0.9)
    (['0', '1'], True)
    """
    x, _ = feature_matrix(data, layer)
    y = None if other is None else feature_matrix(other, other_layer)[0]
    return _correlate(x, y, method=method, top_k=top_k, min_abs_r=min_abs_r,
                      single_precision_screen=single_precision_screen)


def protein_mrna(protein: Data, mrna: Data, *, pair_by: str | None = None,
                 protein_layer: str | None = None, mrna_layer: str | None = None,
                 method: str = "spearman") -> pd.DataFrame:
    """Each gene's protein against its mRNA, over the samples both modalities have.

    Parameters
    ----------
    protein, mrna
        AnnData (or DataArrays) whose feature names are gene symbols.
    pair_by
        An ``obs`` column in both that pairs samples (e.g. ``"culture"``); default: the
        sample names themselves. Samples whose value is not unique are left out.
    protein_layer, mrna_layer
        Layers to use instead of ``X``.
    method
        ``"spearman"`` or ``"pearson"``.

    Returns
    -------
    DataFrame
        ``feature, r, n, p_value, fdr`` (BH over the genes), one row per shared gene.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = rng.normal(size=(6, 4))
    >>> obs = pd.DataFrame(index=[f"s{i}" for i in range(6)])
    >>> protein = ad.AnnData(x, obs=obs)
    >>> mrna = ad.AnnData(x + rng.normal(0, 0.01, x.shape), obs=obs)
    >>> protein_mrna(protein, mrna)["r"].round(2).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    x = _paired_samples(*feature_matrix(protein, protein_layer), pair_by)
    y = _paired_samples(*feature_matrix(mrna, mrna_layer), pair_by)
    y_genes = set(np.asarray(y["feature"].values).astype(str))
    genes = [g for g in dict.fromkeys(np.asarray(x["feature"].values).astype(str))
             if g in y_genes]
    y_samples = set(np.asarray(y["sample"].values).astype(str))
    shared = [s for s in np.asarray(x["sample"].values).astype(str) if s in y_samples]
    if not genes or len(shared) < 3:
        raise OmicsInputError("protein_mrna", f"{len(genes)} shared genes and {len(shared)} "
                              "shared samples", "shared feature and sample names (>= 3 samples)")
    x = x.isel(feature=~x.get_index("feature").duplicated())
    y = y.isel(feature=~y.get_index("feature").duplicated())
    r, n, p = paired_row_correlation(x.sel(feature=genes, sample=shared).values,
                                     y.sel(feature=genes, sample=shared).values, method=method)
    return pd.DataFrame({"feature": genes, "r": r, "n": n, "p_value": p, "fdr": bh_fdr(p)})


def _paired_samples(matrix: xr.DataArray, sheet: pd.DataFrame, pair_by: str | None
                    ) -> xr.DataArray:
    """``matrix`` with its samples named by ``pair_by`` (unique values only)."""
    if pair_by is None:
        return matrix
    if pair_by not in sheet.columns:
        raise OmicsInputError("pair_by", f"no sample column {pair_by!r}",
                              "one of " + ", ".join(map(str, sheet.columns)))
    keys = paired_keys(sheet, pair_by)
    unique = keys.notna().to_numpy()
    return matrix.isel(sample=np.flatnonzero(unique)).assign_coords(
        sample=keys.to_numpy()[unique].astype(object))


def _gene_sets(gene_sets: Mapping[str, GeneSet] | str | Path) -> Mapping[str, GeneSet]:
    return gene_sets if isinstance(gene_sets, Mapping) else read_gmt(gene_sets)


def gsea(ranking: pd.Series | pd.DataFrame, gene_sets: Mapping[str, GeneSet] | str | Path, *,
         stat: str = "t", permutations: int = 1000, seed: int = 0, min_size: int = 5,
         max_size: int = 500) -> pd.DataFrame:
    """Pre-ranked GSEA of one contrast (gseapy ``prerank``; :func:`omics.stats.pathways.gsea`).

    Parameters
    ----------
    ranking
        A statistic per gene (Series indexed by symbol), or a differential table
        (``top_table``) whose ``stat`` column ranks its ``gene`` column (its index without
        one).
    gene_sets
        Gene sets by name, or a GMT file.
    stat
        The table column to rank by (``t``; ``log2_fc`` or ``logFC`` also work).
    permutations, seed, min_size, max_size
        Gene-set permutations, their seed, and the measured set sizes tested.

    Returns
    -------
    DataFrame
        Per set: ``description, set_size, es, nes, p_value, fdr, fwer, leading_edge_size,
        leading_edge``, sorted by p-value.

    Examples
    --------
    >>> from omics.io.gmt import GeneSet
    >>> rng = np.random.default_rng(0)
    >>> t = pd.Series(rng.normal(size=500), index=[f"g{i}" for i in range(500)])
    >>> t.iloc[:8] -= 4
    >>> sets = {"down": GeneSet("down", "", tuple(t.index[:8])),
    ...         "other": GeneSet("other", "", tuple(t.index[100:130]))}
    >>> table = gsea(t, sets, permutations=100)
    >>> table.loc["down", "nes"] < -2, table.loc["down", "leading_edge_size"]
    (np.True_, np.int64(8))
    """
    if isinstance(ranking, pd.DataFrame):
        if stat not in ranking.columns:
            raise OmicsInputError("stat", f"no column {stat!r}",
                                  "one of " + ", ".join(map(str, ranking.columns)))
        index = ranking["gene"] if "gene" in ranking.columns else ranking.index
        ranking = pd.Series(ranking[stat].to_numpy(), index=pd.Index(index).astype(str))
    return _gsea(ranking, _gene_sets(gene_sets), permutations=permutations, seed=seed,
                 min_size=min_size, max_size=max_size)


def pathway_activity(data: Data | pd.DataFrame, weights: pd.DataFrame | str | Path, *,
                     method: str = "ulm", layer: str | None = None, gene_key: str = "gene",
                     min_size: int = 5, key_added: str | None = "pathway_activity"
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pathway activities per sample from footprint weights (PROGENy; decoupler's ULM/MLM).

    Each gene is centred over the samples first, so an activity says how much more (or
    less) a pathway's footprint is expressed in a sample than on average. For activities
    per contrast, pass a contrasts x genes DataFrame of t statistics instead.

    Parameters
    ----------
    data
        AnnData (or DataArray) of log values, or an observations x genes DataFrame (used
        as it is, not centred).
    weights
        ``pathway, gene, weight`` rows, or a weights file
        (:func:`omics.io.pathway_weights.read_pathway_weights`).
    method
        ``"ulm"`` (each pathway alone) or ``"mlm"`` (all together).
    layer
        Use ``layers[layer]`` instead of ``X``.
    gene_key
        The ``var`` column of gene symbols (default: the feature names when absent).
    min_size
        Pathways with fewer measured genes are not scored.
    key_added
        Store the activities and their FDR in ``obsm[key_added]`` and
        ``obsm[f"{key_added}_fdr"]`` of an AnnData (``None``: do not).

    Returns
    -------
    tuple of DataFrame
        Activities and their FDR (BH over the pathways of each sample), samples x
        pathways.

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> genes = [f"g{i}" for i in range(300)]
    >>> weights = pd.DataFrame({"pathway": ["P"] * 20, "gene": genes[:20],
    ...                         "weight": np.linspace(1, 3, 20)})
    >>> x = rng.normal(size=(6, 300)); x[3:, :20] += np.linspace(1, 3, 20)
    >>> adata = ad.AnnData(x, var=pd.DataFrame(index=genes))
    >>> scores, _ = pathway_activity(adata, weights)
    >>> (scores["P"].iloc[3:] > 0).all() and (scores["P"].iloc[:3] < 0).all()
    np.True_
    """
    table = weights if isinstance(weights, pd.DataFrame) else read_pathway_weights(weights)
    if isinstance(data, pd.DataFrame):
        values = data
    else:
        matrix, sheet = feature_matrix(data, layer)
        genes = matrix[gene_key].values if gene_key in matrix.coords else matrix["feature"].values
        centred = matrix.values - np.nanmean(matrix.values, axis=1, keepdims=True)
        values = pd.DataFrame(centred.T, index=sheet.index.astype(str),
                              columns=np.asarray(genes).astype(str))
    scores, fdr = _pathway_activity(values, table, method=method, min_size=min_size)
    if key_added is not None and isinstance(data, ad.AnnData):
        data.obsm[key_added] = scores.reindex(data.obs_names)
        data.obsm[f"{key_added}_fdr"] = fdr.reindex(data.obs_names)
    return scores, fdr


def mofa(mdata, *, modalities: Sequence[str] | None = None,
         layers: Mapping[str, str] | None = None, pair_by: str | None = None,
         n_factors: int = 10, seed: int = 1, scale_features: bool = True,
         convergence: str = "slow", key_added: str = "X_mofa") -> MofaResult:
    """MOFA+ factors over the modalities of a MuData (or a ``{name: AnnData}`` mapping):
    :func:`omics.stats.factors.fit_mofa` on each modality's ``X`` (or layer).

    Samples are the same sample across modalities when their ``obs`` column ``pair_by``
    (a subject, a culture) has the same value, or without it when their names are equal; a
    sample may be absent from some modalities (e.g. protein measured for some tumours only).

    Parameters
    ----------
    mdata
        MuData, or a mapping of modality name to AnnData, of log-scale values.
    modalities
        The modalities to use (default all).
    layers
        ``{modality: layer}`` to use instead of ``X``.
    pair_by
        The ``obs`` column that names the shared samples; values found on more than one
        sample of a modality are left out there.
    n_factors, seed, scale_features, convergence
        See :func:`omics.stats.factors.fit_mofa`.
    key_added
        Each modality gets its samples' scores in ``obsm[key_added]`` (NaN where a sample was
        not in the model) and the variance explained per factor in
        ``uns[f"{key_added}_variance"]``.

    Returns
    -------
    MofaResult
        ``factors``, ``weights``, ``variance_explained``, ``top_weights()``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(40, 1))
    >>> obs = pd.DataFrame(index=[f"s{i}" for i in range(40)])
    >>> views = {"rna": ad.AnnData(z @ rng.normal(size=(1, 30)) + rng.normal(0, .3, (40, 30)),
    ...                            obs=obs),
    ...          "protein": ad.AnnData(z[:25] @ rng.normal(size=(1, 10))
    ...                                + rng.normal(0, .3, (25, 10)), obs=obs.iloc[:25])}
    >>> result = mofa(views, n_factors=2)
    >>> result.factors.shape, views["protein"].obsm["X_mofa"].shape
    ((40, 2), (25, 2))
    """
    names = list(modalities) if modalities is not None else list(mdata.mod if hasattr(
        mdata, "mod") else mdata)
    views, keys = {}, {}
    for name in names:
        adata = mdata[name]
        matrix, sheet = feature_matrix(adata, (layers or {}).get(name))
        paired = _paired_samples(matrix, sheet, pair_by)
        keys[name] = paired_keys(sheet, pair_by)  # NaN: left out, no scores
        views[name] = pd.DataFrame(np.asarray(paired.values).T,
                                   index=np.asarray(paired["sample"].values).astype(str),
                                   columns=np.asarray(paired["feature"].values).astype(str))
    result = fit_mofa(views, n_factors=n_factors, seed=seed, scale_features=scale_features,
                      convergence=convergence)
    for name in names:
        adata = mdata[name]
        adata.obsm[key_added] = result.factors.reindex(keys[name].to_numpy()).to_numpy()
        adata.uns[f"{key_added}_variance"] = result.variance_explained.loc[name].to_numpy()
    return result
