"""A disk cache of propagation randomisations: the exceedance counts of ``n`` randomised
networks, keyed by everything they depend on (the graph's nodes, edges and weights, the
start vector, the restart probability, ``n``, the seed, the swaps per edge and the
tolerance), so a rerun on the same graph and seeds skips the randomisations and gives the
same p-values.

Entries are ``propagation-<sha256>.npz`` files written atomically
(:func:`omics.store.atomic.replaced_on_success`); a damaged entry counts as absent and is
recomputed.

Examples
--------
>>> import tempfile
>>> from graphs.network_arrays import EdgeArrays
>>> import networkx as nx
>>> arrays = EdgeArrays.from_graph(nx.path_graph(["A", "B", "C"]))
>>> key = randomisation_key(arrays, np.array([1.0, 0, 0]), restart=0.5, n_random=10, seed=0,
...                         swaps_per_edge=2.0, tol=1e-10)
>>> folder = tempfile.mkdtemp()
>>> load_counts(folder, key, 3) is None
True
>>> save_counts(folder, key, np.array([1, 2, 3]))
>>> load_counts(folder, key, 3).tolist()
[1, 2, 3]
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from graphs.network_arrays import EdgeArrays
from omics.store.atomic import replaced_on_success

__all__ = ["load_counts", "randomisation_key", "save_counts"]

#: Changes whenever the randomisation or the walk changes what a key's counts would be.
_FORMAT = "omics-axis propagation counts 1"


def randomisation_key(arrays: EdgeArrays, start: np.ndarray, *, restart: float, n_random: int,
                      seed: int, swaps_per_edge: float, tol: float) -> str:
    """The SHA-256 of everything the exceedance counts depend on."""
    digest = hashlib.sha256(_FORMAT.encode())
    digest.update(json.dumps([str(node) for node in arrays.nodes]).encode())
    for values, dtype in ((arrays.first, np.int64), (arrays.second, np.int64),
                          (arrays.weight, np.float64), (start, np.float64)):
        digest.update(np.ascontiguousarray(values, dtype=dtype).tobytes())
        digest.update(b"|")
    digest.update(json.dumps([float(restart), int(n_random), int(seed), float(swaps_per_edge),
                              float(tol)]).encode())
    return digest.hexdigest()


def _entry(folder: str | Path, key: str) -> Path:
    return Path(folder) / f"propagation-{key}.npz"


def load_counts(folder: str | Path, key: str, n_nodes: int) -> np.ndarray | None:
    """The cached counts of ``key``, or None when absent or unreadable."""
    try:
        with np.load(_entry(folder, key)) as entry:
            counts = entry["exceed"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    return counts if counts.shape == (n_nodes,) and counts.dtype.kind == "i" else None


def save_counts(folder: str | Path, key: str, counts: np.ndarray) -> None:
    """Store ``counts`` under ``key`` (atomically: readers see the old entry or the new)."""
    with replaced_on_success(_entry(folder, key)) as partial, partial.open("wb") as file:
        np.savez(file, exceed=np.asarray(counts, dtype=np.int64))
