"""Attach this study's omics evidence to the nodes and edges of a graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from omics.stats.correlation import paired_row_correlation

__all__ = ["attach_edge_correlation", "attach_node_table"]


def attach_node_table(graph: nx.Graph, table: pd.DataFrame, key: str,
                      columns: dict[str, str]) -> int:
    """Copy ``columns`` (``{table column: node attribute}``) of rows whose ``key`` names a node.

    Returns the number of nodes that received evidence. Missing values are not written.

    Examples
    --------
    >>> g = nx.Graph([("A", "B")])
    >>> attach_node_table(g, pd.DataFrame({"gene": ["A"], "fc": [1.5]}), "gene", {"fc": "lfc"})
    1
    >>> g.nodes["A"]
    {'lfc': 1.5}
    """
    rows = table.set_index(key)
    rows = rows[~rows.index.duplicated()]
    hits = 0
    for node in graph.nodes:
        if node not in rows.index:
            continue
        hits += 1
        for column, attribute in columns.items():
            value = rows.at[node, column]
            if isinstance(value, float | np.floating) and not np.isfinite(value):
                continue
            graph.nodes[node][attribute] = value.item() if hasattr(value, "item") else value
    return hits


def attach_edge_correlation(graph: nx.Graph, values: pd.DataFrame, attribute: str) -> int:
    """Pearson correlation across samples for every edge whose two ends are rows of
    ``values`` (features x samples); written as ``<attribute>_r``, ``_n``, ``_p``."""
    edges = [(a, b) for a, b in graph.edges if a in values.index and b in values.index]
    if not edges:
        return 0
    left = values.loc[[a for a, _ in edges]].to_numpy(float)
    right = values.loc[[b for _, b in edges]].to_numpy(float)
    r, n, p = paired_row_correlation(left, right)
    for (a, b), ri, ni, pi in zip(edges, r, n, p, strict=True):
        if np.isfinite(ri):
            graph.edges[a, b].update({f"{attribute}_r": float(ri), f"{attribute}_n": int(ni),
                                      f"{attribute}_p": float(pi)})
    return len(edges)
