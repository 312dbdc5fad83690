"""The axis subnetwork's node and edge tables as results of a study store
(``results/network/nodes`` and ``results/network/edges``), for the report and for users.

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> from omics.store.writer import create_store
>>> store = pathlib.Path(tempfile.mkdtemp()) / "s.zarr"
>>> _ = create_store(store, study_name="demo")
>>> nodes = pd.DataFrame({"role": ["axis"], "score": [0.5]}, index=pd.Index(["EGFR"], name="node"))
>>> edges = pd.DataFrame({"source": ["EGFR"], "target": ["CBL"], "evidence": ["curated"]})
>>> write_network_results(store, nodes, edges, {"seeds": ["ANXA6", "EGFR"]})
>>> from omics.store.results import read_result
>>> read_result(store, "network", "edges")[["source", "target"]].values.tolist()
[['EGFR', 'CBL']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from omics.store import layout
from omics.store.provenance import provenance
from omics.store.staged_results import staged_results
from omics.store.writer import write_table

__all__ = ["NETWORK_RESULTS", "write_network_results"]

#: The analysis name of the network results in a store.
NETWORK_RESULTS = "network"


def _storable(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].map(lambda v: "" if v is None or v != v else str(v))
        elif table[column].dtype == bool:
            table[column] = table[column].astype("int8")
    return table


def write_network_results(store: str | Path, nodes: pd.DataFrame, edges: pd.DataFrame,
                          parameters: dict) -> None:
    """Write both tables (text cells as strings, missing text as ``""``) with provenance,
    replacing the previous network results in one rename."""
    attrs = provenance(step=f"analysis:{NETWORK_RESULTS}", parameters=parameters)
    with staged_results(store, NETWORK_RESULTS):
        write_table(store, layout.result_group(NETWORK_RESULTS, "nodes"),
                    _storable(nodes.reset_index()), dim="node", index="node", attrs=attrs)
        write_table(store, layout.result_group(NETWORK_RESULTS, "edges"),
                    _storable(edges), dim="edge", attrs=attrs)
