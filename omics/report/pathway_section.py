"""The report's pathway section: GSEA and over-representation per contrast as tables, the
NES of the sets called anywhere as a heatmap, and PROGENy activities (per contrast and per
sample) as heatmaps with the axis pathways (EGFR, MAPK, PI3K) marked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from omics.pl import figures as plots
from omics.pl.labels import permutation_significant
from omics.steps.pathways import AXIS_PATHWAYS, PATHWAYS
from omics.store.results import read_result, recorded_parameters, result_names

__all__ = ["pathway_methods", "pathway_section"]

_HEATMAP_SETS = 30  # rows of the NES heatmap


def _contrast_label(row) -> str:
    return f"{row.analysis.removeprefix('differential_')}: {row.contrast}"


def _first_genes(genes: str, n: int = 8) -> str:
    """At most ``n`` genes of a ``;``-separated list, then how many more."""
    names = [g for g in str(genes).split(";") if g]
    more = f" (+{len(names) - n} more)" if len(names) > n else ""
    return ", ".join(names[:n]) + more


def _called_table(table: pd.DataFrame, fdr_level: float, score: str,
                  permutations: int | None = None) -> pd.DataFrame:
    """The sets called at ``fdr_level``; with ``permutations``, a p or FDR of 0 is shown as
    below one permutation."""
    called = table[table["fdr"] < fdr_level].copy()
    called["contrast"] = [_contrast_label(r) for r in called.itertuples()]
    genes = "leading_edge" if "leading_edge" in called else "genes"
    called[genes] = called[genes].map(_first_genes)
    called = called[["contrast", "set", "set_size", score, "p_value", "fdr", genes]].round(
        {score: 2})
    for column in ("p_value", "fdr"):
        called[column] = [permutation_significant(v, permutations) for v in called[column]]
    return called


def pathway_section(store: str | Path, full_table) -> dict | None:
    """Tables and figures of ``results/pathways``, or ``None`` when there are none.
    ``full_table(analysis, name)`` links the exported TSV."""
    names = result_names(store, PATHWAYS)
    if not names:
        return None
    plan = recorded_parameters(store, PATHWAYS, names[0])
    level = plan.get("fdr_level", 0.05)
    section: dict = {"tables": [], "figures": [], "fdr_level": level,
                     "rank_by": plan.get("rank_by", "t")}
    if "gsea" in names:
        gsea = read_result(store, PATHWAYS, "gsea")
        section["tables"].append({"title": f"GSEA: gene sets at FDR < {level:g}",
                                  "rows": _called_table(gsea, level, "nes",
                                                        plan.get("permutations")),
                                  "full": full_table(PATHWAYS, "gsea")})
        called = gsea[gsea["fdr"] < level].sort_values(["fdr", "p_value"])
        called_sets = called["set"].drop_duplicates().head(_HEATMAP_SETS)
        if len(called_sets):
            shown = gsea[gsea["set"].isin(called_sets)]
            nes = shown.assign(column=[_contrast_label(r) for r in shown.itertuples()]).pivot(
                index="set", columns="column", values="nes")
            more = called["set"].nunique() - len(called_sets)
            section["figures"].append({"figure": plots.activity_heatmap(
                nes, "NES", f"gene sets called at FDR < {level:g} in any contrast"),
                "title": f"GSEA normalised enrichment (NES, ranked by {section['rank_by']}) "
                         "of the sets called in any contrast"
                         + (f" (the {_HEATMAP_SETS} with the smallest FDR; {more} more in the "
                            "table)" if more else "") + "; blank: not tested"})
    if "ora" in names:
        ora = read_result(store, PATHWAYS, "ora")
        section["tables"].append({"title": f"Called genes over-represented (FDR < {level:g}; "
                                           "universe: the genes tested)",
                                  "rows": _called_table(ora, level, "fold_enrichment"),
                                  "full": full_table(PATHWAYS, "ora")})
    if "activity_contrasts" in names:
        activity = read_result(store, PATHWAYS, "activity_contrasts")
        matrix = activity.assign(column=[_contrast_label(r) for r in activity.itertuples()]) \
            .pivot(index="pathway", columns="column", values="activity")
        section["figures"].append({"figure": plots.activity_heatmap(
            matrix, "activity (t)", "PROGENy per contrast", marked=AXIS_PATHWAYS),
            "title": "PROGENy pathway activity per contrast (ULM/MLM t on the contrast's t "
                     "statistics); the axis pathways EGFR, MAPK and PI3K in bold"})
    if "activity_samples" in names:
        samples = read_result(store, PATHWAYS, "activity_samples")
        for analysis, rows in samples.groupby("analysis", sort=False):
            matrix = rows.pivot(index="pathway", columns="sample", values="activity")
            section["figures"].append({"figure": plots.activity_heatmap(
                matrix, "activity (t)", analysis.removeprefix("differential_"),
                marked=AXIS_PATHWAYS),
                "title": f"PROGENy pathway activity per sample "
                         f"({analysis.removeprefix('differential_')}; genes centred over "
                         "the samples)"})
    return section


def pathway_methods(store: str | Path) -> str | None:
    """The methods paragraph of the pathway analysis."""
    names = result_names(store, PATHWAYS)
    if not names:
        return None
    plan = recorded_parameters(store, PATHWAYS, names[0])
    text = []
    if plan.get("gene_sets"):
        files = ", ".join(Path(p).name for p in plan["gene_sets"])
        text.append(f"Gene sets ({files}) were tested per contrast by pre-ranked GSEA (gseapy "
                    f"prerank; genes ranked by {plan.get('rank_by')}; {plan.get('permutations')}"
                    f" gene-set permutations, seed {plan.get('seed')}; sets of "
                    f"{plan.get('min_size')}-{plan.get('max_size')} measured genes) and by "
                    "over-representation of the genes called at FDR < "
                    f"{plan.get('fdr_level')} among the genes tested (hypergeometric, BH FDR).")
    if plan.get("weights"):
        text.append(f"Pathway activities: PROGENy weights ({Path(plan['weights']).name}, top "
                    f"{plan.get('top')} genes per pathway), decoupler "
                    f"{str(plan.get('method')).upper()} on each contrast's t statistics and on "
                    "each sample's centred values.")
    return " ".join(text)
