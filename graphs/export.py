"""Writing graphs: GraphML and node/edge tables."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = ["edge_table", "node_table", "write_graph"]


def node_table(graph: nx.Graph) -> pd.DataFrame:
    """One row per node with all its attributes.

    Examples
    --------
    >>> node_table(nx.Graph([("A", "B")])).index.tolist()
    ['A', 'B']
    """
    return pd.DataFrame([{"node": n, **d} for n, d in graph.nodes(data=True)]).set_index("node")


def edge_table(graph: nx.Graph) -> pd.DataFrame:
    """One row per edge (``source``, ``target`` and all attributes)."""
    return pd.DataFrame([{"source": a, "target": b, **d} for a, b, d in graph.edges(data=True)])


def write_graph(graph: nx.Graph, out_dir: str | Path, stem: str = "axis_network") -> dict:
    """Write ``<stem>.graphml``, ``<stem>_nodes.csv`` and ``<stem>_edges.csv``.

    Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"graphml": out / f"{stem}.graphml", "nodes": out / f"{stem}_nodes.csv",
             "edges": out / f"{stem}_edges.csv"}
    nx.write_graphml(graph, paths["graphml"])
    node_table(graph).to_csv(paths["nodes"])
    edge_table(graph).to_csv(paths["edges"], index=False)
    return {k: str(v) for k, v in paths.items()}
