"""STRING release files: ``protein.links`` (ENSP ids, space-separated, combined score 0-1000)
mapped to gene names with ``protein.info`` (preferred names) or ``protein.aliases``.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "links.txt").write_text("protein1 protein2 combined_score\\n"
...     "9606.ENSP00000275493 9606.ENSP00000264033 999\\n")
>>> _ = (d / "info.txt").write_text("#string_protein_id\\tpreferred_name\\n"
...     "9606.ENSP00000275493\\tEGFR\\n9606.ENSP00000264033\\tCBL\\n")
>>> g = read_string_links(d / "links.txt", info=d / "info.txt", version="12.0")
>>> list(g.edges(data=True))
[('EGFR', 'CBL', {'score': 0.999, 'evidence': 'database', 'source': 'STRING 12.0'})]
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from omics.errors import OmicsInputError

__all__ = ["read_string_links", "string_protein_names"]

_LINK_COLUMNS = ("protein1", "protein2", "combined_score")


def _read_links(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=r"\s+", dtype=str, engine="c")
    for position, name in enumerate(_LINK_COLUMNS, start=1):
        if name not in frame.columns:
            raise OmicsInputError(path, f"columns {list(frame.columns)[:4]}",
                                  f"a {name!r} column", line=1, column=position)
    scores = pd.to_numeric(frame["combined_score"], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(scores) | (scores < 0) | (scores > 1000))
    if bad.size:
        raise OmicsInputError(path, f"{frame['combined_score'].iloc[bad[0]]!r} in column "
                              "'combined_score'", "an integer score from 0 to 1000",
                              line=int(bad[0]) + 2,
                              column=list(frame.columns).index("combined_score") + 1)
    return frame.assign(combined_score=scores / 1000.0)


def string_protein_names(info: str | Path | None = None,
                         aliases: str | Path | None = None) -> dict[str, str]:
    """``{STRING protein id: gene name}``: the ``preferred_name`` of ``protein.info`` and,
    for proteins it lacks, an HGNC-sourced alias from ``protein.aliases``."""
    names: dict[str, str] = {}
    if aliases is not None:
        table = pd.read_csv(aliases, sep="\t", dtype=str, keep_default_na=False)
        table.columns = [c.lstrip("#") for c in table.columns]
        hgnc = table[table["source"].str.contains("HGNC", case=False)]
        names.update(hgnc.drop_duplicates("string_protein_id")
                     .set_index("string_protein_id")["alias"].to_dict())
    if info is not None:
        table = pd.read_csv(info, sep="\t", dtype=str, keep_default_na=False)
        table.columns = [c.lstrip("#") for c in table.columns]
        names.update(table.set_index("string_protein_id")["preferred_name"].to_dict())
    return names


def read_string_links(links: str | Path, *, info: str | Path | None = None,
                      aliases: str | Path | None = None, min_score: float = 0.7,
                      version: str = "") -> nx.Graph:
    """STRING links with combined score >= ``min_score`` (0-1) as a graph of gene names.

    Proteins with no name in ``info``/``aliases`` keep their STRING id (map them further
    with :func:`graphs.identifiers.map_to_symbols`); pairs met twice (both directions, or
    two proteins of one gene) keep the highest score.
    """
    links = Path(links)
    frame = _read_links(links)
    frame = frame[frame["combined_score"] >= min_score]
    names = string_protein_names(info, aliases)
    first = frame["protein1"].map(lambda p: names.get(p, p))
    second = frame["protein2"].map(lambda p: names.get(p, p))
    graph = nx.Graph(name="STRING", version=version)
    source = f"STRING {version}".strip()
    order = np.argsort(frame["combined_score"].to_numpy())  # highest score written last
    for a, b, score in zip(first.to_numpy()[order], second.to_numpy()[order],
                           frame["combined_score"].to_numpy()[order], strict=True):
        if a != b:
            graph.add_edge(a, b, score=float(score), evidence="database", source=source)
    return graph
