"""Interaction graphs: the curated ANXA6-EGFR-ubiquitin axis with this study's evidence."""

from graphs.axis import build_axis_graph
from graphs.curated import load_axis_layer
from graphs.export import edge_table, node_table, write_graph

__all__ = ["build_axis_graph", "edge_table", "load_axis_layer", "node_table", "write_graph"]
