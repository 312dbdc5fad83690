"""Interaction sources (real STRING and OmniPath files) and network propagation."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphs.network_arrays import EdgeArrays
from graphs.propagation import propagation_significance, random_walk_with_restart
from graphs.randomise import degree_preserving_shuffle
from graphs.sources import read_edge_list, read_omnipath, read_string
from omics.errors import OmicsInputError
from tests.conftest import shared_data


def test_string_high_confidence_network():
    graph = read_string(shared_data("ppi/string_hc0.9_symbols.csv"), min_score=0.9)
    assert graph.number_of_edges() == 97928 and graph.number_of_nodes() == 12173
    assert graph.edges["CBL", "EGFR"]["score"] == pytest.approx(0.999)
    assert graph.edges["CBL", "EGFR"]["source"] == "STRING"


def test_omnipath_signed_directed_network():
    graph = read_omnipath(shared_data("ppi/omnipath_signed_directed.tsv"))
    assert graph.is_directed() and graph.number_of_edges() > 1000
    assert {d["sign"] for _, _, d in graph.edges(data=True)} == {-1, 1}


def test_malformed_network_files(tmp_path):
    (tmp_path / "o.tsv").write_text("source\tinteraction\ttarget\nA\t2\tB\n")
    with pytest.raises(OmicsInputError) as caught:
        read_omnipath(tmp_path / "o.tsv")
    assert str(caught.value) == (f"{tmp_path}/o.tsv:2:2: found '2' in column 'interaction'; "
                                 "expected 1 or -1")
    (tmp_path / "e.csv").write_text("a,b\nX,Y\n")
    with pytest.raises(OmicsInputError, match="expected a 'gene_a' column"):
        read_edge_list(tmp_path / "e.csv", "gene_a", "gene_b", "BioGRID")


def test_rwr_equals_the_closed_form_solution():
    graph = nx.gnm_random_graph(40, 90, seed=3)
    for a, b in graph.edges:
        graph.edges[a, b]["score"] = 0.5 + (a * b) % 5 / 10
    restart = 0.3
    scores = random_walk_with_restart(graph, {0: 2.0, 5: 1.0}, restart=restart, tol=1e-14)
    adjacency = nx.to_numpy_array(graph, nodelist=list(graph), weight="score")
    degree = adjacency.sum(axis=0)
    degree[degree == 0] = 1
    walk = adjacency / degree
    start = np.zeros(40)
    start[0], start[5] = 2 / 3, 1 / 3
    exact = restart * np.linalg.solve(np.eye(40) - (1 - restart) * walk, start)
    np.testing.assert_allclose([scores[n] for n in graph], exact, atol=1e-12)


def test_permutation_significance_is_seeded_and_separates_the_seed_module():
    """Two planted modules: seeded in module A, its members score higher than in
    degree-preserving randomisations; module B's do not."""
    graph = nx.planted_partition_graph(2, 30, 0.4, 0.01, seed=1)
    first = propagation_significance(graph, {0: 1.0, 1: 1.0}, n_random=100, seed=7, batch=25)
    again = propagation_significance(graph, {0: 1.0, 1: 1.0}, n_random=100, seed=7, batch=25)
    assert first.equals(again)
    module_a, module_b = list(range(2, 30)), list(range(30, 60))
    assert first.loc[module_a, "p_value"].median() < 0.1
    assert first.loc[module_b, "p_value"].median() > 0.9
    assert first.loc[module_a, "score"].median() > 5 * first.loc[module_b, "score"].median()


def test_randomisations_are_read_back_from_the_cache_and_keyed_by_what_they_depend_on(
        tmp_path):
    """A second call on the same graph, seeds and parameters reads the counts instead of
    randomising (nothing is computed) and gives the same table; another seed, another seed
    weight or another edge weight is computed afresh; a damaged entry is recomputed."""
    graph = nx.planted_partition_graph(2, 30, 0.4, 0.01, seed=1)
    options = {"n_random": 40, "seed": 7, "batch": 10, "cache": tmp_path}
    first = propagation_significance(graph, {0: 1.0, 1: 1.0}, **options)
    assert first.attrs["randomisations"] == "computed" and len(list(tmp_path.iterdir())) == 1

    def refuse(*tasks):
        raise AssertionError("randomised again")

    again = propagation_significance(graph, {0: 1.0, 1: 1.0}, compute=refuse, **options)
    assert again.attrs["randomisations"] == "cached"
    pd.testing.assert_frame_equal(again, first)
    uncached = propagation_significance(graph, {0: 1.0, 1: 1.0}, n_random=40, seed=7, batch=10)
    pd.testing.assert_frame_equal(uncached, first)

    reweighted = graph.copy()
    reweighted.edges[next(iter(graph.edges))]["score"] = 0.5
    for changed_graph, seeds, seed in [(graph, {0: 1.0, 1: 1.0}, 8), (graph, {0: 1.0, 1: 2.0}, 7),
                                       (reweighted, {0: 1.0, 1: 1.0}, 7)]:
        table = propagation_significance(changed_graph, seeds, **{**options, "seed": seed})
        assert table.attrs["randomisations"] == "computed"
    assert len(list(tmp_path.iterdir())) == 4

    for entry in tmp_path.iterdir():
        entry.write_bytes(b"not a cache entry")
    damaged = propagation_significance(graph, {0: 1.0, 1: 1.0}, **options)
    assert damaged.attrs["randomisations"] == "computed"
    pd.testing.assert_frame_equal(damaged, first)


def test_rwr_equals_personalised_pagerank_on_string():
    graph = read_string(shared_data("ppi/string_hc0.9_symbols.csv"), min_score=0.9)
    giant = graph.subgraph(max(nx.connected_components(graph), key=len)).copy()
    seeds = {"ANXA6": 1.0, "EGFR": 1.0}
    scores = random_walk_with_restart(giant, seeds, restart=0.3, tol=1e-13)
    reference = nx.pagerank(giant, alpha=0.7, personalization=seeds, weight="score",
                            tol=1e-17, max_iter=10000)
    nodes = list(giant)
    np.testing.assert_allclose([scores[n] for n in nodes], [reference[n] for n in nodes],
                               rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("maker", [lambda: nx.gnm_random_graph(300, 1200, seed=2),
                                   lambda: nx.barabasi_albert_graph(400, 3, seed=5)])
def test_degree_preserving_shuffle_keeps_degrees_and_simplicity(maker):
    graph = maker()
    arrays = EdgeArrays.from_graph(graph)
    first, second = degree_preserving_shuffle(arrays.first, arrays.second, arrays.n_nodes,
                                              np.random.default_rng(11))
    degrees = np.bincount(np.concatenate([first, second]), minlength=arrays.n_nodes)
    np.testing.assert_array_equal(degrees, [graph.degree(n) for n in arrays.nodes])
    assert np.all(first != second)
    keys = {(min(a, b), max(a, b)) for a, b in zip(first, second, strict=True)}
    assert len(keys) == len(first)  # no multi-edges
    before = {(min(a, b), max(a, b)) for a, b in zip(arrays.first, arrays.second, strict=True)}
    assert len(keys & before) / len(before) < 0.3  # well mixed after 2 swaps per edge
    again = degree_preserving_shuffle(arrays.first, arrays.second, arrays.n_nodes,
                                      np.random.default_rng(11))
    np.testing.assert_array_equal(again[0], first)


def test_significance_does_not_depend_on_batching():
    graph = nx.planted_partition_graph(2, 20, 0.4, 0.02, seed=3)
    one = propagation_significance(graph, {0: 1.0}, n_random=40, seed=2, batch=40)
    many = propagation_significance(graph, {0: 1.0}, n_random=40, seed=2, batch=7)
    assert one.equals(many)


def test_swap_rounds_with_32_bit_keys_equal_64_bit_keys():
    """The round's hash tables hold edge keys in 32 bits where ``n_nodes**2`` fits (half the
    memory touched at random: 1,000 STRING randomisations went from 39.7 s to about 30 s on
    2 workers); the swaps kept are exactly those of 64-bit keys."""
    from graphs.randomise import _swap_round, _tables

    arrays = EdgeArrays.from_graph(nx.gnm_random_graph(500, 3000, seed=4))
    narrow = _tables(len(arrays.first), arrays.n_nodes)
    assert narrow[0].dtype == np.int32 and _tables(10, 50_000)[0].dtype == np.int64
    wide = tuple(t.astype(np.int64) if t.dtype == np.int32 else t for t in narrow)
    runs = []
    for tables in (narrow, wide):
        first, second, rng = arrays.first.copy(), arrays.second.copy(), np.random.default_rng(3)
        kept = [_swap_round(first, second, arrays.n_nodes, rng, tables) for _ in range(6)]
        runs.append((kept, first, second))
    assert runs[0][0] == runs[1][0] and min(runs[0][0]) > 0
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    np.testing.assert_array_equal(runs[0][2], runs[1][2])
