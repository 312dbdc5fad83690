"""A study's evidence on a network: fold changes, discordance and clinical associations on
the nodes, protein correlations on the edges (:func:`attach_study_evidence`); the curated
prior layer with it (:func:`build_axis_graph`)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graphs.curated import load_axis_layer
from graphs.evidence import attach_edge_correlation, attach_node_table
from omics.steps.analysis import (
    DIFFERENTIAL_PROTEOMICS,
    differential_transcriptomics_name,
    protein_matrix_by_gene,
)
from omics.steps.mechanism import MECHANISM, assay_names, assay_statements
from omics.steps.ptm import ptm_contrasts, site_statement
from omics.store import layout
from omics.store.results import open_result, read_result, recorded_parameters, result_names
from omics.store.variables import flat_name

__all__ = ["attach_study_evidence", "build_axis_graph"]


def build_axis_graph(store: str | Path) -> nx.Graph:
    """The curated axis layer (prior knowledge) with a study's evidence
    (:func:`attach_study_evidence`)."""
    return attach_study_evidence(load_axis_layer(), store)


def attach_study_evidence(graph: nx.Graph, store: str | Path) -> nx.Graph:
    """``graph`` (changed in place and returned) with omics evidence from a study store's
    results on its nodes and edges.

    Nodes get, per analysed contrast, ``protein_log2_fc``, ``protein_fdr``, ``mrna_log2_fc``,
    ``mrna_fdr`` and ``protein_mrna_class`` (flat attribute names made by
    :func:`omics.store.variables.flat_name`), and the protein-mRNA correlation; edges
    between measured proteins get their Pearson correlation across the proteome samples
    (``protein_corr_r``, ``_n``, ``_p``). Genes tested against the clinical outcome get
    ``clinical_response_tau``/``_p`` (tumour mRNA vs response, Jonckheere-Terpstra) and
    ``clinical_cox_hr_per_sd``/``clinical_cox_p``. Genes in the leading edge of a called
    gene set get ``gene_sets_called``; PROGENy activities become graph attributes. Genes
    with PTM sites called net of their protein get ``ptm_evidence`` (and their edges to
    ubiquitin-role nodes ``study_ptm``), the targets of mechanism assays ``assay_evidence``.
    """
    store = Path(store)
    has_proteomics = (store / layout.PROTEOMICS / "zarr.json").exists()
    for contrast in result_names(store, DIFFERENTIAL_PROTEOMICS):
        table = read_result(store, DIFFERENTIAL_PROTEOMICS, contrast)  # has a gene column
        attach_node_table(graph, table, "gene",
                          {"log2_fc": flat_name("protein_log2_fc", contrast),
                           "fdr": flat_name("protein_fdr", contrast)})
    transcriptomics = store / layout.TRANSCRIPTOMICS
    modalities = sorted(p.name for p in transcriptomics.iterdir()) if transcriptomics.exists() \
        else []
    for modality in modalities:
        analysis = differential_transcriptomics_name(modality)
        for contrast in result_names(store, analysis):
            table = read_result(store, analysis, contrast)
            key = "gene" if "gene" in table else "feature"
            attach_node_table(graph, table.dropna(subset=[key]).drop_duplicates(key), key,
                              {"log2_fc": flat_name("mrna_log2_fc", contrast),
                               "fdr": flat_name("mrna_fdr", contrast)})
    if "correlation" in result_names(store, "protein_mrna"):
        result = open_result(store, "protein_mrna", "correlation")
        genes_only = result[[v for v in result.data_vars if "contrast" not in result[v].dims]]
        attach_node_table(graph, genes_only.to_dataframe().reset_index(), "gene",
                          {"protein_mrna_r": "protein_mrna_r"})
        for contrast in result["contrast"].values.astype(str):
            classes = result["protein_mrna_class"].sel(contrast=contrast).to_dataframe()
            attach_node_table(graph, classes.reset_index(), "gene", {
                "protein_mrna_class": flat_name("protein_mrna_class", contrast)})
    if "genes" in result_names(store, "clinical"):
        genes = read_result(store, "clinical", "genes")
        names = {"jonckheere_tau": "clinical_response_tau",
                 "jonckheere_p": "clinical_response_p",
                 "cox_hazard_ratio_per_sd": "clinical_cox_hr_per_sd", "cox_p": "clinical_cox_p"}
        attach_node_table(graph, genes, "gene",
                          {k: v for k, v in names.items() if k in genes.columns})
    _attach_pathways(graph, store)
    _attach_mechanism(graph, store)
    if has_proteomics:
        attach_edge_correlation(graph, protein_matrix_by_gene(store), "protein_corr")
    return graph


def _attach_mechanism(graph: nx.Graph, store: Path) -> None:
    """PTM sites called net of their protein and the mechanism assays as node evidence
    (``ptm_evidence``, ``assay_evidence``: statements labelled by their layer, ``;``-joined);
    a gene's PTM statements also go on its edges to ubiquitin-role nodes (``study_ptm``)."""
    per_gene: dict[str, list[str]] = {}
    for modality, contrast, tested, level in ptm_contrasts(store):
        for _, row in tested[tested["fdr"] < level].iterrows():
            per_gene.setdefault(row["gene"], []).append(
                f"this study, {contrast}: {site_statement(row, modality)}")
    for gene, statements in per_gene.items():
        if gene in graph:
            graph.nodes[gene]["ptm_evidence"] = "; ".join(statements)
            for other in graph[gene]:
                if graph.nodes[other].get("role") == "ubiquitin":
                    graph.edges[gene, other]["study_ptm"] = "; ".join(statements)
    assays: dict[str, list[str]] = {}
    for name in assay_names(store):
        result = read_result(store, MECHANISM, name)
        target = result["target"].iloc[0]
        if target:
            assays.setdefault(target, []).extend(
                f"this study, {line}" for line in assay_statements(result))
    for gene, statements in assays.items():
        if gene in graph:
            graph.nodes[gene]["assay_evidence"] = "; ".join(statements)


def _attach_pathways(graph: nx.Graph, store: Path) -> None:
    """Pathway results as evidence: each gene's called gene sets whose GSEA leading edge it
    is in (node attribute ``gene_sets_called``: ``SET (analysis: contrast)``, ``;``-joined),
    and the PROGENy activities per contrast as graph attributes
    (``progeny_<pathway>__<analysis>__<contrast>``)."""
    names = result_names(store, "pathways")
    if "gsea" in names:
        gsea = read_result(store, "pathways", "gsea")
        level = recorded_parameters(store, "pathways", "gsea").get("fdr_level", 0.05)
        called = gsea[gsea["fdr"] < level]
        per_gene: dict[str, list[str]] = {}
        for row in called.itertuples():
            where = f"{row.set} ({row.analysis.removeprefix('differential_')}: {row.contrast})"
            for gene in str(row.leading_edge).split(";"):
                if gene:
                    per_gene.setdefault(gene, []).append(where)
        for gene, sets in per_gene.items():
            if gene in graph:
                graph.nodes[gene]["gene_sets_called"] = "; ".join(sets)
    if "activity_contrasts" in names:
        activity = read_result(store, "pathways", "activity_contrasts")
        for row in activity.itertuples():
            graph.graph[f"progeny_{row.pathway}__{row.analysis}__{row.contrast}"] = float(
                row.activity)
