"""Interaction graphs: the curated ANXA6-EGFR-ubiquitin axis, database layers, propagation.

The store-reading steps are in :mod:`graphs.steps`.
"""

from graphs.curated import load_axis_layer
from graphs.export import edge_table, node_table, write_graph

__all__ = ["edge_table", "load_axis_layer", "node_table", "write_graph"]
