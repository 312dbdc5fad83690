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
import numba
import numpy as np
from scipy import sparse

__all__ = ["EdgeArrays", "TransitionMatrices", "transition_matrix"]


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
    return TransitionMatrices(n_nodes, first, second)(first, second, weight)


class TransitionMatrices:
    """Transition matrices of graphs with the same node degrees (a graph and its
    degree-preserving randomisations), each built in one compiled pass into the same
    buffers: the rows' extents (CSR ``indptr``) follow from the degrees, so only the
    entries change. A matrix is valid until the next one is built.

    Building one for STRING hc0.9 this way takes about 1 ms, against 8-9 ms through
    ``scipy.sparse`` (COO to CSR, then a product with the diagonal of inverse strengths).

    Examples
    --------
    >>> build = TransitionMatrices(3, np.array([0, 1]), np.array([1, 2]))
    >>> build(np.array([0, 1]), np.array([1, 2]), np.array([1.0, 3.0])).toarray()[1].tolist()
    [1.0, 0.0, 1.0]
    """

    def __init__(self, n_nodes: int, first: np.ndarray, second: np.ndarray) -> None:
        degree = np.bincount(np.concatenate([first, second]).astype(np.int64),
                             minlength=n_nodes)
        index_type = np.int32 if degree.sum() < 2**31 else np.int64
        self.indptr = np.zeros(n_nodes + 1, dtype=index_type)
        np.cumsum(degree, out=self.indptr[1:])
        self.indices = np.empty(int(self.indptr[-1]), dtype=index_type)
        self.data = np.empty(int(self.indptr[-1]))
        self._strength = np.empty(n_nodes)
        self._cursor = np.empty(n_nodes, dtype=np.int64)

    def __call__(self, first: np.ndarray, second: np.ndarray,
                 weight: np.ndarray) -> sparse.csr_matrix:
        """The matrix of the graph with these edges (every node with its original degree)."""
        _fill_transition(first, second, np.asarray(weight, dtype=np.float64), self.indptr,
                         self.indices, self.data, self._strength, self._cursor)
        n_nodes = self.indptr.size - 1
        return sparse.csr_matrix((self.data, self.indices, self.indptr),
                                 shape=(n_nodes, n_nodes), copy=False)


@numba.njit(cache=True, nogil=True)
def _fill_transition(first, second, weight, indptr, indices, data, strength,
                     cursor):  # pragma: no cover - compiled
    """Entries ``W[a, b] = w / strength[b]`` and ``W[b, a] = w / strength[a]`` of every edge
    ``(a, b, w)``, row by row in edge order."""
    strength[:] = 0.0
    for e in range(first.size):
        strength[first[e]] += weight[e]
        strength[second[e]] += weight[e]
    for node in range(strength.size):
        if strength[node] == 0.0:
            strength[node] = 1.0
        cursor[node] = indptr[node]
    for e in range(first.size):
        a, b, w = first[e], second[e], weight[e]
        indices[cursor[a]] = b
        data[cursor[a]] = w / strength[b]
        cursor[a] += 1
        indices[cursor[b]] = a
        data[cursor[b]] = w / strength[a]
        cursor[b] += 1
