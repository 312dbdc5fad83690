"""Simulated diGly (K-epsilon-GG) enrichment of the cohort's cell cultures, in MSstatsPTM's
long format.

The diGly run labels the same cell channels as the proteome (each plex's sensitive,
resistant and exosome-treated cells, plus the pooled reference), so its samples are the
proteome's ``<plex>_<channel>``. A site's log2 abundance is its protein's abundance in that
plex and condition (the mean of the condition's channels in the simulated proteome) plus the
site's stoichiometry, plus independent noise (SD 0.15) and PSM offsets: ubiquitination per
molecule is unchanged unless planted. Planted, per contrast, as the change per molecule:

* EGFR K754 and K867 (kinase-domain lysines that CBL ubiquitinates) down about 2x in
  sensitive cells treated with resistant-cell exosomes, and in resistant cells, while EGFR
  protein rises (ANXA6 shields EGFR from CBL);
* eight background sites up or down per molecule (on well-measured proteins: complete in
  the proteome, mean log2 abundance >= 19, so that the truth is recoverable).

ANXA6's own site follows ANXA6 protein (up, nothing per molecule): an unadjusted site test
calls it, the adjusted one must not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["AXIS_SITES", "PTM_EFFECTS", "simulate_diglycine"]

#: Fixed sites of the axis proteins: protein -> lysine positions.
AXIS_SITES = {"EGFR": (754, 867), "ANXA6": (306,), "CBL": (837,)}

#: Planted change of ubiquitination per molecule (log2), per contrast.
PTM_EFFECTS: dict[str, dict[str, float]] = {
    "resistant_vs_sensitive_cells": {"EGFR_K754": -1.2, "EGFR_K867": -1.1},
    "res_exo_treated_vs_untreated_cells": {"EGFR_K754": -1.1, "EGFR_K867": -1.0},
}

_CONTRAST_CONDITION = {
    "resistant_vs_sensitive_cells": "res_cells",
    "res_exo_treated_vs_untreated_cells": "sens_cells_res_exo",
}


def _protein_log2(table: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Per protein and sample, the mean log2 abundance of the sample's condition in its
    plex (the protein's level the diGly channel sees, free of the proteome's noise)."""
    values = np.log2(table.set_index("protein")[list(samples["sample"])])
    groups = samples.set_index("sample")[["plex", "condition"]]
    means = values.T.groupby([groups["plex"], groups["condition"]]).mean().T
    return pd.DataFrame({s: means[(groups.at[s, "plex"], groups.at[s, "condition"])]
                         for s in samples["sample"]})


def simulate_diglycine(rng: np.random.Generator, table: pd.DataFrame, samples: pd.DataFrame,
                       n_sites: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Simulate the diGly run.

    Parameters
    ----------
    rng
        Seeded random generator (its own, so the other files do not change).
    table, samples
        The simulated proteome (linear intensities) and its sample sheet.
    n_sites
        Number of background sites (on random proteins), besides the axis sites.

    Returns
    -------
    long, sheet, effects
        The MSstatsPTM long table, the diGly sample sheet (cells and references) and the
        planted per-molecule effects ``{contrast: {site: log2}}`` (axis and background).
    """
    sheet = samples[samples["compartment"].isin(["cell", "pool"])].reset_index(drop=True)
    protein = _protein_log2(table, sheet)
    background = [p for p in protein.index if p not in AXIS_SITES]
    chosen = rng.choice(len(background), size=n_sites, replace=False)
    sites = [(p, k) for p, ks in AXIS_SITES.items() for k in ks] + [
        (background[i], int(rng.integers(20, 1200))) for i in sorted(chosen)]
    names = [f"{p}_K{k}" for p, k in sites]
    names_unique = list(dict.fromkeys(names))
    sites = [sites[names.index(n)] for n in names_unique]
    effects = {c: dict(e) for c, e in PTM_EFFECTS.items()}
    n_axis = sum(len(positions) for positions in AXIS_SITES.values())
    measured = protein.notna().all(axis=1) & (protein.mean(axis=1) >= 19.0)
    eligible = [i for i in range(n_axis, len(sites)) if measured[sites[i][0]]]
    planted = rng.choice(eligible, size=8, replace=False)
    for i in planted:
        contrast = "res_exo_treated_vs_untreated_cells" if i % 2 else \
            "resistant_vs_sensitive_cells"
        size = float(round(rng.uniform(1.1, 1.6) * rng.choice([-1.0, 1.0]), 3))
        effects[contrast][names_unique[i]] = size
    stoichiometry = rng.normal(-3.5, 0.8, size=len(sites))
    rows = []
    for j, ((name, (gene, _)), offset) in enumerate(zip(zip(names_unique, sites, strict=True),
                                                        stoichiometry, strict=True)):
        level = protein.loc[gene].to_numpy() + offset
        for contrast, condition in _CONTRAST_CONDITION.items():
            level = level + np.where(sheet["condition"] == condition,
                                     effects[contrast].get(name, 0.0), 0.0)
        noisy = level + rng.normal(0.0, 0.15, size=len(sheet))
        for psm in range(1 + int(rng.random() < 0.5)):
            value = noisy + rng.normal(0.0, 0.3) + rng.normal(0.0, 0.08, size=len(sheet))
            missing = rng.random(len(sheet)) < 0.3 / (1 + np.exp(value - 14.5))
            for k, row in sheet.iterrows():
                rows.append({
                    "ProteinName": name, "PeptideSequence": f"DIGLY{j:04d}K",
                    "Charge": 2 + psm, "PSM": f"DIGLY{j:04d}K_{2 + psm}",
                    "Mixture": row["plex"], "TechRepMixture": 1, "Run": f"{row['plex']}_diGly",
                    "Channel": row["channel"], "Condition": row["condition"],
                    "BioReplicate": row["sample"],
                    "Intensity": np.nan if missing[k] or np.isnan(value[k])
                    else round(float(2.0 ** value[k]), 1)})
    return pd.DataFrame(rows), sheet, effects
