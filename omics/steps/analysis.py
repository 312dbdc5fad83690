"""Analysis steps of the pipeline: read inputs from the study store, run :mod:`omics.stats`,
write result tables back under ``results/`` (each group atomically, with provenance).

Each function takes a store path and a plan from ``study.yaml`` and returns a small summary
dict, so that orchestration (``flows.analysis``) passes paths and small values only. Heavy
work is on dask arrays and runs on whatever Dask scheduler is active.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.anndata_convert import coordinate_frame, feature_matrix
from omics.io.hgnc import HgncMap
from omics.io.plan_steps import (
    FilterByExprStep,
    Log2Step,
    MedianNormaliseStep,
    PreprocessStep,
    TmmNormaliseStep,
)
from omics.io.study import DifferentialPlan, GenePairPlan, ProteinMrnaPlan
from omics.preprocess import expressed_genes, log2_intensity, log_cpm, log_cpm_counts
from omics.stats import (
    bh_fdr,
    paired_row_correlation,
    score_correlation,
)
from omics.stats.differential import differential
from omics.stats.selection import select_samples
from omics.steps.preprocessing import apply_steps
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_proteomics, open_transcriptomics
from omics.store.results import open_differential, recorded_parameters, result_names
from omics.store.variables import check_variables
from omics.store.writer import write_dataset, write_table

__all__ = [
    "DIFFERENTIAL_PROTEOMICS",
    "differential_proteomics",
    "differential_transcriptomics",
    "gene_pair_correlation",
    "gene_symbols",
    "expression_dataarray",
    "expression_genes",
    "modality_scale",
    "on_log_scale",
    "analysed_expression",
    "analysed_steps",
    "analysed_view",
    "normalised_proteomics",
    "recorded_plan",
    "recorded_proteomics_plan",
    "transcriptomics_view",
    "write_differential",
    "protein_matrix_by_gene",
    "protein_mrna",
]

DIFFERENTIAL_PROTEOMICS = "differential_proteomics"
FDR_THRESHOLD = 0.05


#: Proteomics preprocessing when the plan gives none: log2, then median normalisation.
DEFAULT_PROTEOMICS_STEPS: list[PreprocessStep] = [Log2Step(step="log2"),
                                                  MedianNormaliseStep(step="median_normalise")]


#: Counts preprocessing for ``method: voom`` when the plan gives none (edgeR's workflow).
DEFAULT_VOOM_STEPS: list[PreprocessStep] = [FilterByExprStep(step="filter_by_expr"),
                                            TmmNormaliseStep(step="tmm_normalise")]


def differential_transcriptomics_name(modality: str) -> str:
    """Result folder of a transcriptomics modality's differential analysis."""
    return f"differential_transcriptomics_{modality}"


def recorded_plan(store: str | Path, analysis: str) -> DifferentialPlan | None:
    """The differential plan recorded with an analysis' results (its sample selection,
    preprocessing and model), or ``None`` before the analysis ran."""
    names = result_names(store, analysis)
    if not names:
        return None
    recorded = recorded_parameters(store, analysis, names[0])
    return DifferentialPlan.model_validate(
        {k: v for k, v in recorded.items() if k in DifferentialPlan.model_fields})


def recorded_proteomics_plan(store: str | Path) -> DifferentialPlan | None:
    """The proteomics analysis plan recorded with the store's differential results (its
    sample selection and preprocessing steps), or ``None`` before any analysis."""
    return recorded_plan(store, DIFFERENTIAL_PROTEOMICS)


def analysed_steps(plan: DifferentialPlan | None) -> list[PreprocessStep]:
    """The preprocessing steps of a proteomics plan (default: log2, median normalisation)."""
    return DEFAULT_PROTEOMICS_STEPS if plan is None or plan.preprocess is None \
        else plan.preprocess


def analysed_view(dataset: xr.Dataset, plan: DifferentialPlan | None
                  ) -> tuple[xr.DataArray, pd.DataFrame]:
    """The proteomics values an analysis works on: the plan's samples, then its
    preprocessing steps (default: all samples, log2 and median normalisation)."""
    samples = coordinate_frame(dataset, "sample")
    keep = select_samples(samples, plan.samples if plan else None).to_numpy()
    chosen = samples.loc[keep]
    steps = analysed_steps(plan)
    values = apply_steps(dataset["intensity"].isel(sample=np.flatnonzero(keep)), chosen, steps)
    return values, chosen


def normalised_proteomics(store: str | Path) -> tuple[xr.DataArray, pd.DataFrame]:
    """The analysed proteomics view (lazy) and its sample sheet: the samples and
    preprocessing of the store's recorded proteomics plan, so QC, the network's
    correlations and protein-mRNA see what the differential analysis saw."""
    return analysed_view(open_proteomics(store), recorded_proteomics_plan(store))


def protein_matrix_by_gene(store: str | Path) -> pd.DataFrame:
    """Normalised log2 protein abundance with one row per gene (its first protein) and one
    column per sample, reference channels left out."""
    values, samples = normalised_proteomics(store)
    keep = ~samples.get("reference", pd.Series(False, index=samples.index)).to_numpy(bool)
    frame = pd.DataFrame(np.asarray(values.values)[:, keep], index=gene_symbols(values),
                         columns=samples.index[keep])
    return frame[~frame.index.duplicated()]


def _summarise(table: pd.DataFrame, fdr_level: float, n_top: int = 10) -> dict:
    significant = table[table["fdr"] < fdr_level]
    top = table.dropna(subset=["p_value"]).sort_values("p_value").head(n_top)
    return {
        "tested": int(table["p_value"].notna().sum()),
        "not_estimable": int(table["p_value"].isna().sum()),
        "fdr_level": fdr_level,
        "significant": int(len(significant)),
        "significant_fdr_0.05": int((table["fdr"] < FDR_THRESHOLD).sum()),
        "up": int((significant["log2_fc"] > 0).sum()),
        "down": int((significant["log2_fc"] < 0).sum()),
        "top": top[["feature", "log2_fc", "fdr"]].to_dict("records"),
        "df_prior": float(table.attrs.get("df_prior", np.nan)),
        "s2_prior": float(table.attrs.get("s2_prior", np.nan)),
    }


def write_differential(store, analysis: str, tables: dict[str, pd.DataFrame], sources: list,
                        plan: DifferentialPlan, preprocess: str,
                        samples: tuple[int, int]) -> dict:
    """Write each contrast's table with its plan, preprocessing and ``samples`` (analysed,
    of all in the modality) as provenance; 0 features tested is an error."""
    summaries = {}
    for name, table in tables.items():
        if table["p_value"].notna().sum() == 0:
            raise OmicsInputError(
                f"analysis.{analysis}", f"0 of {len(table)} features tested for contrast "
                f"{name!r} (design {plan.design!r} on {table.attrs.get('n_samples', '?')} "
                "samples)", "a design and sample selection that leave residual degrees of "
                "freedom")
        attrs = provenance(step=f"analysis:{analysis}", parameters={
            **plan.model_dump(mode="json"), "contrast_name": name,
            "preprocessing_applied": preprocess,
            "df_prior": table.attrs.get("df_prior"), "s2_prior": table.attrs.get("s2_prior"),
            "non_estimable": table.attrs.get("non_estimable", []),
            "n_samples": samples[0], "n_samples_total": samples[1],
            "sample_weights_estimated": table.attrs.get("sample_weights"),
        })
        attrs["source_files"] = json.dumps(sources)
        write_table(store, layout.result_group(analysis, name), table, dim="feature",
                    index="feature", attrs=attrs)
        summaries[name] = _summarise(table, plan.fdr_level)
    return summaries


def _source_files(attrs: dict) -> list:
    return json.loads(attrs.get("source_files", "[]"))


def differential_proteomics(store: str | Path, plan: DifferentialPlan) -> dict:
    """Select the plan's samples, apply its preprocessing steps (default log2 + median
    normalisation), then run its model for every contrast."""
    dataset = open_proteomics(store)
    values, chosen = analysed_view(dataset, plan)
    n_samples = (len(chosen), dataset.sizes["sample"])
    tables = differential(values, chosen, plan.design, plan.contrasts, method=plan.method,
                          fdr_method=plan.fdr, **_limma_options(plan))
    gene_of = dict(zip(np.asarray(dataset["feature"].values).astype(str),
                       gene_symbols(dataset), strict=True))
    for table in tables.values():
        table.insert(1, "gene", table["feature"].map(gene_of))
    sources = _source_files(dataset["intensity"].attrs)
    return write_differential(store, DIFFERENTIAL_PROTEOMICS, tables, sources, plan,
                               values.attrs["preprocess"], n_samples)


def _limma_options(plan: DifferentialPlan) -> dict:
    if plan.method == "moderated":
        return {"trend": plan.trend, "robust": plan.robust}
    if plan.method == "voom":
        return {"robust": plan.robust, "sample_weights": plan.sample_weights}
    return {}


def expression_genes(adata) -> pd.Series:
    """The gene symbol of each feature of an expression modality, indexed by feature id:
    ``var["gene"]`` (a feature map, TCGA ids), else ``var["symbol"]`` (an HGNC map of
    Ensembl or other ids), else the feature id itself. Missing symbols are ``None``."""
    for column in ("gene", "symbol"):
        if column in adata.var.columns:
            genes = adata.var[column].astype(object)
            return genes.where(genes.notna() & (genes.astype(str) != ""), None)
    return pd.Series(np.asarray(adata.var_names, dtype=object), index=adata.var_names)


def modality_scale(adata) -> str:
    """The value scale declared for a stored expression modality (its reader's ``scale``).

    Raises
    ------
    OmicsInputError
        No scale was declared (an ``expression_matrix`` or ``h5ad`` input without
        ``scale:``): counts are never assumed.
    """
    provenance_attrs = dict(adata.uns.get("provenance", {}))
    scale = json.loads(provenance_attrs.get("parameters", "{}")).get("scale")
    if scale is None:
        step = provenance_attrs.get("step", "?")
        raise OmicsInputError("study.yaml", f"no declared scale for an input read by {step}",
                              "scale: counts, log2, linear or ratio in the input section")
    return scale


def on_log_scale(values: xr.DataArray, scale: str) -> xr.DataArray:
    """Expression values on a log scale by their declared scale: log-CPM of counts (edgeR
    prior count 2), log2 of linear values and ratios (non-positive values missing), log2
    values as they are."""
    if scale == "counts":
        return values.copy(data=log_cpm(values.values))
    if scale in ("linear", "ratio"):
        return log2_intensity(values)
    return values


def expression_dataarray(store, modality: str) -> tuple[xr.DataArray, str, pd.DataFrame,
                                                          dict]:
    """A transcriptomics modality as ``(feature, sample)`` values on a log scale, by its
    declared scale (:func:`on_log_scale`). Returns the values, the scale, the sample sheet
    and the source provenance."""
    adata = open_transcriptomics(store, modality)
    scale = modality_scale(adata)
    raw, samples = feature_matrix(adata)
    return (on_log_scale(raw.astype(np.float64), scale), scale, samples,
            dict(adata.uns.get("provenance", {})))


def transcriptomics_view(adata, plan: DifferentialPlan, modality: str = "?"
                         ) -> tuple[xr.DataArray, pd.DataFrame, str]:
    """What a transcriptomics plan models: its samples, then its preprocessing steps, or
    the default of the declared scale (see :func:`differential_transcriptomics`). Returns
    the values (counts for voom, else log scale), the chosen samples' sheet and a
    description of the preprocessing."""
    scale = modality_scale(adata)
    raw, samples = feature_matrix(adata)
    keep = select_samples(samples, plan.samples).to_numpy()
    chosen = samples.loc[keep]
    raw = raw.astype(np.float64).isel(sample=np.flatnonzero(keep))
    if plan.method == "voom" and scale != "counts":
        raise OmicsInputError(f"analysis.transcriptomics.{modality}",
                              f"method voom on values of scale {scale}",
                              "voom on counts; method moderated for log-scale values")
    if plan.preprocess is not None or plan.method == "voom":
        steps = DEFAULT_VOOM_STEPS if plan.preprocess is None else plan.preprocess
        values = apply_steps(raw, chosen, steps, plan.design)
        return values, chosen, values.attrs["preprocess"]
    if scale == "counts":
        group_sizes = chosen.groupby(list(chosen.columns[:1]), observed=True).size()
        smallest = int(group_sizes.min())
        expressed = expressed_genes(raw.values, min_samples=smallest)
        values = on_log_scale(raw, scale).where(xr.DataArray(expressed, dims=("feature",)))
        return values, chosen, (f"log_cpm(prior_count=2); expressed: >= 1 CPM in >= "
                                f"{smallest} samples")
    described = "none (declared scale log2)" if scale == "log2" \
        else f"log2 (declared scale {scale})"
    return on_log_scale(raw, scale), chosen, described


def analysed_expression(store: str | Path, modality: str
                        ) -> tuple[xr.DataArray, pd.DataFrame]:
    """A transcriptomics modality as its recorded differential analysis saw it (samples
    and preprocessing), on a log scale: counts left by voom's steps become log-CPM on the
    TMM-effective library sizes. Before any analysis, all samples on the declared scale's
    log values (:func:`expression_dataarray`)."""
    plan = recorded_plan(store, differential_transcriptomics_name(modality))
    if plan is None:
        values, _, samples, _ = expression_dataarray(store, modality)
        return values, samples
    adata = open_transcriptomics(store, modality)
    values, chosen, _ = transcriptomics_view(adata, plan, modality)
    still_counts = modality_scale(adata) == "counts" and (
        plan.method == "voom" or (plan.preprocess is not None
                                  and all(step.step != "log_cpm" for step in plan.preprocess)))
    return (log_cpm_counts(values) if still_counts else values), chosen


def differential_transcriptomics(store: str | Path, modality: str, plan: DifferentialPlan
                                 ) -> dict:
    """Select the plan's samples, then its preprocessing steps, or by default the
    modality's declared scale: with ``method: voom`` counts get edgeR's ``filterByExpr`` on
    the design and TMM factors, then voom; otherwise counts are log-CPM'd (edgeR prior
    count 2) with the genes below 1 CPM in fewer samples than the smallest group kept in the
    result with NaN statistics (reported, not dropped); log2 values are used as they are;
    linear values and ratios get log2. Then the model.
    """
    adata = open_transcriptomics(store, modality)
    values, chosen, described = transcriptomics_view(adata, plan, modality)
    tables = differential(values, chosen, plan.design, plan.contrasts, method=plan.method,
                          fdr_method=plan.fdr, **_limma_options(plan))
    gene_of = expression_genes(adata)
    for table in tables.values():
        table.insert(1, "gene", table["feature"].map(gene_of))
    return write_differential(store, differential_transcriptomics_name(modality), tables,
                               _source_files(dict(adata.uns.get("provenance", {}))), plan,
                               described, (len(chosen), adata.n_obs))


def protein_mrna(store: str | Path, plan: ProteinMrnaPlan) -> dict:
    """Per-gene protein-mRNA correlation over paired samples, and the discordance report.

    Proteome and transcriptome samples pair by the sample-sheet column ``plan.pair_by``.
    For every contrast analysed in both, a gene is ``protein_only`` when its protein changes
    (FDR < 0.05) while its mRNA does not (FDR >= 0.05): the signature of changed protein
    stability, as for EGFR in the seed study.
    """
    protein, protein_samples, symbol, protein_analysis = _protein_side(store, plan)
    chosen = select_samples(protein_samples, plan.protein_samples).to_numpy()
    protein_samples = protein_samples.loc[chosen]
    rna, rna_samples = analysed_expression(store, plan.rna_modality)
    key = plan.pair_by or "_sample_id"
    pairs = pd.merge(
        protein_samples.assign(_sample_id=protein_samples.index).reset_index(
            names="protein_sample")[["protein_sample", key]],
        rna_samples.assign(_sample_id=rna_samples.index).reset_index(
            names="rna_sample")[["rna_sample", key]],
        on=key,
    )
    rna_ids = np.asarray(rna["feature"].values).astype(str)
    rna_symbols = expression_genes(open_transcriptomics(store, plan.rna_modality)).reindex(
        rna_ids).astype(str)
    renamed = 0
    if plan.hgnc is not None:
        hgnc = HgncMap.from_table(plan.hgnc)
        symbol, renamed_protein = approved_symbols(symbol, hgnc)
        mapped, renamed_rna = approved_symbols(rna_symbols.to_numpy(), hgnc)
        rna_symbols = pd.Series(mapped, index=rna_symbols.index)
        renamed = renamed_protein + renamed_rna
    first = ~rna_symbols.duplicated().to_numpy()
    rna_genes = pd.Index(rna_symbols.to_numpy()[first])
    rna_rows = np.flatnonzero(first)
    shared = np.flatnonzero(rna_genes.get_indexer(symbol) >= 0)
    protein_values = protein.sel(sample=pairs["protein_sample"].to_numpy()).values[shared]
    rna_values = rna.sel(sample=pairs["rna_sample"].to_numpy()).values[
        rna_rows[rna_genes.get_indexer(symbol[shared])]]
    r, n, p = paired_row_correlation(protein_values, rna_values, "pearson")
    genes = symbol[shared].astype(object)
    contrasts = _shared_contrasts(store, protein_analysis, plan.rna_modality)
    proteins = open_differential(store, protein_analysis).sel(
        contrast=contrasts).reindex(feature=np.asarray(protein["feature"].values)[shared])
    mrna = open_differential(store, differential_transcriptomics_name(plan.rna_modality)).sel(
        contrast=contrasts).reindex(feature=rna_ids[rna_rows[rna_genes.get_indexer(
            symbol[shared])]])
    per_contrast = {
        "protein_log2_fc": proteins["log2_fc"].values.T,
        "protein_fdr": proteins["fdr"].values.T,
        "mrna_log2_fc": mrna["log2_fc"].values.T,
        "mrna_fdr": mrna["fdr"].values.T,
    }
    per_contrast["protein_mrna_class"] = _discordance(per_contrast["protein_fdr"],
                                                      per_contrast["mrna_fdr"])
    result = xr.Dataset(
        {"protein_mrna_r": ("gene", r), "protein_mrna_n": ("gene", n),
         "protein_mrna_p_value": ("gene", p), "protein_mrna_fdr": ("gene", bh_fdr(p)),
         **{name: (("gene", "contrast"), values) for name, values in per_contrast.items()}},
        coords={"gene": genes, "contrast": np.asarray(contrasts, dtype=object)})
    attrs = provenance(step="analysis:protein_mrna", parameters={
        **plan.model_dump(mode="json"), "method": "pearson", "pairs": len(pairs),
        "contrasts": contrasts, "symbols_renamed_by_hgnc": renamed,
    })
    result.attrs.update(attrs)
    write_dataset(store, layout.result_group("protein_mrna", "correlation"),
                  check_variables(result, "protein_mrna"), chunk_dim=None)
    classes = per_contrast["protein_mrna_class"]
    return {
        "genes": len(genes), "pairs": len(pairs), "contrasts": contrasts,
        "symbols_renamed_by_hgnc": renamed,
        "protein_only": {c: sorted(genes[classes[:, j] == "protein_only"].tolist())
                         for j, c in enumerate(contrasts)},
    }


def gene_symbols(proteomics: xr.Dataset | xr.DataArray) -> np.ndarray:
    """Gene symbol of each proteomics feature: the ``gene`` coordinate, else the feature id."""
    name = "gene" if "gene" in proteomics.coords else "feature"
    return np.asarray(proteomics[name].values).astype(str)


def _shared_contrasts(store, protein_analysis: str, modality: str) -> list[str]:
    return sorted(set(result_names(store, protein_analysis))
                  & set(result_names(store, differential_transcriptomics_name(modality))))


def _protein_side(store, plan: ProteinMrnaPlan
                  ) -> tuple[xr.DataArray, pd.DataFrame, np.ndarray, str]:
    """Protein values, their sample sheet, the gene of each feature and the differential
    analysis of the protein side: the analysed proteomics view, or an expression modality
    of protein values restricted to its total-protein features of one gene."""
    if plan.protein_modality is None:
        protein, samples = normalised_proteomics(store)
        return protein, samples, gene_symbols(protein), DIFFERENTIAL_PROTEOMICS
    adata = open_transcriptomics(store, plan.protein_modality)
    values, samples = analysed_expression(store, plan.protein_modality)
    adata = adata[:, np.asarray(values["feature"].values).astype(str)]
    genes = expression_genes(adata).astype(str)
    modification = adata.var["modification"].astype(str) if "modification" in adata.var \
        else pd.Series("", index=adata.var_names)
    total = ((modification == "") & ~genes.str.contains(";")).to_numpy()
    values = values.isel(feature=np.flatnonzero(total))
    return (values, samples, genes.to_numpy()[total].astype(str),
            differential_transcriptomics_name(plan.protein_modality))


def approved_symbols(symbols: np.ndarray, hgnc: HgncMap) -> tuple[np.ndarray, int]:
    """Each symbol as its HGNC approved symbol (an alias, previous symbol or id mapped;
    unknown ones kept), and how many changed.

    Examples
    --------
    >>> import io
    >>> hgnc = HgncMap.from_table(io.StringIO(
    ...     "HGNC ID\\tApproved symbol\\tStatus\\tAlias symbols\\tPrevious symbols\\n"
    ...     "HGNC:3236\\tEGFR\\tApproved\\tERBB1\\tERBB\\n"))
    >>> approved_symbols(np.array(["ERBB1", "EGFR", "SYN1"]), hgnc)
    (array(['EGFR', 'EGFR', 'SYN1'], dtype='<U4'), 1)
    """
    names = np.asarray(symbols).astype(str)
    mapped = np.array([m or s for s, m in zip(names, hgnc.symbols(names), strict=True)])
    return mapped, int((mapped != names).sum())


def _discordance(protein_fdr: np.ndarray, mrna_fdr: np.ndarray) -> np.ndarray:
    protein_hit = protein_fdr < FDR_THRESHOLD
    mrna_hit = mrna_fdr < FDR_THRESHOLD
    mrna_tested = np.isfinite(mrna_fdr)
    out = np.full(protein_fdr.shape, "unchanged", dtype=object)
    out[protein_hit & mrna_hit] = "concordant"
    out[protein_hit & ~mrna_hit & mrna_tested] = "protein_only"
    out[~protein_hit & mrna_hit] = "mrna_only"
    out[protein_hit & ~mrna_tested] = "protein_no_mrna"
    return out


def gene_pair_correlation(store: str | Path, plan: GenePairPlan) -> dict:
    """Spearman correlation of gene pairs across one transcriptomics modality (on its log
    scale; the rank correlation does not depend on it)."""
    values, _, _, _ = expression_dataarray(store, plan.modality)
    rows = []
    for a, b in plan.pairs:
        out = score_correlation(values.sel(feature=a).values, values.sel(feature=b).values)
        rows.append({"pair": f"{a}~{b}", "gene_a": a, "gene_b": b, **out})
    table = pd.DataFrame(rows)
    attrs = provenance(step="analysis:gene_pairs", parameters=plan.model_dump(mode="json"))
    write_table(store, layout.result_group("gene_pairs", plan.modality), table, dim="pair",
                index="pair", attrs=attrs)
    return {"modality": plan.modality, "pairs": rows}
