"""The pipeline's pathway analysis: GSEA, over-representation of called genes and PROGENy
activities for every differential contrast in the store (:mod:`omics.stats.pathways`).

Results (``results/pathways/<table>``, one long table each):

* ``gsea``: analysis, contrast, set, description, set_size, es, nes, p_value, fdr, fwer,
  leading_edge_size, leading_edge;
* ``ora``: analysis, contrast, set, description, set_size, overlap, expected,
  fold_enrichment, p_value, fdr, genes;
* ``activity_contrasts``: analysis, contrast, pathway, activity, fdr (PROGENy on t; BH
  over the pathways of each contrast);
* ``activity_samples``: analysis, sample, pathway, activity, fdr (genes centred).

Each contrast's GSEA is one Dask task, so contrasts run in parallel on the cluster.
"""

from __future__ import annotations

from pathlib import Path

import dask
import numpy as np
import pandas as pd

from omics.io.gmt import GeneSet, read_gmt
from omics.io.pathway_weights import read_pathway_weights
from omics.io.study import PathwaysPlan
from omics.pl.labels import permutation_significant, significant
from omics.stats.pathways import called_genes_enrichment, gsea, pathway_activity
from omics.steps.analysis import (
    DIFFERENTIAL_PROTEOMICS,
    analysed_expression,
    expression_genes,
    protein_matrix_by_gene,
)
from omics.steps.summary import differential_analyses
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_transcriptomics
from omics.store.results import read_result, result_names
from omics.store.writer import write_table

__all__ = ["PATHWAYS", "pathway_analysis", "pathway_files", "pathway_findings"]

PATHWAYS = "pathways"

#: PROGENy pathways of the ANXA6-EGFR axis, called out in the summary and the report.
AXIS_PATHWAYS = ("EGFR", "MAPK", "PI3K")


def pathway_files(plan: PathwaysPlan) -> list[Path]:
    """The gene-set and weights files a pathway plan reads."""
    return [*plan.gene_sets, *([plan.weights] if plan.weights is not None else [])]


def _gene_sets(plan: PathwaysPlan) -> dict[str, GeneSet]:
    sets: dict[str, GeneSet] = {}
    for path in plan.gene_sets:
        sets.update(read_gmt(path))
    return sets


def _contrast_tables(store) -> dict[tuple[str, str], pd.DataFrame]:
    tables = {}
    for analysis in differential_analyses(store):
        for contrast in result_names(store, analysis):
            table = read_result(store, analysis, contrast)
            if "gene" not in table.columns:
                table["gene"] = table["feature"]
            tables[analysis, contrast] = table
    return tables


def _ranking(table: pd.DataFrame, rank_by: str) -> pd.Series:
    statistic = table["t"].abs() if rank_by == "abs_t" else table[rank_by]
    return pd.Series(statistic.to_numpy(), index=table["gene"].astype(str))


def _long(frames: dict[tuple[str, str], pd.DataFrame], index_name: str) -> pd.DataFrame:
    rows = [frame.rename_axis(index_name).reset_index().assign(analysis=a, contrast=c)
            for (a, c), frame in frames.items() if len(frame)]
    if not rows:
        return pd.DataFrame(columns=["analysis", "contrast", index_name])
    table = pd.concat(rows, ignore_index=True)
    front = ["analysis", "contrast", index_name]
    return table[front + [c for c in table.columns if c not in front]]


def _sample_values(store, analysis: str) -> pd.DataFrame:
    """Samples x genes of one analysis' analysed values (a gene's first feature), each gene
    centred."""
    if analysis == DIFFERENTIAL_PROTEOMICS:
        by_gene = protein_matrix_by_gene(store)
    else:
        modality = analysis.removeprefix("differential_transcriptomics_")
        values, samples = analysed_expression(store, modality)
        features = np.asarray(values["feature"].values).astype(str)
        genes = expression_genes(open_transcriptomics(store, modality)).reindex(features)
        by_gene = pd.DataFrame(np.asarray(values.values), index=genes, columns=samples.index)
        by_gene = by_gene[by_gene.index.notna() & ~by_gene.index.duplicated()]
    return by_gene.sub(by_gene.mean(axis=1), axis=0).T


def _activities(store, plan: PathwaysPlan, tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    weights = read_pathway_weights(plan.weights, top=plan.top)
    per_contrast, per_sample = [], []
    for analysis in dict.fromkeys(a for a, _ in tables):
        statistics = pd.DataFrame({
            contrast: table.dropna(subset=["t"]).drop_duplicates("gene").set_index("gene")["t"]
            for (a, contrast), table in tables.items() if a == analysis}).T
        scores, fdr = pathway_activity(statistics, weights, method=plan.method)
        per_contrast.append(_stack(scores, fdr, "contrast").assign(analysis=analysis))
        scores, fdr = pathway_activity(_sample_values(store, analysis), weights,
                                       method=plan.method)
        per_sample.append(_stack(scores, fdr, "sample").assign(analysis=analysis))
    order = lambda t, by: t[["analysis", by, "pathway", "activity", "fdr"]]  # noqa: E731
    return (order(pd.concat(per_contrast, ignore_index=True), "contrast"),
            order(pd.concat(per_sample, ignore_index=True), "sample"))


def _stack(scores: pd.DataFrame, fdr: pd.DataFrame, by: str) -> pd.DataFrame:
    long = scores.rename_axis(by).reset_index().melt(id_vars=by, var_name="pathway",
                                                      value_name="activity")
    p = fdr.rename_axis(by).reset_index().melt(id_vars=by, var_name="pathway",
                                                value_name="fdr")
    return long.merge(p, on=[by, "pathway"])


def pathway_analysis(store: str | Path, plan: PathwaysPlan) -> dict:
    """Run the plan's pathway analyses on every differential contrast of ``store`` and
    write ``results/pathways``; returns the summary (per contrast: sets called at the
    plan's FDR level by GSEA and ORA, the top sets, and the axis pathways' activities)."""
    tables = _contrast_tables(store)
    attrs = provenance(step=f"analysis:{PATHWAYS}", sources=pathway_files(plan),
                       parameters=plan.model_dump(mode="json"))
    summary: dict = {"contrasts": {}}
    if plan.gene_sets:
        sets = _gene_sets(plan)
        ranked = {key: _ranking(table, plan.rank_by) for key, table in tables.items()}
        jobs = [dask.delayed(gsea, pure=True)(ranking, sets, permutations=plan.permutations,
                                              seed=plan.seed, min_size=plan.min_size,
                                              max_size=plan.max_size)
                for ranking in ranked.values()]
        gsea_tables = dict(zip(ranked, dask.compute(*jobs), strict=True))
        ora_tables = {key: called_genes_enrichment(table, sets, fdr_level=plan.fdr_level,
                                                   min_size=plan.min_size,
                                                   max_size=plan.max_size)
                      for key, table in tables.items()}
        for name, frames in (("gsea", gsea_tables), ("ora", ora_tables)):
            write_table(store, layout.result_group(PATHWAYS, name), _long(frames, "set"),
                        dim="row", attrs=attrs)
        for key in tables:
            entry = summary["contrasts"].setdefault(f"{key[0]}/{key[1]}", {})
            for name, frame, score in (("gsea", gsea_tables[key], "nes"),
                                       ("ora", ora_tables[key], "overlap")):
                called = frame[frame["fdr"] < plan.fdr_level]
                entry[f"{name}_sets_called"] = int(len(called))
                entry[f"{name}_top"] = [{"set": str(s), score: float(row[score]),
                                         "fdr": float(row["fdr"])}
                                        for s, row in called.head(5).iterrows()]
        summary["gene_sets"] = len(sets)
        summary["rank_by"] = plan.rank_by
        summary["fdr_level"] = plan.fdr_level
        summary["permutations"] = plan.permutations
    if plan.weights is not None:
        contrasts, samples = _activities(store, plan, tables)
        write_table(store, layout.result_group(PATHWAYS, "activity_contrasts"), contrasts,
                    dim="row", attrs=attrs)
        write_table(store, layout.result_group(PATHWAYS, "activity_samples"), samples,
                    dim="row", attrs=attrs)
        for row in contrasts[contrasts["pathway"].isin(AXIS_PATHWAYS)].itertuples():
            entry = summary["contrasts"].setdefault(f"{row.analysis}/{row.contrast}", {})
            entry.setdefault("axis_pathway_activity", {})[row.pathway] = float(row.activity)
    return summary


def pathway_findings(summary: dict) -> list[str]:
    """Plain-language lines: per contrast, the gene sets called by GSEA and by ORA of the
    called genes, and the axis pathways' activities."""
    lines = []
    for name, entry in summary.get("contrasts", {}).items():
        analysis, contrast = name.split("/", 1)
        where = f"{analysis.removeprefix('differential_').replace('_', ' ')}, {contrast}"
        if "gsea_sets_called" in entry:
            gsea = ", ".join(f"{t['set']} (NES {t['nes']:.2f}, FDR "
                             f"{permutation_significant(t['fdr'], summary['permutations'], 2)})"
                             for t in entry["gsea_top"]) or "none"
            ora = ", ".join(f"{t['set']} ({int(t['overlap'])} genes, FDR "
                            f"{significant(t['fdr'], 2)})" for t in entry["ora_top"]) or "none"
            lines.append(f"Gene sets ({where}): GSEA on {summary['rank_by']} "
                         f"{entry['gsea_sets_called']} of {summary['gene_sets']} at FDR < "
                         f"{summary['fdr_level']:g}: {gsea}; called genes over-represented: "
                         f"{ora}")
        activity = entry.get("axis_pathway_activity")
        if activity:
            lines.append(f"PROGENy activity ({where}): " + ", ".join(
                f"{p} {v:+.2f}" for p, v in activity.items()))
    return lines
