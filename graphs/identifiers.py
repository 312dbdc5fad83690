"""Relabel a network's nodes to approved HGNC symbols.

Examples
--------
>>> import io
>>> from omics.io.hgnc import HgncMap
>>> hgnc = HgncMap({"P00533": "EGFR", "ERBB1": "EGFR", "CBL": "CBL"})
>>> g = nx.Graph([("P00533", "CBL", {"score": 0.9}), ("ERBB1", "CBL", {"score": 0.99}),
...               ("XYZ1", "CBL")])
>>> mapped = map_to_symbols(g, hgnc)
>>> list(mapped.edges(data="score")), mapped.graph["unmapped_nodes"]
([('EGFR', 'CBL', 0.99)], ['XYZ1'])
"""

from __future__ import annotations

import networkx as nx

from omics.io.hgnc import HgncMap

__all__ = ["map_to_symbols"]


def map_to_symbols(graph: nx.Graph, hgnc: HgncMap, score: str = "score") -> nx.Graph:
    """A copy of ``graph`` with nodes renamed to approved symbols.

    Nodes without a symbol are dropped (listed in ``graph["unmapped_nodes"]``); edges that
    become the same pair are merged, keeping the attributes of the highest ``score``; edges
    that become self-loops are dropped.
    """
    symbols = dict(zip(graph.nodes, hgnc.symbols(graph.nodes), strict=True))
    mapped = graph.__class__(**graph.graph)
    mapped.graph["unmapped_nodes"] = sorted(str(n) for n, s in symbols.items() if s is None)
    mapped.add_nodes_from((s, data) for n, data in graph.nodes(data=True)
                          if (s := symbols[n]) is not None and s not in mapped)
    for a, b, data in graph.edges(data=True):
        first, second = symbols[a], symbols[b]
        if first is None or second is None or first == second:
            continue
        current = mapped.get_edge_data(first, second)
        if current is None or data.get(score, 0) > current.get(score, 0):
            mapped.add_edge(first, second, **data)
    return mapped
