"""Simulated RNA-seq counts for the cultured cells and for patient tumours.

Counts are negative binomial (cell lines: dispersion 0.05; tumours: 0.3) around a log-normal
gene abundance profile with 15-25 million reads per library. Cell cultures carry the same
``culture`` ids as the proteomic channels, so protein and mRNA pair sample by sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["simulate_cell_counts", "simulate_tumour_counts"]

_CELL_CONDITIONS = {
    "sens_cells": None,
    "res_cells": "resistant_vs_sensitive_cells",
    "sens_cells_res_exo": "res_exo_treated_vs_untreated_cells",
}


def _nb_counts(rng: np.random.Generator, mean: np.ndarray, dispersion: float) -> np.ndarray:
    shape = 1.0 / dispersion
    return rng.poisson(rng.gamma(shape, mean / shape)).astype(np.int64)


def _abundance(rng: np.random.Generator, n_genes: int) -> np.ndarray:
    log_abundance = rng.normal(0.0, 1.8, size=n_genes)
    proportion = np.exp(log_abundance)
    return proportion / proportion.sum()


def simulate_cell_counts(
    rng: np.random.Generator,
    genes: list[str],
    effects: dict[str, dict[str, float]],
    n_replicates: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts (genes x samples) and sample sheet for the three cell conditions.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> counts, samples = simulate_cell_counts(rng, ["EGFR", "ANXA6"], {}, 2)
    >>> counts.shape, list(samples.columns)
    ((2, 7), ['sample', 'condition', 'replicate', 'culture'])
    """
    proportion = _abundance(rng, len(genes))
    index = {g: i for i, g in enumerate(genes)}
    columns = {}
    rows = []
    for condition, contrast in _CELL_CONDITIONS.items():
        lfc = np.zeros(len(genes))
        for gene, value in effects.get(contrast, {}).items() if contrast else ():
            lfc[index[gene]] = value
        for rep in range(1, n_replicates + 1):
            library = rng.uniform(15e6, 25e6)
            weight = proportion * np.exp2(lfc)
            mean = library * weight / weight.sum()
            sample = f"rna_{condition}_{rep}"
            columns[sample] = _nb_counts(rng, mean, 0.05)
            rows.append(
                {"sample": sample, "condition": condition, "replicate": rep,
                 "culture": f"{condition}_{rep}"}
            )
    counts = pd.concat([pd.DataFrame({"gene": genes}), pd.DataFrame(columns)], axis=1)
    return counts, pd.DataFrame(rows)


def simulate_tumour_counts(
    rng: np.random.Generator,
    genes: list[str],
    subjects: list[str],
    resistant: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tumour counts with a weak ANXA6-EGFR mRNA co-variation (as in real tumours).

    ANXA6 and EGFR share a latent tumour factor (giving a Spearman rho near 0.2, close to the
    0.18 of GSE1992) and ANXA6 mRNA is 0.3 log2 units higher in resistant patients' tumours.
    """
    proportion = _abundance(rng, len(genes))
    index = {g: i for i, g in enumerate(genes)}
    shared = rng.normal(0.0, 1.0, size=len(subjects))
    columns = {}
    rows = []
    for j, subject in enumerate(subjects):
        lfc = rng.normal(0.0, 0.25, size=len(genes))
        lfc[index["ANXA6"]] += 0.35 * shared[j] + 0.3 * resistant[j]
        lfc[index["EGFR"]] += 0.35 * shared[j]
        weight = proportion * np.exp2(lfc)
        mean = rng.uniform(15e6, 25e6) * weight / weight.sum()
        sample = f"tumour_{subject}"
        columns[sample] = _nb_counts(rng, mean, 0.3)
        rows.append({"sample": sample, "subject_id": subject})
    counts = pd.concat([pd.DataFrame({"gene": genes}), pd.DataFrame(columns)], axis=1)
    return counts, pd.DataFrame(rows)
