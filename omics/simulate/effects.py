"""Planted truth of the built-in cohort: which features change, by how much, in which contrast.

The cohort mirrors the seed study (exosomal ANXA6 from gemcitabine-resistant TNBC cells binds
EGFR and blocks its CBL-mediated degradation):

* ANXA6 protein up in resistant cells (log2 +1.3) and more in their exosomes (+2.2); sensitive
  cells treated with resistant-cell exosomes take it up (+0.8) without transcribing it.
* EGFR protein up in resistant cells (+0.9) and in exosome-treated sensitive cells (+0.7) while
  its mRNA is flat: stabilisation, not transcription.
* Gemcitabine metabolism and apoptosis genes with known resistance-associated changes
  (RRM1/RRM2/CDA/NT5C2/DCTD up, DCK/SLC29A1/CMPK1 down; BCL2/MCL1/BCL2L1/XIAP up,
  BAX/BAK1/CASP9 down), in protein and mRNA: the two gene sets the pathway analysis must
  find enriched.
* A random share of background proteins with true effects; every other feature is a true null.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CONTRASTS",
    "PROTEIN_EFFECTS",
    "MRNA_EFFECTS",
    "ScaleSpec",
    "SCALES",
    "background_effects",
]

#: Contrasts of the cell and exosome proteome, as coefficient expressions of the design
#: ``~ 0 + condition + plex``.
CONTRASTS: dict[str, str] = {
    "resistant_vs_sensitive_cells": "condition[res_cells] - condition[sens_cells]",
    "resistant_vs_sensitive_exosomes": "condition[res_exo] - condition[sens_exo]",
    "res_exo_treated_vs_untreated_cells": "condition[sens_cells_res_exo] - condition[sens_cells]",
}

#: Named protein effects (log2 fold change) per contrast.
PROTEIN_EFFECTS: dict[str, dict[str, float]] = {
    "resistant_vs_sensitive_cells": {
        "ANXA6": 1.3, "EGFR": 0.9, "RRM1": 1.0, "RRM2": 0.8, "CDA": 0.7, "DCK": -1.0,
        "SLC29A1": -0.8, "NT5C2": 0.7, "DCTD": 0.6, "CMPK1": -0.7, "BCL2": 0.7, "MCL1": 0.6,
        "BCL2L1": 0.7, "XIAP": 0.6, "BAX": -0.6, "BAK1": -0.7, "CASP9": -0.6,
    },
    "resistant_vs_sensitive_exosomes": {"ANXA6": 2.2},
    "res_exo_treated_vs_untreated_cells": {"ANXA6": 0.8, "EGFR": 0.7},
}

#: Named mRNA effects (log2 fold change) in cells, keyed like the protein contrasts.
MRNA_EFFECTS: dict[str, dict[str, float]] = {
    "resistant_vs_sensitive_cells": {
        "ANXA6": 1.0, "EGFR": 0.0, "RRM1": 0.9, "RRM2": 0.7, "CDA": 0.6, "DCK": -0.9,
        "SLC29A1": -0.7, "NT5C2": 0.6, "DCTD": 0.5, "CMPK1": -0.6, "BCL2": 0.6, "MCL1": 0.5,
        "BCL2L1": 0.6, "XIAP": 0.5, "BAX": -0.5, "BAK1": -0.6, "CASP9": -0.5,
    },
    "res_exo_treated_vs_untreated_cells": {"ANXA6": 0.0, "EGFR": 0.0},
}


@dataclass(frozen=True)
class ScaleSpec:
    """Sizes of one cohort scale."""

    n_background_proteins: int
    n_plexes: int
    n_rna_only_genes: int
    n_patients: int


SCALES: dict[str, ScaleSpec] = {
    "small": ScaleSpec(n_background_proteins=600, n_plexes=2, n_rna_only_genes=200, n_patients=90),
    "default": ScaleSpec(
        n_background_proteins=3500, n_plexes=3, n_rna_only_genes=2000, n_patients=140
    ),
    # the scaling curve (benchmarks/scaling.py): ~10k proteins x 99 channels, ~15k genes x
    # 500 tumours; then ~20k proteins x 198 channels, ~20k genes x 1,000 tumours
    "large": ScaleSpec(
        n_background_proteins=10_000, n_plexes=9, n_rna_only_genes=5_000, n_patients=500
    ),
    "xlarge": ScaleSpec(
        n_background_proteins=20_000, n_plexes=18, n_rna_only_genes=0, n_patients=1_000
    ),
}


def background_effects(
    rng: np.random.Generator, names: list[str], share: float
) -> dict[str, float]:
    """Draw true effects for a random ``share`` of background features.

    Effect sizes are uniform in 0.6-1.5 log2 units with a random sign.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> eff = background_effects(rng, [f"SYN{i:05d}" for i in range(100)], 0.1)
    >>> len(eff), all(0.6 <= abs(v) <= 1.5 for v in eff.values())
    (10, True)
    """
    n = int(round(share * len(names)))
    chosen = rng.choice(len(names), size=n, replace=False)
    sizes = rng.uniform(0.6, 1.5, size=n) * rng.choice([-1.0, 1.0], size=n)
    return {names[i]: float(round(s, 3)) for i, s in zip(sorted(chosen), sizes, strict=True)}
