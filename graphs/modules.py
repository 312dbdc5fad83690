"""Network modules (communities) with networkx: Louvain or greedy modularity.

Examples
--------
>>> g = nx.barbell_graph(5, 0)
>>> table = find_modules(g, seed=1)
>>> sorted(table.groupby("module").size().tolist())
[5, 5]
"""

from __future__ import annotations

from typing import Literal

import networkx as nx
import pandas as pd

from omics.errors import OmicsInputError

__all__ = ["find_modules"]


def find_modules(graph: nx.Graph, method: Literal["louvain", "greedy"] = "louvain",
                 seed: int = 0, resolution: float = 1.0, weight: str | None = "score"
                 ) -> pd.DataFrame:
    """One row per node: ``module`` (0 = largest) and ``module_size``; the partition's
    modularity is in ``attrs["modularity"]``. ``weight`` edges attribute (missing = 1)."""
    simple = graph.to_undirected(as_view=True)
    if method == "louvain":
        communities = nx.community.louvain_communities(simple, weight=weight,
                                                       resolution=resolution, seed=seed)
    elif method == "greedy":
        communities = nx.community.greedy_modularity_communities(simple, weight=weight,
                                                                 resolution=resolution)
    else:
        raise OmicsInputError("method", repr(method), "louvain or greedy")
    communities = sorted(communities, key=lambda c: (-len(c), sorted(map(str, c))[0]))
    rows = [{"node": node, "module": i, "module_size": len(members)}
            for i, members in enumerate(communities) for node in sorted(members, key=str)]
    table = pd.DataFrame(rows, columns=["node", "module", "module_size"]).set_index("node")
    table.attrs["modularity"] = nx.community.modularity(simple, communities, weight=weight,
                                                        resolution=resolution) \
        if simple.number_of_edges() else float("nan")
    return table
