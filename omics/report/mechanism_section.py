"""The report's "Mechanism" section: PTM sites tested net of their protein (per modality and
contrast: counts, the site-versus-protein figure, the called and axis sites) and the
mechanism assays (statements, the chase figure, the effect tables). Every statement names
the layer it comes from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from omics.pl import figures as plots
from omics.pl.labels import significant
from omics.steps.mechanism import MECHANISM, assay_names, assay_statements
from omics.steps.ptm import ptm_analyses, ptm_analysis_name, ptm_contrasts, site_statement
from omics.store import layout
from omics.store.reader import open_table
from omics.store.results import read_result, recorded_parameters, result_names

__all__ = ["mechanism_methods", "mechanism_section"]


def _site_rows(table: pd.DataFrame, level: float, axis_genes: tuple[str, ...],
               modality: str) -> pd.DataFrame:
    """The called sites and the axis genes' sites, smallest p first, for display."""
    tested = table.dropna(subset=["p_value"]).sort_values("p_value")
    shown = tested[(tested["fdr"] < level) | tested["gene"].isin(axis_genes)]
    return pd.DataFrame({
        "gene": shown["gene"], "site": shown["site"],
        "per molecule log2FC": shown["log2_fc"].round(2),
        "adjusted FDR": shown["fdr"].map(significant),
        "site log2FC": shown["site_log2_fc"].round(2),
        "site FDR": shown["site_fdr"].map(significant),
        "protein log2FC": shown["protein_log2_fc"].round(2),
        "layer": [f"{modality} sites, net of protein" if a else f"{modality} sites, "
                  "unadjusted (protein not measured)" for a in shown["adjusted"]],
    })


def _ptm_parts(store: Path, full_table, axis_genes: tuple[str, ...]) -> list[dict]:
    parts = []
    for modality, contrast, tested, level in ptm_contrasts(store):
        analysis = ptm_analysis_name(modality)
        table = read_result(store, analysis, contrast)
        axis = tested[tested["gene"].isin(axis_genes)]
        parts.append({
            "title": f"{modality}: {contrast}", "anchor": f"{analysis}-{contrast}",
            "total": len(table), "tested": len(tested),
            "called": int((tested["fdr"] < level).sum()),
            "untestable": len(table) - len(tested),
            "unadjusted": int((~tested["adjusted"].astype(bool)).sum()),
            "fdr_level": level,
            "statements": [site_statement(r, modality) for _, r in axis.iterrows()],
            "rows": _site_rows(table, level, axis_genes, modality),
            "full": full_table(analysis, contrast),
            "figure": plots.site_vs_protein(table, f"{modality}: {contrast}", level,
                                            set(axis_genes)),
        })
    return parts


def _assay_parts(store: Path, full_table) -> list[dict]:
    parts = []
    for name in assay_names(store):
        result = read_result(store, MECHANISM, name).drop(columns="row", errors="ignore")
        part = {"title": f"{name} ({result['assay'].iloc[0]})",
                "statements": assay_statements(result), "full": full_table(MECHANISM, name),
                "rows": result[["term", "measure", "value", "ci_low", "ci_high", "p_value",
                                "family", "n"]].round({"value": 3, "ci_low": 3,
                                                       "ci_high": 3}).assign(
                    p_value=lambda t: t["p_value"].map(significant))}
        if result["kind"].iloc[0] == "chase":
            plan = recorded_parameters(store, MECHANISM, name)
            rows = open_table(store, layout.table_group(plan["table"]))
            rows = rows[rows["assay"] == result["assay"].iloc[0]]
            part["figure"] = plots.chase_decay(rows, result, result["target"].iloc[0])
        parts.append(part)
    return parts


def mechanism_section(store: str | Path, full_table, axis_genes: tuple[str, ...]
                      ) -> dict | None:
    """The section's parts, or ``None`` when the store has neither PTM nor assay results.
    ``full_table(analysis, name)`` links the exported TSV."""
    store = Path(store)
    ptm, assays = _ptm_parts(store, full_table, axis_genes), _assay_parts(store, full_table)
    return {"ptm": ptm, "assays": assays} if ptm or assays else None


def mechanism_methods(store: str | Path) -> list[str]:
    """Methods paragraphs of the PTM and assay analyses present in the store."""
    text = []
    if ptm_analyses(store):
        text.append(
            "Modification sites were summarised from their PSMs per mixture and channel and "
            "tested as MSstatsPTM models them (Kohler et al. 2023): limma moderated t of the "
            "sites and of the proteome under the same design and contrasts, then each site's "
            "log2 fold change minus its protein's, standard errors combined and "
            "Satterthwaite degrees of freedom, BH over the sites of a contrast. Sites whose "
            "protein was not measured keep their unadjusted test and are labelled so.")
    if result_names(store, MECHANISM):
        text.append(
            "Mechanism assays (statsmodels): cycloheximide-chase half-lives from a "
            "log-linear decay of readout over loading control with one slope per condition "
            "(ordinary least squares; half-life ln 2 / -slope, the slope's interval carried "
            "over; each slope tested against the reference's, the condition x time "
            "interaction); westerns as log2 readout over loading control; colony counts by "
            "a Poisson GLM, negative binomial when over-dispersed; annexin V fractions by a "
            "binomial GLM, quasi-binomial when over-dispersed; two-factor designs with their "
            "interaction term.")
    return text
