"""Interaction databases read into networkx graphs (undirected or directed, attributed).

* STRING symbol-level edge lists (CSV/TSV with ``protein1``, ``protein2``, ``score`` or
  ``combined_score``; scores on 0-1 or 0-1000), thresholded on the combined score;
* OmniPath-style signed, directed tables (``source``, ``target``, ``interaction`` = +1/-1);
* generic edge lists (two named columns).

Every edge records its evidence type and source, as the curated layer's do.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "string.csv"
>>> _ = p.write_text("protein1,protein2,score\\nEGFR,CBL,0.999\\nEGFR,GRB2,0.4\\n")
>>> g = read_string(p, min_score=0.7)
>>> list(g.edges(data=True))
[('EGFR', 'CBL', {'score': 0.999, 'evidence': 'database', 'source': 'STRING'})]
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx

from graphs.biogrid import read_biogrid
from graphs.string_db import read_string_links
from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table
from omics.io.networks import network_options
from omics.io.options import NetworkOptions

__all__ = ["NETWORK_READERS", "read_edge_list", "read_edges", "read_network",
           "read_network_source", "read_omnipath", "read_string"]


def _columns(frame, names: tuple[str, ...], path: Path) -> None:
    for name in names:
        if name not in frame.columns:
            raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}",
                                  f"a {name!r} column", line=1)


def read_string(path: str | Path, min_score: float = 0.7, version: str = "") -> nx.Graph:
    """STRING links with a combined score >= ``min_score`` (0-1; 0-1000 files are scaled)."""
    path = Path(path)
    frame = read_text_table(path, row_names=True)
    score_column = "combined_score" if "combined_score" in frame.columns else "score"
    _columns(frame, ("protein1", "protein2", score_column), path)
    scores = parse_numeric_columns(frame, [score_column], path)[:, 0]
    if scores.max(initial=0) > 1:
        scores = scores / 1000.0
    graph = nx.Graph(name="STRING")
    source = f"STRING {version}".strip()
    for a, b, score in zip(frame["protein1"], frame["protein2"], scores, strict=True):
        if score >= min_score and a != b:
            graph.add_edge(a, b, score=float(score), evidence="database", source=source)
    return graph


def read_omnipath(path: str | Path) -> nx.DiGraph:
    """Signed, directed interactions: ``sign`` +1 (activation) or -1 (inhibition)."""
    path = Path(path)
    frame = read_text_table(path)
    _columns(frame, ("source", "target", "interaction"), path)
    signs = parse_numeric_columns(frame, ["interaction"], path, allow_negative=True)[:, 0]
    bad = [i for i, sign in enumerate(signs) if sign not in (-1.0, 1.0)]
    if bad:
        raise OmicsInputError(path, f"{frame['interaction'].iloc[bad[0]]!r} in column "
                              "'interaction'", "1 or -1",
                              line=frame.attrs["line_numbers"][bad[0]],
                              column=list(frame.columns).index("interaction") + 1)
    graph = nx.DiGraph(name="OmniPath")
    for a, b, sign in zip(frame["source"], frame["target"], signs, strict=True):
        graph.add_edge(a, b, sign=int(sign), evidence="database", source="OmniPath")
    return graph


def read_edge_list(path: str | Path, first: str, second: str, source: str) -> nx.Graph:
    """A generic undirected edge list from two named columns."""
    path = Path(path)
    frame = read_text_table(path)
    _columns(frame, (first, second), path)
    graph = nx.Graph(name=source)
    graph.add_edges_from((a, b, {"evidence": "database", "source": source})
                         for a, b in zip(frame[first], frame[second], strict=True) if a != b)
    return graph


def read_edges(path: str | Path) -> nx.Graph:
    """An edge list whose first two columns are the interacting genes."""
    path = Path(path)
    columns = read_text_table(path).columns
    if len(columns) < 2:
        raise OmicsInputError(path, f"{len(columns)} column", "two gene columns", line=1)
    return read_edge_list(path, columns[0], columns[1], source=path.stem)


#: network format -> function reading a file of that format from its options
NETWORK_READERS: dict[str, Callable[[NetworkOptions], nx.Graph]] = {
    "string": lambda o: read_string(o.path, min_score=o.min_score),
    "string_links": lambda o: read_string_links(o.path, info=o.info, aliases=o.aliases,
                                                min_score=o.min_score),
    "biogrid": lambda o: read_biogrid(o.path, species=o.species),
    "omnipath": lambda o: read_omnipath(o.path),
    "edges": lambda o: read_edges(o.path),
}


def read_network_source(options: NetworkOptions) -> nx.Graph:
    """Read one network file described by its format's options
    (:mod:`omics.io.networks`, e.g. an entry of ``analysis.network.networks``)."""
    return NETWORK_READERS[options.format](options)


def read_network(path: str | Path, network_format: str, **options) -> nx.Graph:
    """Read any supported network file with its format's options
    (:mod:`omics.io.networks`: ``string`` and ``string_links`` take ``min_score``,
    ``string_links`` also ``info``/``aliases``, ``biogrid`` takes ``species``)."""
    return read_network_source(network_options(network_format, path, **options))
