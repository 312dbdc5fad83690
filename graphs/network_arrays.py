"""A graph as integer edge arrays: the form the numerics (propagation, randomisation) use.

Examples
--------
>>> import networkx as nx
>>> arrays = EdgeArrays.from_graph(nx.Graph([("A", "B", {"score": 0.9}), ("B", "C")]))
>>> arrays.nodes, arrays.first.tolist(), arrays.second.tolist(), arrays.weight.tolist()
(['A', 'B', 'C'], [0, 1], [1, 2], [0.9, 1.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

__all__ = ["EdgeArrays", "transition_matrix"]


@dataclass(frozen=True)
class EdgeArrays:
    """Undirected simple graph: node labels and one ``(first, second, weight)`` per edge.

    Self-loops are dropped and a directed graph is read as undirected; a missing or
    non-finite ``weight_attribute`` counts as 1.
    """

    nodes: list
    first: np.ndarray
    second: np.ndarray
    weight: np.ndarray

    @classmethod
    def from_graph(cls, graph: nx.Graph, weight_attribute: str = "score") -> EdgeArrays:
        """Index the nodes in graph order and collect the edges."""
        nodes = list(graph.nodes)
        index = {node: i for i, node in enumerate(nodes)}
        simple = graph.to_undirected(as_view=True)
        rows = [(index[a], index[b], data.get(weight_attribute, 1.0))
                for a, b, data in simple.edges(data=True) if a != b]
        first, second, weight = (np.array(column) for column in zip(*rows, strict=True)) \
            if rows else (np.array([], int), np.array([], int), np.array([], float))
        weight = weight.astype(float)
        weight[~np.isfinite(weight)] = 1.0
        return cls(nodes, first.astype(np.int64), second.astype(np.int64), weight)

    @property
    def n_nodes(self) -> int:
        """Number of nodes (isolated ones included)."""
        return len(self.nodes)


def transition_matrix(n_nodes: int, first: np.ndarray, second: np.ndarray,
                      weight: np.ndarray) -> sparse.csr_matrix:
    """Column-normalised weighted adjacency ``W`` (``W[i, j]`` = step probability j -> i).

    Isolated nodes have an all-zero column (a walker there only restarts).

    Examples
    --------
    >>> w = transition_matrix(3, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 3.0]))
    >>> w.toarray().round(2).tolist()
    [[0.0, 0.25, 0.0], [1.0, 0.0, 1.0], [0.0, 0.75, 0.0]]
    """
    rows = np.concatenate([first, second])
    columns = np.concatenate([second, first])
    values = np.concatenate([weight, weight])
    adjacency = sparse.csr_matrix((values, (rows, columns)), shape=(n_nodes, n_nodes))
    strength = np.asarray(adjacency.sum(axis=0)).ravel()
    strength[strength == 0] = 1.0
    return sparse.csr_matrix(adjacency @ sparse.diags(1.0 / strength))
