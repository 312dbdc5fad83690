"""The axis graph of a study: curated layer + this study's evidence from the store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graphs.curated import load_axis_layer
from graphs.evidence import attach_edge_correlation, attach_node_table
from omics.steps.analysis import (
    DIFFERENTIAL_PROTEOMICS,
    differential_transcriptomics_name,
    gene_symbols,
    protein_matrix_by_gene,
    read_result,
    result_names,
)
from omics.store import layout
from omics.store.reader import open_proteomics

__all__ = ["build_axis_graph"]


def build_axis_graph(store: str | Path) -> nx.Graph:
    """Curated axis network with omics evidence from a study store's results.

    Nodes get, per analysed contrast, ``protein_log2_fc__<contrast>``/``protein_fdr__...``,
    ``mrna_log2_fc__...``/``mrna_fdr__...``, the protein-mRNA class and correlation; edges
    between measured proteins get their Pearson correlation across the proteome samples
    (``protein_corr_r``, ``_n``, ``_p``). Genes tested against the clinical outcome get
    ``clinical_response_tau``/``_p`` (tumour mRNA vs response, Jonckheere-Terpstra) and
    ``clinical_cox_hr_per_sd``/``clinical_cox_p``.
    """
    store = Path(store)
    graph = load_axis_layer()
    has_proteomics = (store / layout.PROTEOMICS / "zarr.json").exists()
    if has_proteomics:
        genes = gene_symbols(open_proteomics(store))
    for contrast in result_names(store, DIFFERENTIAL_PROTEOMICS):
        table = read_result(store, DIFFERENTIAL_PROTEOMICS, contrast).assign(gene=genes)
        attach_node_table(graph, table, "gene", {"log2_fc": f"protein_log2_fc__{contrast}",
                                                 "fdr": f"protein_fdr__{contrast}"})
    transcriptomics = store / layout.TRANSCRIPTOMICS
    modalities = sorted(p.name for p in transcriptomics.iterdir()) if transcriptomics.exists() \
        else []
    for modality in modalities:
        analysis = differential_transcriptomics_name(modality)
        for contrast in result_names(store, analysis):
            attach_node_table(graph, read_result(store, analysis, contrast), "feature",
                              {"log2_fc": f"mrna_log2_fc__{contrast}",
                               "fdr": f"mrna_fdr__{contrast}"})
    if "correlation" in result_names(store, "protein_mrna"):
        table = read_result(store, "protein_mrna", "correlation")
        classes = {c: c.replace("class__", "protein_mrna_class__") for c in table.columns
                   if c.startswith("class__")}
        attach_node_table(graph, table, "gene", {"r": "protein_mrna_r", **classes})
    if "genes" in result_names(store, "clinical"):
        attach_node_table(graph, read_result(store, "clinical", "genes"), "gene",
                          {"jonckheere_tau": "clinical_response_tau",
                           "jonckheere_p": "clinical_response_p",
                           "cox_hazard_ratio_per_sd": "clinical_cox_hr_per_sd",
                           "cox_p": "clinical_cox_p"})
    if has_proteomics:
        attach_edge_correlation(graph, protein_matrix_by_gene(store), "protein_corr")
    return graph
