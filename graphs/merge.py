"""Combine network layers (curated axis, STRING, BioGRID, OmniPath, ...) into one graph that
keeps every layer's evidence on the edge.

A layer's edge attributes are stored with the layer's prefix (``string_score``,
``biogrid_publications``, ``omnipath_sign``); ``evidence`` and ``sources`` list every layer
that reports the edge (``;``-joined), and ``score`` is the highest score any layer gives.
Directed layers are read as undirected (their sign and direction stay in the prefixed
attributes).

Examples
--------
>>> base = nx.Graph([("ANXA6", "EGFR", {"evidence": "experimental", "source_ref": "study"})])
>>> string = nx.Graph([("EGFR", "CBL", {"score": 0.999, "evidence": "database",
...                                     "source": "STRING 12.0"})], name="STRING")
>>> merged = merge_layers(base, string)
>>> merged.edges["EGFR", "CBL"]
{'evidence': 'database', 'sources': 'STRING 12.0', 'string_score': 0.999, 'score': 0.999}
"""

from __future__ import annotations

import networkx as nx

__all__ = ["merge_layers"]

_SHARED = ("evidence", "source")


def _joined(existing: str, value: str) -> str:
    items = [x for x in existing.split(";") if x] if existing else []
    return ";".join(items + ([value] if value and value not in items else []))


def merge_layers(base: nx.Graph, *layers: nx.Graph) -> nx.Graph:
    """An undirected copy of ``base`` with the nodes and edges of every layer added.

    Each layer's prefix is its ``graph.name`` lower-cased (``STRING`` -> ``string_``).
    """
    merged = nx.Graph(base)
    for _, _, data in merged.edges(data=True):
        data.setdefault("sources", base.name or "base")
    for layer in layers:
        prefix = (layer.name or "layer").lower().replace(" ", "_")
        edges = layer.to_undirected(as_view=True).edges(data=True)
        merged.add_nodes_from(n for n in layer.nodes if n not in merged)
        for a, b, data in edges:
            if a == b:
                continue
            if not merged.has_edge(a, b):
                merged.add_edge(a, b)
            edge = merged.edges[a, b]
            edge["evidence"] = _joined(edge.get("evidence", ""), data.get("evidence", ""))
            edge["sources"] = _joined(edge.get("sources", ""), data.get("source", prefix))
            for key, value in data.items():
                if key not in _SHARED:
                    edge[f"{prefix}_{key}"] = value
            if "score" in data:
                edge["score"] = max(edge.get("score", 0.0), float(data["score"]))
    return merged
