"""Writing graphs: GraphML, Cytoscape.js JSON, node/edge tables (CSV and Parquet).

Examples
--------
>>> import tempfile
>>> paths = write_graph(nx.Graph([("ANXA6", "EGFR", {"evidence": "experimental"})]),
...                     tempfile.mkdtemp())
>>> sorted(paths)
['cytoscape', 'edges', 'edges_parquet', 'graphml', 'nodes', 'nodes_parquet']
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = ["cytoscape_json", "edge_table", "node_table", "write_graph"]


def node_table(graph: nx.Graph) -> pd.DataFrame:
    """One row per node with all its attributes.

    Examples
    --------
    >>> node_table(nx.Graph([("A", "B")])).index.tolist()
    ['A', 'B']
    """
    return pd.DataFrame([{"node": n, **d} for n, d in graph.nodes(data=True)],
                        columns=None if graph else ["node"]).set_index("node")


def edge_table(graph: nx.Graph) -> pd.DataFrame:
    """One row per edge (``source``, ``target`` and all attributes)."""
    return pd.DataFrame([{"source": a, "target": b, **d} for a, b, d in graph.edges(data=True)],
                        columns=None if graph.number_of_edges() else ["source", "target"])


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and not math.isfinite(value) else value


def cytoscape_json(graph: nx.Graph) -> dict:
    """Cytoscape.js elements JSON (as ``networkx.cytoscape_data``; non-finite numbers become
    null so the file is strict JSON that Cytoscape and cytoscape.js open).

    Examples
    --------
    >>> data = cytoscape_json(nx.Graph([("ANXA6", "EGFR", {"w": float("nan")})]))
    >>> data["elements"]["edges"][0]["data"]
    {'w': None, 'source': 'ANXA6', 'target': 'EGFR'}
    """
    data = nx.cytoscape_data(graph)
    for group in ("nodes", "edges"):
        for element in data["elements"][group]:
            element["data"] = {k: _plain(v) for k, v in element["data"].items()}
    data["data"] = {k: _plain(v) for k, v in graph.graph.items()
                    if isinstance(v, str | int | float | bool)}
    return data


def _graphml_safe(graph: nx.Graph) -> nx.Graph:
    safe = graph.copy()
    for store in (safe.graph, *(d for _, d in safe.nodes(data=True)),
                  *(d for _, _, d in safe.edges(data=True))):
        for key, value in list(store.items()):
            if value is None or not isinstance(value, str | int | float | bool):
                store[key] = ";".join(map(str, value)) if isinstance(value, list | tuple) \
                    else str(value)
    return safe


def write_graph(graph: nx.Graph, out_dir: str | Path, stem: str = "axis_network") -> dict:
    """Write ``<stem>.graphml``, ``<stem>.cyjs`` (Cytoscape.js JSON), and node/edge tables
    as ``<stem>_nodes.csv``/``.parquet`` and ``<stem>_edges.csv``/``.parquet``.

    Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"graphml": out / f"{stem}.graphml", "cytoscape": out / f"{stem}.cyjs",
             "nodes": out / f"{stem}_nodes.csv", "edges": out / f"{stem}_edges.csv",
             "nodes_parquet": out / f"{stem}_nodes.parquet",
             "edges_parquet": out / f"{stem}_edges.parquet"}
    nx.write_graphml(_graphml_safe(graph), paths["graphml"])
    paths["cytoscape"].write_text(json.dumps(cytoscape_json(graph), allow_nan=False) + "\n")
    nodes, edges = node_table(graph), edge_table(graph)
    nodes.to_csv(paths["nodes"])
    edges.to_csv(paths["edges"], index=False)
    nodes.astype({c: str for c in nodes.columns if nodes[c].dtype == object}) \
        .to_parquet(paths["nodes_parquet"])
    edges.astype({c: str for c in edges.columns if edges[c].dtype == object}) \
        .to_parquet(paths["edges_parquet"], index=False)
    return {k: str(v) for k, v in paths.items()}
