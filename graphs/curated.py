"""The curated mechanism layer shipped as package data (``graphs/data/axis.yaml``)."""

from __future__ import annotations

from importlib.resources import files
from typing import Literal

import networkx as nx
import yaml
from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["AxisLayer", "load_axis_layer"]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    label: str = ""
    kind: Literal["gene", "drug"] = "gene"


class _Edge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    target: str
    evidence: Literal["experimental", "database", "curated"]
    sign: Literal[-1, 0, 1] = 0
    directed: bool = False
    source_ref: str = ""
    note: str = ""


class AxisLayer(BaseModel):
    """Schema of the curated layer: every edge joins two declared nodes."""

    model_config = ConfigDict(extra="forbid")
    version: int
    nodes: dict[str, _Node]
    edges: list[_Edge]

    @model_validator(mode="after")
    def _edges_join_declared_nodes(self) -> AxisLayer:
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in self.nodes:
                    raise ValueError(f"edge {edge.source}-{edge.target} names undeclared {end}")
        return self


def load_axis_layer() -> nx.Graph:
    """The curated axis network as an undirected graph with evidence on every edge.

    It is prior knowledge, never a measurement of the study analysed: every edge has
    ``layer="prior"``, and its ``experimental`` edges are the seed publication's experiments.
    Direction and sign are kept as edge attributes (``directed``, ``source``/``target``
    as curated, ``sign``).

    Examples
    --------
    >>> graph = load_axis_layer()
    >>> graph.edges["ANXA6", "EGFR"]["evidence"], graph.edges["ANXA6", "EGFR"]["layer"]
    ('experimental', 'prior')
    """
    text = files("graphs").joinpath("data/axis.yaml").read_text()
    layer = AxisLayer.model_validate(yaml.safe_load(text))
    graph = nx.Graph(name="ANXA6-EGFR-ubiquitin axis", curated_version=layer.version)
    for name, node in layer.nodes.items():
        graph.add_node(name, role=node.role, label=node.label, kind=node.kind)
    for edge in layer.edges:
        graph.add_edge(edge.source, edge.target, evidence=edge.evidence, layer="prior",
                       sign=edge.sign,
                       directed=edge.directed, curated_source=edge.source,
                       curated_target=edge.target, source_ref=edge.source_ref, note=edge.note)
    return graph
