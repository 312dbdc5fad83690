"""Pathway-level answers: pre-ranked GSEA (gseapy), over-representation of called genes
against the measured genes, and pathway activities from weighted footprints such as PROGENy
(decoupler's univariate or multivariate linear model).

Examples
--------
>>> from omics.io.gmt import GeneSet
>>> rng = np.random.default_rng(0)
>>> genes = [f"G{i}" for i in range(2000)]
>>> t = pd.Series(rng.normal(size=2000), index=genes); t.iloc[:12] += 4
>>> sets = {"planted": GeneSet("planted", "", tuple(genes[:12] + genes[500:503])),
...         "null": GeneSet("null", "", tuple(genes[800:840]))}
>>> table = gsea(t, sets, permutations=200, seed=1)
>>> table.index[0], bool(table.loc["planted", "nes"] > 2)
('planted', True)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from graphs.enrichment import over_representation
from omics.errors import OmicsInputError
from omics.io.gmt import GeneSet

__all__ = ["GSEA_COLUMNS", "called_genes_enrichment", "gsea", "pathway_activity"]

#: Columns of a :func:`gsea` table (indexed by set name).
GSEA_COLUMNS = ["description", "set_size", "es", "nes", "p_value", "fdr", "fwer",
                "leading_edge_size", "leading_edge"]


def gsea(ranking: pd.Series, gene_sets: Mapping[str, GeneSet], *, permutations: int = 1000,
         seed: int = 0, min_size: int = 5, max_size: int = 500) -> pd.DataFrame:
    """Pre-ranked gene-set enrichment (Subramanian et al. 2005) with gseapy's ``prerank``:
    gene-set permutations, reproducible under ``seed``.

    Parameters
    ----------
    ranking
        One statistic per gene (e.g. the moderated t of a contrast), indexed by symbol;
        missing values and repeated genes (after the first) are left out.
    gene_sets
        Gene sets by name (:func:`omics.io.gmt.read_gmt`); only measured genes count.
    permutations
        Gene-set permutations for the p-values.
    seed
        Random seed of the permutations.
    min_size, max_size
        Sets with fewer or more measured genes are not tested.

    Returns
    -------
    DataFrame
        Indexed by set, sorted by p-value: :data:`GSEA_COLUMNS` (``leading_edge`` is the
        genes of the leading edge, ``;``-separated).

    Examples
    --------
    >>> genes = [f"G{i}" for i in range(300)]
    >>> ranking = pd.Series(np.linspace(3, -3, 300), index=genes)
    >>> table = gsea(ranking, {"top": GeneSet("top", "", tuple(genes[:10]))}, permutations=50)
    >>> round(float(table.loc["top", "es"]), 2), int(table.loc["top", "leading_edge_size"])
    (1.0, 10)
    """
    import gseapy  # noqa: PLC0415 - a heavy import, only for this analysis

    ranked = ranking.dropna()
    ranked = ranked[~ranked.index.duplicated()].astype(np.float64)
    measured = set(ranked.index)
    sets = {name: [g for g in gene_set.genes if g in measured]
            for name, gene_set in gene_sets.items()}
    sets = {name: members for name, members in sets.items()
            if min_size <= len(members) <= max_size}
    if not sets:
        return pd.DataFrame(columns=GSEA_COLUMNS).rename_axis("set")
    result = gseapy.prerank(rnk=ranked.sort_values(ascending=False), gene_sets=sets,
                            min_size=min_size, max_size=max_size,
                            permutation_num=permutations, seed=seed, threads=1,
                            no_plot=True, outdir=None, verbose=False).res2d
    edge = result["Lead_genes"].fillna("").astype(str)
    table = pd.DataFrame({
        "description": [gene_sets[name].description for name in result["Term"]],
        "set_size": [len(sets[name]) for name in result["Term"]],
        "es": result["ES"].astype(np.float64).to_numpy(),
        "nes": result["NES"].astype(np.float64).to_numpy(),
        "p_value": result["NOM p-val"].astype(np.float64).to_numpy(),
        "fdr": result["FDR q-val"].astype(np.float64).to_numpy(),
        "fwer": result["FWER p-val"].astype(np.float64).to_numpy(),
        "leading_edge_size": [len([g for g in e.split(";") if g]) for e in edge],
        "leading_edge": edge.to_numpy(),
    }, index=pd.Index(result["Term"].astype(str), name="set"))
    return table.sort_values(["p_value", "nes"], key=lambda c: c.abs() if c.name == "nes"
                             else c, ascending=[True, False])


def called_genes_enrichment(table: pd.DataFrame, gene_sets: Mapping[str, GeneSet], *,
                            fdr_level: float = 0.05, min_size: int = 5,
                            max_size: int = 500) -> pd.DataFrame:
    """Over-representation of the genes called at ``fdr_level`` among the genes tested
    (the measured universe, never the genome), hypergeometric with BH FDR.

    Parameters
    ----------
    table
        A differential table with ``gene`` and ``fdr`` columns.
    gene_sets
        Gene sets by name.
    fdr_level
        The calling threshold.
    min_size, max_size
        Set sizes counted within the tested genes.

    Returns
    -------
    DataFrame
        :func:`graphs.enrichment.over_representation`'s table.

    Examples
    --------
    >>> tested = pd.DataFrame({"gene": [f"g{i}" for i in range(40)],
    ...                        "fdr": [0.01] * 5 + [0.5] * 35})
    >>> sets = {"A": GeneSet("A", "", ("g0", "g1", "g2", "g3", "g30"))}
    >>> called_genes_enrichment(tested, sets).loc["A", "overlap"]
    np.int64(4)
    """
    tested = table.dropna(subset=["fdr"])
    universe = tested["gene"].dropna().astype(str)
    called = tested.loc[tested["fdr"] < fdr_level, "gene"].dropna().astype(str)
    return over_representation(called, gene_sets, universe, min_size=min_size,
                               max_size=max_size)


def pathway_activity(values: pd.DataFrame, weights: pd.DataFrame, *, method: str = "ulm",
                     min_size: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pathway activities from footprint weights (PROGENy, Schubert et al. 2018) with
    decoupler: per column of ``values`` (a sample, or a contrast's t statistics), the
    t-value of a linear model of the values on the pathway's weights (``ulm``: each pathway
    alone; ``mlm``: all pathways together).

    Parameters
    ----------
    values
        Observations (samples or contrasts) x genes; centre samples per gene first for
        per-sample activities. Missing values are set to 0 (no change).
    weights
        ``pathway, gene, weight`` rows (:func:`omics.io.pathway_weights.read_pathway_weights`).
    method
        ``"ulm"`` or ``"mlm"``.
    min_size
        Pathways with fewer measured genes are not scored.

    Returns
    -------
    tuple of DataFrame
        Activities (t-values) and their FDR (decoupler's: BH over the pathways of each
        observation), observations x pathways.

    Examples
    --------
    >>> genes = [f"g{i}" for i in range(50)]
    >>> weights = pd.DataFrame({"pathway": "P", "gene": genes[:10], "weight": 1.0})
    >>> t = pd.DataFrame([np.r_[np.full(10, 3.0), np.random.default_rng(0).normal(size=40)]],
    ...                  index=["contrast"], columns=genes)
    >>> scores, fdr = pathway_activity(t, weights)
    >>> bool(scores.loc["contrast", "P"] > 5)
    True
    """
    import decoupler  # noqa: PLC0415 - a heavy import (numba), only for this analysis

    if method not in ("ulm", "mlm"):
        raise OmicsInputError("method", repr(method), "ulm or mlm")
    net = weights.rename(columns={"pathway": "source", "gene": "target"})[
        ["source", "target", "weight"]]
    data = values.loc[:, ~values.columns.duplicated()].astype(np.float64).fillna(0.0)
    sizes = net[net["target"].isin(data.columns)].groupby("source").size()
    if sizes.empty or sizes.max() < min_size:
        raise OmicsInputError("weights", f"at most {sizes.max() if len(sizes) else 0} "
                              "measured genes per pathway",
                              f"at least {min_size} measured genes of a pathway")
    run = decoupler.mt.ulm if method == "ulm" else decoupler.mt.mlm
    scores, fdr = run(data, net, tmin=min_size)
    return scores, fdr
