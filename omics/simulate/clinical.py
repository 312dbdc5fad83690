"""Simulated patient table and cell-viability dose-response of the built-in cohort.

Patients: TNBC on first-line gemcitabine-based chemotherapy with response category, baseline
serum exosomal ANXA6 (log-normal, lower in highly sensitive and higher in resistant patients),
tissue ANXA6 and EGFR IHC H-scores sharing a latent factor (Spearman rho about 0.5), and
progression-free survival that shortens with resistance.

Viability: a four-parameter logistic in gemcitabine dose per condition with planted IC50s:
resistant cells 10x the sensitive IC50, resistant exosomes shift sensitive cells towards
resistance, lapatinib (1 uM) lowers the resistant IC50.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CHECKERBOARD",
    "RESPONSE_LEVELS",
    "STAGE_LEVELS",
    "IC50_UM",
    "SERUM_ANXA6_LOG_MEAN",
    "simulate_checkerboard",
    "simulate_patients",
    "simulate_viability",
]

RESPONSE_LEVELS = ("highly_sensitive", "sensitive", "resistant")
STAGE_LEVELS = ("II", "III", "IV")
#: natural-log mean of serum exosomal ANXA6 (ng/mL) by response category
SERUM_ANXA6_LOG_MEAN = {"highly_sensitive": 1.5, "sensitive": 2.0, "resistant": 2.6}
_PFS_MEDIAN_MONTHS = {"highly_sensitive": 16.0, "sensitive": 10.0, "resistant": 5.0}
#: planted gemcitabine IC50 (uM) per condition; MDA-MB-231 ln IC50 in GDSC2 is 0.36
IC50_UM = {
    "sens_cells": 1.4,
    "res_cells": 14.0,
    "sens_cells_res_exo": 5.0,
    "res_cells_lapatinib": 3.0,
    "sens_cells_lapatinib": 1.2,
}
_DOSES_UM = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
#: Gemcitabine x lapatinib checkerboard on resistant cells. Lapatinib alone barely kills
#: (IC50 8 uM) but divides the gemcitabine IC50 by (1 + lapatinib / 0.5 uM): synergy, i.e.
#: positive Bliss excess and combination indices below 1.
CHECKERBOARD = {"gemcitabine_um": (0.0, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0),
                "lapatinib_um": (0.0, 0.1, 0.3, 1.0, 3.0), "lapatinib_ic50_um": 8.0,
                "gemcitabine_ic50_shift_um": 0.5}


def simulate_patients(rng: np.random.Generator, n_patients: int) -> pd.DataFrame:
    """One row per patient.

    Examples
    --------
    >>> table = simulate_patients(np.random.default_rng(0), 30)
    >>> table.shape
    (30, 9)
    """
    subjects = [f"PT{i:04d}" for i in range(1, n_patients + 1)]
    response = rng.choice(RESPONSE_LEVELS, size=n_patients, p=[0.3, 0.4, 0.3])
    serum = np.exp(
        np.array([SERUM_ANXA6_LOG_MEAN[r] for r in response])
        + rng.normal(0.0, 0.45, size=n_patients)
    )
    latent = rng.normal(0.0, 1.0, size=n_patients)
    resistant = (response == "resistant").astype(float)
    ihc_anxa6 = np.clip(150 + 45 * latent + 25 * resistant + rng.normal(0, 40, n_patients), 0, 300)
    ihc_egfr = np.clip(140 + 45 * latent + rng.normal(0, 45, n_patients), 0, 300)
    medians = np.array([_PFS_MEDIAN_MONTHS[r] for r in response])
    event_time = rng.exponential(medians / np.log(2))
    censor_time = rng.uniform(6.0, 36.0, size=n_patients)
    return pd.DataFrame(
        {
            "subject_id": subjects,
            "age": np.clip(np.round(rng.normal(52, 11, n_patients)), 28, 80).astype(int),
            "stage": rng.choice(STAGE_LEVELS, size=n_patients, p=[0.35, 0.45, 0.2]),
            "response": response,
            "serum_exo_anxa6_ng_ml": np.round(serum, 3),
            "ihc_anxa6_hscore": np.round(ihc_anxa6).astype(int),
            "ihc_egfr_hscore": np.round(ihc_egfr).astype(int),
            "pfs_months": np.round(np.minimum(event_time, censor_time), 2),
            "pfs_event": (event_time <= censor_time).astype(int),
        }
    )


def simulate_viability(rng: np.random.Generator, n_replicates: int = 3) -> pd.DataFrame:
    """Long table of viability (% of untreated) per condition, dose and replicate."""
    rows = []
    for condition, ic50 in IC50_UM.items():
        lapatinib = 1.0 if condition.endswith("lapatinib") else 0.0
        for dose in _DOSES_UM:
            expected = 5.0 + 95.0 / (1.0 + (dose / ic50) ** 1.0) if dose > 0 else 100.0
            for rep in range(1, n_replicates + 1):
                rows.append(
                    {
                        "condition": condition,
                        "lapatinib_um": lapatinib,
                        "gemcitabine_um": dose,
                        "replicate": rep,
                        "viability_pct": round(float(expected + rng.normal(0.0, 4.0)), 2),
                    }
                )
    return pd.DataFrame(rows)


def simulate_checkerboard(rng: np.random.Generator, n_replicates: int = 3) -> pd.DataFrame:
    """Viability (%) of resistant cells over the gemcitabine x lapatinib checkerboard."""
    rows = []
    base = IC50_UM["res_cells"]
    for lapatinib in CHECKERBOARD["lapatinib_um"]:
        ic50 = base / (1.0 + lapatinib / CHECKERBOARD["gemcitabine_ic50_shift_um"])
        alone = 1.0 / (1.0 + lapatinib / CHECKERBOARD["lapatinib_ic50_um"])
        for dose in CHECKERBOARD["gemcitabine_um"]:
            expected = 100.0 * alone / (1.0 + dose / ic50)
            for rep in range(1, n_replicates + 1):
                rows.append({"gemcitabine_um": dose, "lapatinib_um": lapatinib,
                             "replicate": rep,
                             "viability_pct": round(float(expected + rng.normal(0.0, 2.0)), 2)})
    return pd.DataFrame(rows)
