"""The axis report: per node and per edge of a subnetwork, every evidence layer in one table,
and a plain-language sentence per gene.

Examples
--------
>>> g = nx.Graph()
>>> g.add_node("EGFR", label="epidermal growth factor receptor",
...            **{"protein_log2_fc__res_vs_sens": 0.93, "protein_fdr__res_vs_sens": 1e-4,
...               "mrna_log2_fc__res_vs_sens": 0.05, "mrna_fdr__res_vs_sens": 0.6})
>>> g.add_edge("EGFR", "ANXA6", evidence="experimental",
...            source_ref="seed study: co-immunoprecipitation and GST pulldown")
>>> g.add_edge("EGFR", "CBL", evidence="curated;database", string_score=0.999)
>>> print(gene_sentence(g, "EGFR"))
EGFR (epidermal growth factor receptor): protein up 1.9× in res vs sens (FDR 1e-04), mRNA \
unchanged (FDR >= 0.05); interacts with ANXA6 (prior knowledge: seed study: \
co-immunoprecipitation and GST pulldown) and CBL (prior knowledge: curated; STRING 0.999).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from omics.store.variables import flat_name, split_flat_name

__all__ = ["axis_edge_table", "axis_node_table", "gene_sentence", "protein_contrasts"]

_EVIDENCE_RANK = {"experimental": 0, "curated": 1, "database": 2}


def protein_contrasts(graph: nx.Graph) -> list[str]:
    """Contrasts with protein fold changes on some node, in first-seen order."""
    found: dict[str, None] = {}
    for _, data in graph.nodes(data=True):
        for key in data:
            parsed = split_flat_name(key)
            if parsed and parsed[0] == "protein_log2_fc":
                found[parsed[1]] = None
    return list(found)


def _changes(data: dict, layer: str, alpha: float) -> str | None:
    """``protein up 1.9× in a vs b (FDR 1e-04) and down ...`` over every contrast of the
    layer; ``unchanged`` when measured but significant in none."""
    name = "protein" if layer == "protein" else "mRNA"
    phrases, measured = [], False
    for key, fc in data.items():
        parsed = split_flat_name(key)
        if not parsed or parsed[0] != f"{layer}_log2_fc" or not np.isfinite(fc):
            continue
        contrast = parsed[1]
        fdr = data.get(flat_name(f"{layer}_fdr", contrast), np.nan)
        measured = True
        if fdr < alpha:
            phrases.append(f"{'up' if fc > 0 else 'down'} {2 ** abs(fc):.1f}× in "
                           f"{contrast.replace('_', ' ')} (FDR {fdr:.0e})")
    if phrases:
        return f"{name} " + " and ".join(phrases)
    return f"{name} unchanged (FDR >= {alpha:g})" if measured else None


def _edge_phrase(data: dict) -> str:
    """Which layer each piece of an edge's support comes from: prior knowledge (the seed
    publication's experiments, curation), databases, or this study's data."""
    parts = []
    if "experimental" in data.get("evidence", "") and data.get("source_ref"):
        parts.append(f"prior knowledge: {data['source_ref']}")
    elif "curated" in data.get("evidence", ""):
        parts.append("prior knowledge: curated")
    if "string_score" in data:
        parts.append(f"STRING {data['string_score']:.3f}")
    if "biogrid_publications" in data:
        parts.append(f"BioGRID {data['biogrid_publications']} publication(s)")
    if "protein_corr_r" in data and data.get("protein_corr_p", 1) < 0.05:
        parts.append(f"this study: protein r {data['protein_corr_r']:.2f}")
    if data.get("study_ptm"):
        parts.append(data["study_ptm"])
    return "; ".join(parts)


def _evidence_order(data: dict) -> tuple:
    ranks = [_EVIDENCE_RANK.get(e, 3) for e in data.get("evidence", "").split(";")]
    return min(ranks, default=3), -data.get("score", data.get("string_score", 0))


def gene_sentence(graph: nx.Graph, node, alpha: float = 0.05, partners: int = 5) -> str:
    """One sentence: the node's significant changes in every contrast (FDR < ``alpha``) and
    its best-supported partners."""
    data = graph.nodes[node]
    head = f"{node} ({data['label']})" if data.get("label") else str(node)
    changes = [c for layer in ("protein", "mrna") if (c := _changes(data, layer, alpha))]
    parts = [", ".join(changes)] if changes else []
    parts += [data[key] for key in ("ptm_evidence", "assay_evidence") if data.get(key)]
    neighbours = sorted(graph[node].items(), key=lambda item: _evidence_order(item[1]))
    links = [f"{other} ({phrase})" if (phrase := _edge_phrase(edge)) else str(other)
             for other, edge in neighbours[:partners]]
    if links:
        more = len(neighbours) - len(links)
        joined = links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]
        parts.append("interacts with " + joined + (f" and {more} more" if more > 0 else ""))
    return head + (": " + "; ".join(parts) if parts else "") + "."


def axis_node_table(graph: nx.Graph, alpha: float = 0.05) -> pd.DataFrame:
    """Every node with all its attributes and its sentence (``summary``)."""
    rows = [{"node": n, **d, "degree": graph.degree(n),
             "summary": gene_sentence(graph, n, alpha)} for n, d in graph.nodes(data=True)]
    return pd.DataFrame(rows).set_index("node")


def axis_edge_table(graph: nx.Graph) -> pd.DataFrame:
    """Every edge with all its evidence layers, best-supported first."""
    rows = sorted(graph.edges(data=True), key=lambda e: _evidence_order(e[2]))
    return pd.DataFrame([{"source": a, "target": b, **d} for a, b, d in rows])
