"""The whole network analysis of a study: layers -> propagation -> paths -> context subnetwork
-> modules -> gene-set over-representation -> axis report, figure and files.

Examples
--------
>>> import tempfile
>>> summary = analyse_axis_network(NetworkPlan(n_random=20), out_dir=tempfile.mkdtemp())
>>> summary["seeds"], summary["context_nodes"] > 10
(['ANXA6', 'EGFR'], True)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dask
import networkx as nx
import pandas as pd

from graphs.axis_report import axis_edge_table, axis_node_table, protein_contrasts
from graphs.curated import load_axis_layer
from graphs.enrichment import over_representation
from graphs.export import write_graph
from graphs.identifiers import map_to_symbols
from graphs.merge import merge_layers
from graphs.modules import find_modules
from graphs.paths import context_subnetwork, k_shortest_paths
from graphs.propagation import propagation_significance
from graphs.sources import read_network_source
from graphs.steps.axis_graph import build_axis_graph
from graphs.steps.store_results import write_network_results
from omics.errors import OmicsInputError
from omics.io.gmt import read_gmt
from omics.io.hgnc import HgncMap
from omics.io.options import NetworkOptions
from omics.io.study import NetworkAnalysisPlan
from omics.pl.network import network_figure
from omics.steps.analysis import gene_symbols
from omics.store import layout
from omics.store.reader import open_proteomics, open_transcriptomics
from omics.store.variables import flat_name

__all__ = ["NetworkPlan", "analyse_axis_network", "axis_targets", "measured_genes"]

#: Curated roles whose members are the resistance-pathway targets of the path search.
TARGET_ROLES = ("ubiquitin", "endocytosis", "pi3k_akt", "mapk", "gemcitabine", "apoptosis")


@dataclass(frozen=True)
class NetworkPlan:
    """Parameters of :func:`analyse_axis_network` (all recorded in ``network_summary.json``)."""

    networks: tuple[NetworkOptions, ...] = ()  # omics.io.networks.network_options(...)
    seeds: tuple[str, ...] = ("ANXA6", "EGFR")
    restart: float = 0.5
    n_random: int = 1000
    seed: int = 0
    top: int = 30
    alpha: float = 0.05
    k_paths: int = 3
    gene_sets: tuple[str, ...] = ()
    hgnc: str | None = None
    module_method: str = "louvain"
    colour_contrast: str | None = None  # protein contrast colouring the figure; None = first

    @classmethod
    def from_study(cls, plan: NetworkAnalysisPlan, colour_contrast: str | None = None
                   ) -> NetworkPlan:
        """The plan of a study's ``analysis.network`` section (``colour_contrast``: the
        study's primary protein contrast)."""
        return cls(networks=tuple(plan.networks),
                   seeds=tuple(plan.seeds), n_random=plan.n_random, top=plan.top,
                   gene_sets=tuple(str(g) for g in plan.gene_sets),
                   hgnc=str(plan.hgnc) if plan.hgnc else None,
                   colour_contrast=colour_contrast)


def measured_genes(store: str | Path) -> set[str]:
    """Gene symbols the study measured: proteomics genes and transcriptomics features."""
    store = Path(store)
    genes: set[str] = set()
    if (store / layout.PROTEOMICS / "zarr.json").exists():
        genes |= set(gene_symbols(open_proteomics(store)))
    folder = store / layout.TRANSCRIPTOMICS
    for modality in (p.name for p in folder.iterdir() if (p / "zarr.json").exists()) \
            if folder.exists() else []:
        genes |= set(map(str, open_transcriptomics(store, modality).var_names))
    return genes


def axis_targets(roles: tuple[str, ...] = TARGET_ROLES) -> list[str]:
    """Curated genes of the resistance-pathway roles (path-search targets)."""
    layer = load_axis_layer()
    return [n for n, d in layer.nodes(data=True) if d["role"] in roles and d["kind"] == "gene"]


def _layers(plan: NetworkPlan) -> list[nx.Graph]:
    hgnc = HgncMap.from_table(plan.hgnc) if plan.hgnc else None
    layers = []
    for source in plan.networks:
        graph = read_network_source(source)
        layers.append(map_to_symbols(graph, hgnc) if hgnc else graph)
    return layers


def _annotate(graph: nx.Graph, propagation: pd.DataFrame, modules: pd.DataFrame) -> None:
    for node in graph.nodes:
        graph.nodes[node]["propagation_score"] = float(propagation.at[node, "score"])
        graph.nodes[node]["propagation_p"] = float(propagation.at[node, "p_value"])
        if node in modules.index:
            graph.nodes[node]["module"] = int(modules.at[node, "module"])


def _write_report(out: Path, nodes: pd.DataFrame, seeds: list[str]) -> Path:
    ordered = nodes.sort_values("propagation_score", ascending=False)
    lines = ["# The ANXA6-EGFR-ubiquitin axis in this study", "",
             f"Seeds: {', '.join(seeds)}. Genes of the context subnetwork by propagation "
             "score (p: degree-preserving randomisations).", ""]
    lines += [f"- {row.summary} (propagation p {row.propagation_p:.3g})"
              for row in ordered.itertuples()]
    path = out / "axis_report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def analyse_axis_network(plan: NetworkPlan, out_dir: str | Path, store: str | Path | None = None,
                         compute: Callable = dask.compute) -> dict:
    """Run the network analysis and write its files into ``out_dir``.

    The graph is the curated axis layer (with ``store``'s evidence when given) merged with
    every database network of ``plan``. Propagation p-values use ``plan.n_random``
    degree-preserving randomisations computed by ``compute`` (``dask.compute`` on the active
    scheduler, or a variant that shows progress).

    Files: ``axis_network.{graphml,cyjs}``, ``axis_network_{nodes,edges}.{csv,parquet}`` (the
    context subnetwork with all evidence), ``propagation.csv`` (every node), ``paths.csv``,
    ``modules.csv``, ``enrichment_<gene sets>.csv``, ``axis_report.md``,
    ``axis_network.{png,svg}``, ``network_summary.json``; with a ``store``, the node and
    edge tables also go into its ``results/network/``. Returns the summary.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    axis = build_axis_graph(store) if store else load_axis_layer()
    graph = merge_layers(axis, *_layers(plan))
    seeds = [s for s in plan.seeds if s in graph]
    if not seeds:
        raise OmicsInputError("--seeds", ",".join(plan.seeds), "at least one gene of the network")
    propagation = propagation_significance(graph, dict.fromkeys(seeds, 1.0),
                                           restart=plan.restart, n_random=plan.n_random,
                                           seed=plan.seed, compute=compute)
    significant = propagation[propagation["p_value"] <= plan.alpha].index
    paths = pd.concat([k_shortest_paths(graph, s, axis_targets(), k=plan.k_paths)
                       .assign(source=s) for s in seeds], ignore_index=True)
    context = context_subnetwork(graph, seeds, significant, top=plan.top,
                                 extra_targets=[n for n in axis if n in graph])
    modules = find_modules(context, method=plan.module_method, seed=plan.seed)
    _annotate(context, propagation, modules)
    contrasts = protein_contrasts(context)
    contrast = plan.colour_contrast if plan.colour_contrast in contrasts \
        else next(iter(contrasts), None)
    nodes = axis_node_table(context, plan.alpha)
    edges = axis_edge_table(context)
    files = write_graph(context, out)
    propagation.to_csv(out / "propagation.csv")
    paths.to_csv(out / "paths.csv", index=False)
    modules.to_csv(out / "modules.csv")
    nodes.to_csv(out / "axis_report_nodes.csv")
    edges.to_csv(out / "axis_report_edges.csv", index=False)
    universe = [n for n, d in graph.nodes(data=True) if d.get("kind", "gene") == "gene"]
    universe_rule = "the network's genes"
    if store:
        measured = measured_genes(store)
        universe = [g for g in universe if g in measured]
        universe_rule = "the network's genes measured in this study"
    genes = [n for n, d in context.nodes(data=True)
             if d.get("kind", "gene") == "gene" and n in set(universe)]
    enrichment = {}
    for gmt in plan.gene_sets:
        table = over_representation(genes, read_gmt(gmt), universe, min_size=3)
        table.to_csv(out / f"enrichment_{Path(gmt).stem}.csv")
        enrichment[Path(gmt).stem] = table.head(10).reset_index()[
            ["set", "overlap", "set_size", "p_value", "fdr"]].to_dict("records")
    colour = flat_name("protein_log2_fc", contrast) if contrast else None
    figure = network_figure(nodes, edges, colour_by=colour, highlight=set(seeds))
    for suffix in ("png", "svg"):
        figure.savefig(out / f"axis_network.{suffix}", dpi=150)
    files.update(report=str(_write_report(out, nodes, seeds)),
                 png=str(out / "axis_network.png"), svg=str(out / "axis_network.svg"))
    summary = {"seeds": seeds, "colour": colour, "network_nodes": graph.number_of_nodes(),
               "network_edges": graph.number_of_edges(),
               "context_nodes": context.number_of_nodes(),
               "context_edges": context.number_of_edges(),
               "significant_nodes": int(len(significant)),
               "modularity": modules.attrs["modularity"], "enrichment": enrichment,
               "enrichment_universe": {"rule": universe_rule, "genes": len(universe)},
               "files": files, "parameters": {k: v for k, v in plan.__dict__.items()
                                              if k != "networks"},
               "networks": [s.model_dump(mode="json") for s in plan.networks]}
    if store:
        write_network_results(store, nodes, edges, {**summary["parameters"],
                                                    "networks": summary["networks"]})
    (out / "network_summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return summary
