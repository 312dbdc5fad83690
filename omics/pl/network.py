"""The axis network figure: nodes coloured by this study's evidence, the axis highlighted.

Takes plain node and edge tables (as :mod:`graphs.export` writes them), so the report can
draw it from a store without importing :mod:`graphs`.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"role": ["axis", "axis", "ubiquitin"], "fc": [2.0, 0.9, None]},
...                      index=pd.Index(["ANXA6", "EGFR", "CBL"], name="node"))
>>> edges = pd.DataFrame({"source": ["ANXA6", "EGFR"], "target": ["EGFR", "CBL"],
...                       "evidence": ["experimental", "curated;database"]})
>>> figure = network_figure(nodes, edges, colour_by="fc", highlight={"ANXA6", "EGFR"})
>>> len(figure.axes[0].collections[0].get_offsets()), figure.axes[0].get_title()
(3, 'fc')
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from omics.pl.figures import new_figure, place_labels

__all__ = ["network_figure"]

_EDGE_STYLE = {"experimental": ("#c0392b", 2.6, "solid"), "curated": ("#34495e", 1.2, "dashed"),
               "database": ("#95a5a6", 0.8, "solid")}


#: Legend labels: the curated layer is prior knowledge, not this study's measurement.
_LEGEND = {"experimental": "prior: seed publication's experiments",
           "curated": "prior: curated pathway", "database": "interaction database"}


def _edge_style(evidence: str) -> tuple[str, float, str]:
    for kind in ("experimental", "curated", "database"):
        if kind in str(evidence):
            return _EDGE_STYLE[kind]
    return _EDGE_STYLE["database"]


def network_figure(nodes: pd.DataFrame, edges: pd.DataFrame, colour_by: str | None = None,
                   highlight: set = frozenset(), seed: int = 0) -> Figure:
    """Draw the network; node colour = ``colour_by`` (diverging, grey where missing).

    The first collection of the axes holds the nodes (one point per node row). Edges are
    styled by evidence: the prior layer's experimental (thick red) and curated (dashed)
    edges, database edges (thin grey).
    """
    graph = nx.Graph()
    graph.add_nodes_from(nodes.index)
    graph.add_edges_from(zip(edges["source"], edges["target"], strict=True))
    layout = nx.kamada_kawai_layout(graph) if 1 < len(graph) <= 300 and nx.is_connected(graph) \
        else nx.spring_layout(graph, seed=seed)
    figure, axes = new_figure(figsize=(9, 7.5))
    order = list(nodes.index)
    xy = np.array([layout[n] for n in order])
    values = pd.to_numeric(nodes[colour_by], errors="coerce").to_numpy(float) \
        if colour_by in nodes else np.full(len(order), np.nan)
    limit = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 1.0
    points = axes.scatter(xy[:, 0], xy[:, 1], c=np.where(np.isfinite(values), values, 0),
                          cmap="RdBu_r", vmin=-limit, vmax=limit, s=[
                              260 if n in highlight else 90 for n in order],
                          edgecolors=["black" if n in highlight else "white" for n in order],
                          linewidths=[2.2 if n in highlight else 0.6 for n in order], zorder=3)
    points.set_facecolor([points.to_rgba(v) if np.isfinite(v) else (0.8, 0.8, 0.8, 1.0)
                          for v in values])
    for source, target, evidence in zip(edges["source"], edges["target"],
                                        edges.get("evidence", [""] * len(edges)), strict=True):
        colour, width, style = _edge_style(evidence)
        (x0, y0), (x1, y1) = layout[source], layout[target]
        axes.plot([x0, x1], [y0, y1], color=colour, linewidth=width, linestyle=style, zorder=1)
    place_labels(axes, xy[:, 0], xy[:, 1], [str(n) for n in order], set(highlight), 7)
    if colour_by in nodes:
        figure.colorbar(points, ax=axes, shrink=0.6, label=colour_by)
    axes.legend(handles=[Line2D([], [], color=c, linewidth=w, linestyle=s, label=_LEGEND[kind])
                         for kind, (c, w, s) in _EDGE_STYLE.items()],
                title="edge evidence", loc="upper left", bbox_to_anchor=(0.0, 0.0),
                fontsize=8, frameon=False, ncol=3)  # below the network, never on it
    axes.set_title(colour_by or "network (no study evidence: nodes grey)")
    axes.set_axis_off()
    figure.tight_layout()
    return figure
