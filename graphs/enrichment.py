"""Over-representation of a gene list in gene sets (hypergeometric test, BH FDR).

For a set of ``K`` genes in a universe of ``N``, of which the list's ``n`` genes hit ``k``,
``p = P(X >= k)`` with ``X ~ Hypergeometric(N, K, n)`` (one-sided Fisher's exact test).
Only genes of the universe count, in the list and in the sets.

Examples
--------
>>> from omics.io.gmt import GeneSet
>>> sets = {"A": GeneSet("A", "", ("g1", "g2", "g3")), "B": GeneSet("B", "", ("g4", "g5"))}
>>> universe = [f"g{i}" for i in range(1, 21)]
>>> table = over_representation(["g1", "g2", "g3", "g9"], sets, universe, min_size=2)
>>> int(table.loc["A", "overlap"]), float(table.loc["A", "p_value"].round(5))
(3, 0.00351)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from omics.io.gmt import GeneSet
from omics.stats.multiple_testing import bh_fdr

__all__ = ["over_representation"]


def over_representation(genes: Iterable[str], gene_sets: Mapping[str, GeneSet],
                        universe: Iterable[str], min_size: int = 5,
                        max_size: int = 500) -> pd.DataFrame:
    """Test every set with ``min_size``..``max_size`` genes in the universe.

    Returns a DataFrame indexed by set name, sorted by p-value: ``description, set_size,
    overlap, expected, fold_enrichment, p_value, fdr, genes`` (the overlapping genes).
    """
    universe = set(universe)
    hits = set(genes) & universe
    rows = []
    for name, gene_set in gene_sets.items():
        members = set(gene_set.genes) & universe
        if not min_size <= len(members) <= max_size:
            continue
        overlap = sorted(hits & members)
        rows.append({"set": name, "description": gene_set.description,
                     "set_size": len(members), "overlap": len(overlap),
                     "p_value": stats.hypergeom.sf(len(overlap) - 1, len(universe),
                                                   len(members), len(hits)),
                     "genes": ";".join(overlap)})
    table = pd.DataFrame(rows, columns=["set", "description", "set_size", "overlap",
                                        "p_value", "genes"]).set_index("set")
    table.insert(3, "expected", table["set_size"] * len(hits) / max(len(universe), 1))
    table.insert(4, "fold_enrichment", table["overlap"] / table["expected"].replace(0, np.nan))
    table.insert(6, "fdr", bh_fdr(table["p_value"].to_numpy()))
    return table.sort_values(["p_value", "set_size"])
