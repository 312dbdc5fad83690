"""PTM step of the pipeline: each PTM modality's sites tested net of their protein's change.

The sites (the plan's samples and preprocessing, default log2 + median normalisation) and
the study's proteome (``protein_samples``, or the proteomics analysis' samples, with the
proteomics analysis' preprocessing) are fitted with limma's moderated t under the PTM
plan's design and contrasts; :func:`omics.stats.ptm_adjusted.adjust_for_protein` then
tests each site net of its protein. One table per contrast is written under
``results/ptm_<modality>/`` with the site's gene, residues and positions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from omics.io.study import DifferentialPlan, PtmPlan
from omics.pl.labels import significant
from omics.stats.differential import moderated_t
from omics.stats.ptm_adjusted import adjust_for_protein
from omics.steps.analysis import analysed_view, gene_symbols, write_differential
from omics.store import layout
from omics.store.reader import open_proteomics, open_ptm
from omics.store.results import read_result, recorded_parameters, result_names

__all__ = ["fold_words", "protein_side_plan", "ptm_analyses", "ptm_analysis",
           "ptm_analysis_name", "ptm_contrasts", "ptm_findings", "site_label",
           "site_statement"]


def ptm_analysis_name(modality: str) -> str:
    """Result folder of a PTM modality's adjusted site analysis."""
    return f"ptm_{modality}"


def site_label(residues: str, positions: str) -> str:
    """``K754`` (``K754/K757`` for a multi-site peptide) from ``;``-joined residues and
    positions.

    Examples
    --------
    >>> site_label("S;S", "97;99")
    'S97/S99'
    """
    return "/".join(f"{r}{p}" for r, p in zip(residues.split(";"), positions.split(";"),
                                              strict=True))


def protein_side_plan(plan: PtmPlan, proteomics: DifferentialPlan | None) -> DifferentialPlan:
    """The proteome's view for the protein side: its own preprocessing and samples (or
    ``protein_samples``), the PTM plan's model."""
    samples = plan.protein_samples if plan.protein_samples is not None else (
        proteomics.samples if proteomics else None)
    return DifferentialPlan(design=plan.design, contrasts=plan.contrasts, samples=samples,
                            preprocess=proteomics.preprocess if proteomics else None)


def ptm_analysis(store: str | Path, modality: str, plan: PtmPlan,
                 proteomics: DifferentialPlan | None) -> dict:
    """Run the adjusted site analysis of one PTM modality and write its tables.

    Parameters
    ----------
    store
        The study store.
    modality
        The PTM modality (``ptm.<modality>`` of ``study.yaml``).
    plan
        Its ``analysis.ptm.<modality>`` section.
    proteomics
        The study's proteomics analysis plan (its preprocessing and samples serve the
        protein side), or ``None`` for the defaults.

    Returns
    -------
    dict
        Per contrast: the differential summary plus the numbers of sites adjusted and
        left unadjusted (protein not measured or not estimable).
    """
    sites = open_ptm(store, modality)
    site_values, site_samples = analysed_view(sites, plan)
    proteome = open_proteomics(store)
    protein_values, protein_samples = analysed_view(proteome, protein_side_plan(plan, proteomics))
    options = {"fdr_method": plan.fdr, "trend": plan.trend, "robust": plan.robust}
    site_tables = moderated_t(site_values, site_samples, plan.design, plan.contrasts,
                              **options)
    protein_tables = moderated_t(protein_values, protein_samples, plan.design,
                                 plan.contrasts, **options)
    ids = np.asarray(sites["feature"].values).astype(str)
    info = pd.DataFrame({name: np.asarray(sites[name].values).astype(str)
                         for name in ("protein", "residues", "positions")}, index=ids)
    protein_gene = dict(zip(np.asarray(proteome["feature"].values).astype(str),
                            gene_symbols(proteome), strict=True))
    site_gene = (pd.Series(np.asarray(sites["gene"].values).astype(str), index=ids)
                 if "gene" in sites.coords else pd.Series("", index=ids))
    gene = site_gene.where(site_gene != "", info["protein"].map(protein_gene).fillna(""))
    gene = pd.Series([f"{g}" for g in gene], index=gene.index)  # plain str, not numpy's
    tables = {}
    for name in plan.contrasts:
        table = adjust_for_protein(site_tables[name], protein_tables[name], info["protein"],
                                   fdr_method=plan.fdr)
        table.insert(1, "gene", gene.reindex(table["feature"]).to_numpy(dtype=object))
        table.insert(2, "site", [site_label(info.at[f, "residues"], info.at[f, "positions"])
                                 for f in table["feature"]])
        table.attrs = {**site_tables[name].attrs, "model": "site - protein (MSstatsPTM)",
                       "protein_df_prior": protein_tables[name].attrs.get("df_prior"),
                       "protein_s2_prior": protein_tables[name].attrs.get("s2_prior")}
        tables[name] = table
    sources = json.loads(sites["intensity"].attrs.get("source_files", "[]"))
    summaries = write_differential(store, ptm_analysis_name(modality), tables, sources, plan,
                                   site_values.attrs["preprocess"],
                                   (len(site_samples), sites.sizes["sample"]))
    for name, table in tables.items():
        summaries[name]["adjusted"] = int(table["adjusted"].sum())
        summaries[name]["unadjusted"] = int((~table["adjusted"]).sum())
    return summaries


def ptm_analyses(store: str | Path) -> list[str]:
    """The store's PTM analyses (``ptm_<modality>``), in name order."""
    results = Path(store) / layout.RESULTS
    return sorted(p.name for p in results.glob("ptm_*") if p.is_dir())


def fold_words(log2_fc: float) -> str:
    """``up 2.1x`` / ``down 2.1x`` from a log2 fold change.

    Examples
    --------
    >>> fold_words(-1.07)
    'down 2.1x'
    """
    return f"{'up' if log2_fc >= 0 else 'down'} {2 ** abs(log2_fc):.1f}x"


def site_statement(row, modality: str) -> str:
    """One site's adjusted result in words, e.g. ``EGFR K754 (diglycine) per molecule down
    2.2x (adjusted FDR 0.0011; site 0.90x, protein 2.01x)``; an unadjusted site says so."""
    name = f"{row['gene'] or row['protein'] or row['feature']} {row['site']} ({modality})"
    if not row["adjusted"]:
        return (f"{name} {fold_words(row['log2_fc'])}, unadjusted: its protein was not "
                f"measured (FDR {significant(row['fdr'], 2)})")
    return (f"{name} per molecule {fold_words(row['log2_fc'])} (adjusted FDR "
            f"{significant(row['fdr'], 2)}; site {2 ** row['site_log2_fc']:.2f}x, protein "
            f"{2 ** row['protein_log2_fc']:.2f}x)")


def ptm_contrasts(store: str | Path):
    """Every stored PTM contrast as ``(modality, contrast, table, fdr_level)``, the table of
    tested sites sorted by p-value (the sites never tested left out)."""
    for analysis in ptm_analyses(store):
        for contrast in result_names(store, analysis):
            table = read_result(store, analysis, contrast)
            level = float(recorded_parameters(store, analysis, contrast).get("fdr_level",
                                                                             0.05))
            yield (analysis.removeprefix("ptm_"), contrast,
                   table.dropna(subset=["p_value"]).sort_values("p_value"), level)


def ptm_findings(store: str | Path, axis_genes: tuple[str, ...]) -> list[str]:
    """Plain-language lines per PTM contrast: sites called per molecule, how many were left
    unadjusted, the axis genes' sites and the top sites, labelled by their layer."""
    lines = []
    for modality, contrast, tested, level in ptm_contrasts(store):
        called = tested[tested["fdr"] < level]
        axis = tested[tested["gene"].isin(axis_genes)].head(3)
        others = called[~called["gene"].isin(axis_genes)].head(3)
        unadjusted = int((~tested["adjusted"]).sum())
        lines.append(
            f"PTM sites {modality}, {contrast} (moderated t of sites and proteins, site "
            f"change net of its protein): {len(called):,} of {len(tested):,} tested sites at "
            f"FDR < {level:g} ({int((called['log2_fc'] > 0).sum())} up, "
            f"{int((called['log2_fc'] < 0).sum())} down per molecule)"
            + (f"; {unadjusted:,} site{'s' if unadjusted > 1 else ''} without a measured "
               "protein tested unadjusted" if unadjusted else "") + "; "
            + "; ".join(site_statement(r, modality) for _, r in
                        pd.concat([axis, others]).iterrows()))
    return lines
