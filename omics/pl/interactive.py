"""Interactive figures for the HTML report (Bokeh, embedded offline): hover shows each
point's gene and numbers, the toolbar pans, zooms and saves a PNG.

The report embeds BokehJS once (:func:`bokeh_script`), so it needs no network. Its logger
is set to warnings directly (``Bokeh.logger.set_level``: ``Bokeh.set_log_level`` itself
prints a line), so the browser console stays silent.

Examples
--------
>>> table = pd.DataFrame({"feature": ["P1", "P2"], "gene": ["ANXA6", "EGFR"],
...                       "log2_fc": [2.1, 0.3], "p_value": [1e-9, 0.2], "fdr": [1e-7, 0.4]})
>>> script, div = interactive_volcano(table, "res vs sens", {"ANXA6"})
>>> script.lstrip().startswith("<script") and "<div" in div
True
"""

from __future__ import annotations

import matplotlib
import matplotlib.colors
import numpy as np
import pandas as pd

from omics.pl.labels import significant

__all__ = ["bokeh_script", "interactive_network", "interactive_volcano"]


def bokeh_script() -> str:
    """The ``<script>`` with BokehJS itself (about 1.3 MB), for the page's ``<head>``."""
    from bokeh.resources import Resources

    library = Resources(mode="inline", components=["bokeh"]).js_raw[0]
    return f'<script>{library}</script>\n<script>Bokeh.logger.set_level("warn");</script>'


def _sig(values: pd.Series) -> list[str]:
    return [significant(v) for v in values.astype(float)]


def interactive_volcano(table: pd.DataFrame, title: str, label: set[str] = frozenset(),
                        fdr: float = 0.05) -> tuple[str, str]:
    """A volcano plot (log2 fold change against -log10 p, FDR hits red, ``label`` genes
    ringed) whose hover shows feature, gene, fold change, p and FDR: ``(script, div)`` to
    place in the page."""
    from bokeh.embed import components
    from bokeh.models import ColumnDataSource, HoverTool
    from bokeh.plotting import figure

    data = table.dropna(subset=["p_value", "log2_fc"]).copy()
    gene = data["gene"] if "gene" in data else data["feature"]
    source = ColumnDataSource({
        "x": data["log2_fc"].to_numpy(float),
        "y": -np.log10(data["p_value"].to_numpy(float)),
        "feature": data["feature"].astype(str).tolist(),
        "gene": gene.fillna("").astype(str).tolist(),
        "p": _sig(data["p_value"]), "fdr": _sig(data["fdr"]),
        "fc": [f"{v:.3g}" for v in data["log2_fc"]],
        "colour": np.where(data["fdr"].to_numpy(float) < fdr, "#c0392b", "#95a5a6").tolist(),
    })
    plot = figure(width=560, height=420, title=f"{title} (hover for values)",
                  x_axis_label="log2 fold change", y_axis_label="-log10 p-value",
                  tools="pan,wheel_zoom,box_zoom,reset,save")
    points = plot.scatter("x", "y", source=source, size=5, color="colour", alpha=0.8)
    named = data[gene.isin(label).to_numpy()]
    named_x = named["log2_fc"].to_numpy(float)
    named_y = -np.log10(named["p_value"].to_numpy(float))
    plot.scatter(named_x, named_y, size=11, fill_color=None, line_color="black")
    plot.text(named_x, named_y, text=gene[gene.isin(label)].astype(str).tolist(),
              x_offset=7, y_offset=-4, text_font_size="9pt", text_font_style="bold")
    plot.add_tools(HoverTool(renderers=[points], tooltips=[
        ("feature", "@feature"), ("gene", "@gene"), ("log2 FC", "@fc"), ("p", "@p"),
        ("FDR", "@fdr")]))
    plot.toolbar.logo = None
    return components(plot)


def interactive_network(nodes: pd.DataFrame, edges: pd.DataFrame, colour: str | None,
                        seeds: set[str] = frozenset()) -> tuple[str, str]:
    """The context subnetwork (nodes indexed by gene, edges ``source``/``target``/
    ``evidence``) with hover on genes (role, sentence, propagation p, fold change) and on
    interactions (evidence); node colour from ``colour`` (blue down, red up), seeds ringed:
    ``(script, div)``.

    Examples
    --------
    >>> nodes = pd.DataFrame({"role": ["seed", "partner"], "propagation_p": [0.001, 0.02],
    ...                       "fc": [2.0, -0.5]}, index=pd.Index(["ANXA6", "EGFR"]))
    >>> edges = pd.DataFrame({"source": ["ANXA6"], "target": ["EGFR"],
    ...                       "evidence": ["curated"]})
    >>> script, div = interactive_network(nodes, edges, "fc", {"ANXA6"})
    >>> "<div" in div
    True
    """
    import networkx as nx
    from bokeh.embed import components
    from bokeh.models import ColumnDataSource, HoverTool
    from bokeh.plotting import figure

    graph = nx.Graph()
    graph.add_nodes_from(nodes.index)
    graph.add_edges_from(zip(edges["source"], edges["target"], strict=True))
    position = nx.spring_layout(graph, seed=0)
    names = list(nodes.index)
    values = nodes[colour].astype(float).to_numpy() if colour in nodes else np.zeros(len(names))
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    shade = np.clip(np.nan_to_num(values) / (limit or 1.0), -1, 1)
    palette = matplotlib.colormaps["RdBu_r"]
    colours = [matplotlib.colors.to_hex(palette((v + 1) / 2)) for v in shade]
    text = {column: nodes[column].astype(str).tolist() if column in nodes else [""] * len(names)
            for column in ("role", "summary")}
    node_source = ColumnDataSource({
        "x": [position[n][0] for n in names], "y": [position[n][1] for n in names],
        "gene": [str(n) for n in names], "colour": colours,
        "size": [16 if n in seeds else 11 for n in names],
        "line": ["black" if n in seeds else "#7f8c8d" for n in names],
        "p": _sig(nodes["propagation_p"]) if "propagation_p" in nodes else [""] * len(names),
        "fc": _sig(pd.Series(values)), **text})
    edge_source = ColumnDataSource({
        "xs": [[position[a][0], position[b][0]] for a, b in zip(edges["source"],
                                                               edges["target"], strict=True)],
        "ys": [[position[a][1], position[b][1]] for a, b in zip(edges["source"],
                                                               edges["target"], strict=True)],
        "pair": [f"{a} – {b}" for a, b in zip(edges["source"], edges["target"], strict=True)],
        "evidence": edges["evidence"].astype(str).tolist() if "evidence" in edges
        else [""] * len(edges)})
    plot = figure(width=760, height=560, title="Context subnetwork (hover genes and edges; "
                  f"colour: {colour or 'none'})", tools="pan,wheel_zoom,box_zoom,reset,save",
                  x_axis_location=None, y_axis_location=None)
    plot.grid.visible = False
    lines = plot.multi_line("xs", "ys", source=edge_source, line_color="#95a5a6",
                            line_width=1.4, line_alpha=0.7)
    points = plot.scatter("x", "y", source=node_source, size="size", fill_color="colour",
                          line_color="line", line_width=1.5)
    plot.text("x", "y", text="gene", source=node_source, x_offset=8, y_offset=-6,
              text_font_size="8pt")
    plot.add_tools(HoverTool(renderers=[points], tooltips=[
        ("gene", "@gene"), ("role", "@role"), ("fold change", "@fc"),
        ("propagation p", "@p"), ("", "@summary")]),
        HoverTool(renderers=[lines], tooltips=[("interaction", "@pair"),
                                                ("evidence", "@evidence")]))
    plot.toolbar.logo = None
    return components(plot)
