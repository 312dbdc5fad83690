"""Paths, modules, over-representation, the axis report and the network outputs, on the real
STRING network and gene sets and on the small built-in cohort."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import adjusted_rand_score
from statsmodels.stats.multitest import multipletests

from graphs.enrichment import over_representation
from graphs.modules import find_modules
from graphs.paths import context_subnetwork, k_shortest_paths
from graphs.sources import read_string
from graphs.steps.analysis import NetworkPlan, analyse_axis_network
from omics.io import load_study
from omics.io.gmt import read_gmt
from omics.io.networks import network_options
from omics.steps import analysis
from omics.store import results
from tests.conftest import shared_data

OMICS = str(Path(sys.executable).with_name("omics"))


@pytest.fixture(scope="module")
def string_graph():
    return read_string(shared_data("ppi/string_hc0.9_symbols.csv"), min_score=0.9)


def test_k_shortest_paths_are_shortest_simple_and_ordered(string_graph):
    table = k_shortest_paths(string_graph, "ANXA6", ["CBL", "RRM2", "BCL2"], k=4)
    for target, rows in table.groupby("target"):
        assert rows["hops"].min() == nx.shortest_path_length(string_graph, "ANXA6", target)
        assert rows["hops"].is_monotonic_increasing and list(rows["rank"]) == [1, 2, 3, 4]
        for path in rows["path"].str.split(" > "):
            assert path[0] == "ANXA6" and path[-1] == target and len(set(path)) == len(path)
            scores = [string_graph.edges[a, b]["score"]
                      for a, b in zip(path, path[1:], strict=False)]
            assert rows.set_index("path").at[" > ".join(path), "min_score"] == min(scores)
    assert "NOT_A_GENE" not in set(k_shortest_paths(string_graph, "ANXA6", ["NOT_A_GENE"])
                                   ["target"])


def test_context_subnetwork_joins_ranked_nodes_to_the_seeds(string_graph):
    context = context_subnetwork(string_graph, ["ANXA6"], ["UBC", "EGFR"], top=2)
    assert {"ANXA6", "UBC", "EGFR"} <= set(context)
    assert nx.is_connected(context)
    assert nx.shortest_path_length(context, "ANXA6", "UBC") == \
        nx.shortest_path_length(string_graph, "ANXA6", "UBC")


def test_modules_recover_planted_communities():
    graph = nx.planted_partition_graph(3, 25, 0.5, 0.01, seed=4)
    table = find_modules(graph, seed=3)
    truth = [node // 25 for node in table.index]
    assert adjusted_rand_score(truth, table["module"]) == 1.0
    assert table.attrs["modularity"] == pytest.approx(
        nx.community.modularity(graph, [set(range(i, i + 25)) for i in (0, 25, 50)]))
    greedy = find_modules(graph, method="greedy")
    assert adjusted_rand_score(truth, greedy.loc[table.index, "module"]) == 1.0


def test_over_representation_equals_fisher_and_bh():
    gene_sets = read_gmt(shared_data("pathways/msigdb_c2_kegg_186.gmt"))
    universe = sorted({g for s in gene_sets.values() for g in s.genes})
    background = np.random.default_rng(0).choice(universe, 30, replace=False).tolist()
    genes = list(gene_sets["KEGG_ERBB_SIGNALING_PATHWAY"].genes[:20]) + background
    table = over_representation(genes, gene_sets, universe)
    hits = set(genes)
    for name in ["KEGG_ERBB_SIGNALING_PATHWAY", "KEGG_APOPTOSIS", "KEGG_ENDOCYTOSIS"]:
        members = set(gene_sets[name].genes)
        a = len(hits & members)
        contingency = [[a, len(hits) - a], [len(members) - a,
                                            len(universe) - len(hits) - len(members) + a]]
        assert table.at[name, "p_value"] == pytest.approx(
            stats.fisher_exact(contingency, alternative="greater").pvalue, rel=1e-9)
    assert np.allclose(table["fdr"], multipletests(table["p_value"], method="fdr_bh")[1])
    assert table.index[0] == "KEGG_ERBB_SIGNALING_PATHWAY"


@pytest.mark.slow  # the whole STRING file
def test_axis_neighbourhood_on_string_is_the_egfr_downregulation_machinery(tmp_path):
    plan = NetworkPlan(networks=(network_options(
                           "string", shared_data("ppi/string_hc0.9_symbols.csv"), min_score=0.9),),
                       n_random=100, gene_sets=(
                           str(shared_data("pathways/reactome_pathways.gmt")),
                           str(shared_data("pathways/msigdb_c2_kegg_186.gmt"))),
                       seeds=("ANXA6", "EGFR"))
    summary = analyse_axis_network(plan, tmp_path)
    assert summary["network_nodes"] > 12000
    reactome = pd.read_csv(tmp_path / "enrichment_reactome_pathways.csv", index_col="set")
    assert reactome.at["EGFR-downregulation", "fdr"] < 1e-10
    assert {"CBL", "UBC", "UBB", "HGS", "EPS15"} <= \
        set(reactome.at["EGFR-downregulation", "genes"].split(";"))
    kegg = pd.read_csv(tmp_path / "enrichment_msigdb_c2_kegg_186.csv", index_col="set")
    assert kegg.at["KEGG_ERBB_SIGNALING_PATHWAY", "fdr"] < 1e-10
    paths = pd.read_csv(tmp_path / "paths.csv")
    first = paths[(paths["source"] == "ANXA6") & (paths["target"] == "UBC")].iloc[0]
    assert first["path"] == "ANXA6 > CBL > UBC"  # through the study's ANXA6-CBL link
    cytoscape = json.loads((tmp_path / "axis_network.cyjs").read_text())
    rebuilt = nx.cytoscape_graph(cytoscape)
    graphml = nx.read_graphml(tmp_path / "axis_network.graphml")
    assert set(map(frozenset, rebuilt.edges)) == set(map(frozenset, graphml.edges))
    assert rebuilt.edges["ANXA6", "EGFR"]["evidence"] == "experimental"
    assert graphml.edges["CBL", "EGFR"]["string_score"] == pytest.approx(0.999)
    svg = (tmp_path / "axis_network.svg").read_text()
    assert svg.count("ANXA6") >= 1 and (tmp_path / "axis_network.png").stat().st_size > 10_000


def test_axis_report_from_the_study_store(small_store, small_cohort, tmp_path):
    plan = load_study(small_cohort).analysis
    analysis.differential_proteomics(small_store, plan.proteomics)
    contrast = "resistant_vs_sensitive_cells"
    summary = analyse_axis_network(NetworkPlan(n_random=50, colour_contrast=contrast,
                                               seeds=("ANXA6", "EGFR")), tmp_path, small_store)
    assert summary["colour"] == f"protein_log2_fc__{contrast}"
    table = results.read_result(small_store, "differential_proteomics",
                                 contrast).set_index("feature")
    nodes = pd.read_csv(tmp_path / "axis_report_nodes.csv", index_col="node")
    egfr = nodes.at["EGFR", "summary"]
    fold = 2 ** table.at["EGFR", "log2_fc"]
    assert egfr.startswith("EGFR (epidermal growth factor receptor): protein up ")
    assert f"up {fold:.1f}× in resistant vs sensitive cells (FDR {table.at['EGFR', 'fdr']:.0e})" \
        in egfr
    assert "ANXA6 (prior knowledge: seed study: co-immunoprecipitation and GST pulldown" in egfr
    stored = results.read_result(small_store, "network", "nodes").set_index("node")
    assert stored.at["EGFR", "summary"] == egfr
    assert summary["files"]["report"].endswith("axis_report.md")
    report = (tmp_path / "axis_report.md").read_text()
    assert egfr in report


def test_seeds_from_the_study_hits_and_the_prior_layer_left_out(small_store, small_cohort,
                                                                 tmp_path):
    """Without given seeds the propagation starts from the study's own hits (smallest p at
    FDR < 0.05, weights -log10 p); with prior=False no curated edge enters the network."""
    from graphs.steps.analysis import study_seeds

    plan = load_study(small_cohort).analysis
    analysis.differential_proteomics(small_store, plan.proteomics)
    edges = tmp_path / "edges.tsv"
    table = results.read_result(small_store, "differential_proteomics",
                                "resistant_vs_sensitive_cells")
    hits = table[table["fdr"] < 0.05].sort_values("p_value")
    genes = hits["gene"].head(8).tolist()
    edges.write_text("a\tb\n" + "".join(f"{a}\t{b}\n" for a, b in
                                        zip(genes[:-1], genes[1:], strict=True)))
    with_prior = analyse_axis_network(NetworkPlan(n_random=20, seed_hits=5, networks=(
        network_options("edges", edges),)), tmp_path / "a", small_store)
    weights, rule = study_seeds(small_store, nx.path_graph(genes), top=5)
    assert with_prior["seeds"] == list(weights) and len(weights) == 5
    assert with_prior["seed_rule"] == rule and rule.startswith(
        "this study's hits: the 5 genes of the network with the smallest p among ")
    best = {g: p for g, p in zip(hits["gene"], hits["p_value"], strict=True)}
    assert weights[genes[0]] == pytest.approx(-np.log10(min(
        p for g, p in best.items() if g == genes[0])))
    without = analyse_axis_network(NetworkPlan(n_random=20, seed_hits=5, prior=False, networks=(
        network_options("edges", edges),)), tmp_path / "b", small_store)
    assert without["prior"] == "none" and without["seeds"] == with_prior["seeds"]
    nodes = pd.read_csv(tmp_path / "b" / "axis_report_nodes.csv", index_col="node")
    assert set(nodes.index) <= set(genes)  # no curated axis gene without the prior layer
    assert "prior knowledge" not in " ".join(nodes["summary"])
    report = (tmp_path / "a" / "axis_report.md").read_text()
    assert "prior knowledge" in report and rule in report


def test_enrichment_universe_is_the_measured_genes_of_the_study(small_store, small_cohort,
                                                                tmp_path):
    from graphs.steps.analysis import measured_genes

    gmt = tmp_path / "sets.gmt"
    gmt.write_text("EGFR_AXIS\tna\tEGFR\tANXA6\tCBL\tGRB2\tNOT_MEASURED_1\n")
    edges = tmp_path / "edges.tsv"
    edges.write_text("a\tb\nEGFR\tNOT_MEASURED_1\nNOT_MEASURED_1\tNOT_MEASURED_2\n")
    plan = NetworkPlan(n_random=20, gene_sets=(str(gmt),), seeds=("ANXA6", "EGFR"),
                       networks=(network_options("edges", edges),))
    with_store = analyse_axis_network(plan, tmp_path / "a", small_store)
    without = analyse_axis_network(plan, tmp_path / "b")
    measured = measured_genes(small_store)
    assert {"ANXA6", "EGFR", "CBL"} <= measured and "lapatinib" not in measured
    assert with_store["enrichment_universe"]["rule"] == \
        "the network's genes measured in this study"
    assert with_store["enrichment_universe"]["genes"] == \
        without["enrichment_universe"]["genes"] - 2  # the two unmeasured genes
    assert without["enrichment_universe"]["rule"] == "the network's genes"


@pytest.mark.slow  # starts a Dask LocalCluster
def test_graph_cli_end_to_end_and_its_errors(tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("gene_a,gene_b\nANXA6,LRP1\nLRP1,HSPA4\nHSPA4,EGFR\n")
    done = subprocess.run([OMICS, "graph", "--out", str(tmp_path / "net"), "--network",
                           str(edges), "--format", "edges", "--n-random", "40", "--workers", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Dask dashboard: http://127.0.0.1:" in done.stdout
    scores = pd.read_csv(tmp_path / "net" / "propagation.csv", index_col="node")
    assert {"LRP1", "HSPA4", "CBL"} <= set(scores.index)
    assert scores.at["LRP1", "score"] > scores.at["HSPA4", "score"]  # nearer to the seeds
    for arguments, message in [
        (["--network", str(edges)], "error: --format: found 0 --format for 1 --network; "
                                    "expected one --format per --network"),
        (["--seeds", "NOPE"], "error: --seeds: found NOPE; expected at least one gene of the "
                              "network"),
        (["--network", str(edges), "--format", "sif"], "error: --format: found 'sif'; expected "
         "one of string, string_links, biogrid, omnipath, edges"),
    ]:
        failed = subprocess.run([OMICS, "graph", "--out", str(tmp_path / "bad"), "--workers",
                                 "1", "--n-random", "5", *arguments], capture_output=True,
                                text=True, timeout=300)
        assert (failed.returncode, failed.stderr.strip()) == (2, message)
