"""Prefect flow: the axis interaction graph with this study's evidence."""

from __future__ import annotations

from prefect import flow, task

from flows.runtime import record_flow_run
from graphs import build_axis_graph, write_graph

__all__ = ["build_network"]


@task
def axis_graph(store: str, out_dir: str) -> dict:
    """Build the curated axis graph with evidence and write GraphML and tables."""
    record_flow_run()
    graph = build_axis_graph(store)
    paths = write_graph(graph, out_dir)
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), **paths}


@flow(name="omics-network")
def build_network(store: str, out_dir: str) -> dict:
    """Write the axis network of ``store``'s results into ``out_dir``."""
    return axis_graph.submit(store, out_dir).result()
