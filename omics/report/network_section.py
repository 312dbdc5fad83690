"""The report's axis-network section, from a store's ``results/network`` tables: the network
(interactive, and as a figure for print), the axis genes' protein correlation heatmap, and
the node/edge evidence tables.

Examples
--------
>>> import tempfile, pathlib
>>> network_section(pathlib.Path(tempfile.mkdtemp()), seeds=["ANXA6"]) is None
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from omics.pl import figures as plots
from omics.pl.interactive import interactive_network
from omics.pl.network import network_figure
from omics.report.figure_encoder import encode_later
from omics.steps.analysis import protein_matrix_by_gene
from omics.store import layout
from omics.store.results import read_result, result_names
from omics.store.variables import split_flat_name

__all__ = ["network_section"]

_NODE_COLUMNS = ["node", "role", "summary", "propagation_score", "propagation_p", "module"]
_EDGE_COLUMNS = ["source", "target", "evidence", "sources", "source_ref", "string_score",
                 "protein_corr_r", "protein_corr_p"]


def _axis_correlation(store: Path, genes: list[str]) -> pd.DataFrame | None:
    if not (store / layout.PROTEOMICS / "zarr.json").exists():
        return None
    frame = protein_matrix_by_gene(store)
    measured = [g for g in genes if g in frame.index]
    if len(measured) < 2:
        return None
    return frame.loc[measured].T.corr(min_periods=3)


def network_section(store: Path, seeds: list[str], colour: str | None = None) -> dict | None:
    """Figures and tables of the axis network, or None when the store has none; nodes are
    coloured by the ``colour`` column (default: the first protein fold-change column)."""
    if "nodes" not in result_names(store, "network"):
        return None
    nodes = read_result(store, "network", "nodes").set_index("node")
    edges = read_result(store, "network", "edges")
    if colour not in nodes.columns:
        fold_changes = [c for c in nodes.columns
                        if (split_flat_name(c) or ("",))[0] in ("protein_log2_fc", "mrna_log2_fc")]
        colour = min(fold_changes, key=lambda c: not c.startswith("protein"), default=None)
    figures = [{"uri": encode_later(network_figure(nodes, edges, colour, set(seeds))),
                "title": "Context subnetwork of the seeds (bold; node colour: "
                         f"{colour or 'no fold change of this study'}; edges by evidence)"}]
    genes = [n for n in nodes.index if nodes.at[n, "kind"] == "gene"] if "kind" in nodes \
        else list(nodes.index)
    correlation = _axis_correlation(store, genes)
    if correlation is not None:
        figures.append({"uri": encode_later(plots.correlation_heatmap(
            correlation, "Protein correlation of the axis genes across samples")),
            "title": "Pearson correlation of normalised protein abundance (pairwise complete, "
                     "reference channels excluded)"})
    interactive = interactive_network(nodes, edges, colour, set(seeds))
    node_table = nodes.reset_index()[[c for c in _NODE_COLUMNS if c in nodes.reset_index()]]
    node_table = node_table.sort_values("propagation_score", ascending=False) \
        if "propagation_score" in node_table else node_table
    edge_table = edges[[c for c in _EDGE_COLUMNS if c in edges]]
    return {"figures": figures, "nodes": node_table.round(4), "edges": edge_table.round(3),
            "interactive": interactive}
