"""Paths through the network: k shortest paths between genes and the context subnetwork
(seeds + top propagated nodes + the paths that connect them).

Examples
--------
>>> g = nx.Graph([("ANXA6", "EGFR"), ("EGFR", "CBL"), ("CBL", "UBC"), ("ANXA6", "X"),
...               ("X", "Y"), ("Y", "UBC")])
>>> k_shortest_paths(g, "ANXA6", ["UBC"], k=2)[["target", "rank", "hops", "path"]].values.tolist()
[['UBC', 1, 3, 'ANXA6 > EGFR > CBL > UBC'], ['UBC', 2, 3, 'ANXA6 > X > Y > UBC']]
"""

from __future__ import annotations

from itertools import islice

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["context_subnetwork", "k_shortest_paths"]


def _path_scores(graph: nx.Graph, path: list, score: str) -> tuple[float, float]:
    values = [graph.edges[a, b].get(score, np.nan) for a, b in zip(path, path[1:], strict=False)]
    values = [v for v in values if np.isfinite(v)]
    return (min(values), float(np.prod(values))) if values else (np.nan, np.nan)


def k_shortest_paths(graph: nx.Graph, source, targets, k: int = 3,
                     score: str = "score") -> pd.DataFrame:
    """Up to ``k`` shortest simple paths (by hops; Yen's algorithm) from ``source`` to each
    reachable target, with the weakest and the product of the edges' ``score``.

    Returns ``target, rank, hops, path, min_score, score_product``; unreachable targets and
    targets absent from the graph have no rows.
    """
    simple = graph.to_undirected(as_view=True)
    rows = []
    for target in targets:
        if target == source or target not in simple or source not in simple \
                or not nx.has_path(simple, source, target):
            continue
        for rank, path in enumerate(islice(nx.shortest_simple_paths(simple, source, target),
                                           k), start=1):
            weakest, product = _path_scores(simple, path, score)
            rows.append({"target": target, "rank": rank, "hops": len(path) - 1,
                         "path": " > ".join(map(str, path)), "min_score": weakest,
                         "score_product": product})
    return pd.DataFrame(rows, columns=["target", "rank", "hops", "path", "min_score",
                                       "score_product"])


def context_subnetwork(graph: nx.Graph, seeds, ranked_nodes, top: int = 30,
                       extra_targets=()) -> nx.Graph:
    """The seeds, the ``top`` first of ``ranked_nodes`` (e.g. by propagation score) and
    ``extra_targets``, joined by one shortest path from the nearest seed to each; the
    induced subgraph of all these nodes (a copy, attributes kept)."""
    seeds = [s for s in seeds if s in graph]
    chosen = [n for n in ranked_nodes if n in graph and n not in seeds][:top]
    chosen += [t for t in extra_targets if t in graph and t not in seeds and t not in chosen]
    keep = set(seeds) | set(chosen)
    simple = graph.to_undirected(as_view=True)
    if seeds:
        lengths, paths = nx.multi_source_dijkstra(simple, set(seeds))
        for node in chosen:
            keep.update(paths.get(node, [node]))
    return graph.subgraph(keep).copy()
