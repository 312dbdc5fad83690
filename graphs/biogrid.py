"""BioGRID TAB3 release files (``BIOGRID-ORGANISM-<species>-<version>.tab3.txt``).

One edge per gene pair, aggregating every row that reports it: the experimental systems, the
number of distinct publications, and whether any is low-throughput.

Examples
--------
>>> import tempfile, pathlib
>>> header = "\\t".join(["#BioGRID Interaction ID", "Official Symbol Interactor A",
...     "Official Symbol Interactor B", "Experimental System", "Experimental System Type",
...     "Publication Source", "Organism ID Interactor A", "Organism ID Interactor B",
...     "Throughput"])
>>> rows = ["1\\tANXA6\\tEGFR\\tAffinity Capture-Western\\tphysical\\tPUBMED:1\\t9606\\t9606\\t"
...         "Low Throughput", "2\\tEGFR\\tANXA6\\tTwo-hybrid\\tphysical\\tPUBMED:2\\t9606\\t9606\\t"
...         "High Throughput"]
>>> p = pathlib.Path(tempfile.mkdtemp()) / "b.tab3.txt"
>>> _ = p.write_text("\\n".join([header, *rows]) + "\\n")
>>> g = read_biogrid(p, version="4.4.240")
>>> g.edges["ANXA6", "EGFR"]["publications"], g.edges["ANXA6", "EGFR"]["systems"]
(2, 'Affinity Capture-Western;Two-hybrid')
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import read_text_table

__all__ = ["read_biogrid"]

_REQUIRED = ("Official Symbol Interactor A", "Official Symbol Interactor B",
             "Experimental System", "Experimental System Type", "Publication Source",
             "Organism ID Interactor A", "Organism ID Interactor B")


def read_biogrid(path: str | Path, *, species: int = 9606, system_type: str = "physical",
                 version: str = "") -> nx.Graph:
    """Interactions of ``system_type`` (``physical``, ``genetic`` or ``any``) between two
    genes of ``species`` (NCBI taxon)."""
    path = Path(path)
    frame = read_text_table(path)
    for name in _REQUIRED:
        if name not in frame.columns:
            raise OmicsInputError(path, f"columns {list(frame.columns)[:4]}",
                                  f"a BioGRID TAB3 {name!r} column", line=1)
    keep = (frame["Organism ID Interactor A"] == str(species)) & \
        (frame["Organism ID Interactor B"] == str(species))
    if system_type != "any":
        keep &= frame["Experimental System Type"] == system_type
    frame = frame[keep]
    a, b = frame["Official Symbol Interactor A"], frame["Official Symbol Interactor B"]
    pairs = pd.DataFrame({"first": a.where(a < b, b), "second": b.where(a < b, a),
                          "system": frame["Experimental System"],
                          "publication": frame["Publication Source"],
                          "low": frame.get("Throughput", pd.Series("", index=frame.index))
                          .str.contains("Low", na=False)})
    pairs = pairs[pairs["first"] != pairs["second"]]
    graph = nx.Graph(name="BioGRID", version=version)
    source = f"BioGRID {version}".strip()
    for (first, second), rows in pairs.groupby(["first", "second"], sort=False):
        graph.add_edge(first, second, evidence="database", source=source,
                       systems=";".join(sorted(set(rows["system"]))),
                       publications=int(rows["publication"].nunique()),
                       low_throughput=bool(rows["low"].any()))
    return graph
