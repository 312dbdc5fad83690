"""The whole network analysis of a study: layers (the curated prior layer, databases, the
study's evidence) -> propagation from seeds (the study's own hits, or given genes) -> paths ->
context subnetwork -> modules -> gene-set over-representation -> report, figure and files.

Examples
--------
>>> import tempfile
>>> summary = analyse_axis_network(NetworkPlan(n_random=20, seeds=("ANXA6", "EGFR")),
...                               out_dir=tempfile.mkdtemp())
>>> summary["seeds"], summary["context_nodes"] > 10, summary["prior"]
(['ANXA6', 'EGFR'], True, 'axis')
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dask
import networkx as nx
import numpy as np
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
from graphs.steps.axis_graph import attach_study_evidence
from graphs.steps.store_results import write_network_results
from omics.errors import OmicsInputError
from omics.io.gmt import read_gmt
from omics.io.hgnc import HgncMap
from omics.io.options import NetworkOptions
from omics.io.study import NetworkAnalysisPlan
from omics.pl.network import network_figure
from omics.steps.analysis import expression_genes, gene_symbols
from omics.steps.summary import differential_analyses
from omics.store import layout
from omics.store.atomic import write_atomically
from omics.store.reader import open_proteomics, open_transcriptomics
from omics.store.results import read_result, result_names
from omics.store.variables import flat_name

__all__ = ["NetworkPlan", "analyse_axis_network", "axis_targets", "measured_genes",
           "study_seeds"]

#: Curated roles whose members are the resistance-pathway targets of the path search.
TARGET_ROLES = ("ubiquitin", "endocytosis", "pi3k_akt", "mapk", "gemcitabine", "apoptosis")


@dataclass(frozen=True)
class NetworkPlan:
    """Parameters of :func:`analyse_axis_network` (all recorded in ``network_summary.json``)."""

    networks: tuple[NetworkOptions, ...] = ()  # omics.io.networks.network_options(...)
    seeds: tuple[str, ...] | None = None  # None: the study's hits (study_seeds)
    seed_hits: int = 20
    prior: bool = True  # the curated axis layer (prior knowledge)
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
    cache: str | None = None  # folder keeping the randomisations (graphs.propagation_cache)

    @classmethod
    def from_study(cls, plan: NetworkAnalysisPlan, colour_contrast: str | None = None,
                   cache: str | None = None) -> NetworkPlan:
        """The plan of a study's ``analysis.network`` section (``colour_contrast``: the
        study's primary protein contrast; ``cache``: the randomisations' folder)."""
        return cls(networks=tuple(plan.networks),
                   seeds=None if plan.seeds == "results" else tuple(plan.seeds),
                   seed_hits=plan.seed_hits, prior=plan.prior == "axis",
                   n_random=plan.n_random, top=plan.top,
                   gene_sets=tuple(str(g) for g in plan.gene_sets),
                   hgnc=str(plan.hgnc) if plan.hgnc else None,
                   colour_contrast=colour_contrast, cache=cache)


def randomisation_cache() -> str:
    """The folder where the pipeline and ``omics graph`` keep propagation randomisations:
    ``propagation`` in the user's cache (``$OMICS_AXIS_CACHE``, else ``~/.cache/omics-axis``)."""
    from omics.datasets import cache_dir

    return str(cache_dir() / "propagation")


def measured_genes(store: str | Path) -> set[str]:
    """Gene symbols the study measured: proteomics genes and transcriptomics features."""
    store = Path(store)
    genes: set[str] = set()
    if (store / layout.PROTEOMICS / "zarr.json").exists():
        genes |= set(gene_symbols(open_proteomics(store)))
    folder = store / layout.TRANSCRIPTOMICS
    for modality in (p.name for p in folder.iterdir() if (p / "zarr.json").exists()) \
            if folder.exists() else []:
        genes |= {str(g) for g in expression_genes(open_transcriptomics(store, modality))
                  if g is not None}
    return genes


def study_seeds(store: str | Path, graph: nx.Graph, top: int = 20, alpha: float = 0.05
                ) -> tuple[dict[str, float], str]:
    """Propagation seeds from the study's differential results: the ``top`` genes of
    ``graph`` with the smallest p-values among genes at FDR < ``alpha`` in any contrast of
    any differential analysis, weighted by -log10 p. Returns the weights and a sentence
    saying how they were chosen (weights empty when the study has no hit in the network)."""
    best: dict[str, float] = {}
    for analysis in differential_analyses(store):
        for contrast in result_names(store, analysis):
            table = read_result(store, analysis, contrast)
            genes = table["gene"] if "gene" in table else table["feature"]
            hits = table.assign(_gene=genes)[(table["fdr"] < alpha) & genes.notna()
                                             & (genes.astype(str) != "")]
            for gene, p in zip(hits["_gene"].astype(str), hits["p_value"], strict=True):
                best[gene] = min(best.get(gene, 1.0), float(p))
    in_network = sorted((g for g in best if g in graph), key=lambda g: (best[g], g))[:top]
    weights = {g: float(-np.log10(max(best[g], 1e-300))) for g in in_network}
    rule = (f"this study's hits: the {len(in_network)} genes of the network with the smallest "
            f"p among {len(best):,} genes at FDR < {alpha:g} in any contrast "
            "(weights -log10 p)")
    return weights, rule


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


def _seeds(plan: NetworkPlan, graph: nx.Graph, store, prior: nx.Graph
           ) -> tuple[dict[str, float], str]:
    """The propagation seeds and the sentence saying where they come from."""
    if plan.seeds is not None:
        seeds = {s: 1.0 for s in plan.seeds if s in graph}
        if not seeds:
            raise OmicsInputError("--seeds", ",".join(plan.seeds),
                                  "at least one gene of the network")
        return seeds, "given genes: " + ", ".join(seeds)
    if not store:
        raise OmicsInputError("seeds", "seeds from results without a study store",
                              "a store with differential results, or seed genes")
    seeds, rule = study_seeds(store, graph, plan.seed_hits)
    if seeds:
        return seeds, rule
    fallback = {g: 1.0 for g in ("ANXA6", "EGFR") if g in prior and g in graph}
    if not fallback:
        raise OmicsInputError("seeds", "no gene at FDR < 0.05 in the network, and no prior "
                              "layer", "seed genes (analysis.network.seeds: [...])")
    return fallback, ("no gene of the network at FDR < 0.05 in this study; seeds: the prior "
                      "layer's ANXA6, EGFR (prior knowledge, not this study's result)")


def _write_report(out: Path, nodes: pd.DataFrame, seed_rule: str, prior: bool) -> Path:
    ordered = nodes.sort_values("propagation_score", ascending=False)
    layer = ("The curated ANXA6-EGFR-ubiquitin layer is prior knowledge (the seed "
             "publication's experiments and curated pathways), not a measurement of this "
             "study." if prior else "No prior layer.")
    lines = ["# Network context of this study's results", "",
             f"Seeds: {seed_rule}. {layer} Genes of the context subnetwork by propagation "
             "score (p: degree-preserving randomisations).", ""]
    lines += [f"- {row.summary} (propagation p {row.propagation_p:.3g})"
              for row in ordered.itertuples()]
    path = out / "axis_report.md"
    return write_atomically(path, "\n".join(lines) + "\n")


def analyse_axis_network(plan: NetworkPlan, out_dir: str | Path, store: str | Path | None = None,
                         compute: Callable = dask.compute) -> dict:
    """Run the network analysis and write its files into ``out_dir``.

    The graph is the curated prior layer (unless ``plan.prior`` is False) merged with every
    database network of ``plan``, with ``store``'s evidence on its nodes and edges when
    given. Seeds are ``plan.seeds``, or with ``None`` the study's hits
    (:func:`study_seeds`). Propagation p-values use ``plan.n_random``
    degree-preserving randomisations computed by ``compute`` (``dask.compute`` on the active
    scheduler, or a variant that shows progress). With ``plan.cache`` they are kept in that
    folder and read back, not recomputed, for the same graph, seeds and parameters (the
    summary's ``randomisations`` says ``computed`` or ``cached``).

    Files: ``axis_network.{graphml,cyjs}``, ``axis_network_{nodes,edges}.{csv,parquet}`` (the
    context subnetwork with all evidence), ``propagation.csv`` (every node), ``paths.csv``,
    ``modules.csv``, ``enrichment_<gene sets>.csv``, ``axis_report.md``,
    ``axis_network.{png,svg}``, ``network_summary.json``; with a ``store``, the node and
    edge tables also go into its ``results/network/``. Returns the summary.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prior = load_axis_layer() if plan.prior else nx.Graph(name="none")
    graph = merge_layers(prior, *_layers(plan))
    if store:
        attach_study_evidence(graph, store)
    seeds, seed_rule = _seeds(plan, graph, store, prior)
    propagation = propagation_significance(graph, seeds,
                                           restart=plan.restart, n_random=plan.n_random,
                                           seed=plan.seed, compute=compute, cache=plan.cache)
    seeds = list(seeds)
    significant = propagation[propagation["p_value"] <= plan.alpha].index
    targets = axis_targets() if plan.prior else []
    paths = pd.concat([k_shortest_paths(graph, s, targets, k=plan.k_paths)
                       .assign(source=s) for s in seeds], ignore_index=True)
    context = context_subnetwork(graph, seeds, significant, top=plan.top,
                                 extra_targets=[n for n in prior if n in graph])
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
    files.update(report=str(_write_report(out, nodes, seed_rule, plan.prior)),
                 png=str(out / "axis_network.png"), svg=str(out / "axis_network.svg"))
    summary = {"seeds": seeds, "seed_rule": seed_rule,
               "prior": "axis" if plan.prior else "none",
               "colour": colour, "network_nodes": graph.number_of_nodes(),
               "network_edges": graph.number_of_edges(),
               "context_nodes": context.number_of_nodes(),
               "context_edges": context.number_of_edges(),
               "significant_nodes": int(len(significant)),
               "modularity": modules.attrs["modularity"], "enrichment": enrichment,
               "enrichment_universe": {"rule": universe_rule, "genes": len(universe)},
               "randomisations": propagation.attrs["randomisations"],
               "files": files, "parameters": {k: v for k, v in plan.__dict__.items()
                                              if k not in ("networks", "cache")},
               "networks": [s.model_dump(mode="json") for s in plan.networks]}
    if store:
        write_network_results(store, nodes, edges, {**summary["parameters"],
                                                    "networks": summary["networks"],
                                                    "seeds_used": seeds,
                                                    "seed_rule": seed_rule,
                                                    "randomisations": summary["randomisations"]})
    write_atomically(out / "network_summary.json",
                     json.dumps(summary, indent=2, default=str) + "\n")
    return summary
