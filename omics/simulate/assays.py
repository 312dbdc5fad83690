"""Simulated mechanism assays of the seed study, as one tidy assay table.

Planted (see :data:`MECHANISM_TRUTH`):

* CHX chase of EGFR (EGFR / GAPDH densitometry at 0-12 h): half-life 2.0 h in sensitive
  cells, 5.8 h with resistant-cell exosomes, 2.3 h when those exosomes come from
  ANXA6-knock-down cells (degradation restored).
* Westerns of steady-state EGFR: ANXA6 over-expression in sensitive cells raises EGFR 1.9x;
  ANXA6 knock-down in resistant cells lowers it to 0.45x.
* Colony formation under gemcitabine, exosome x lapatinib: resistant-cell exosomes 1.8x
  colonies, lapatinib alone 0.9x, and the interaction 0.55x (lapatinib reverses the
  exosomes' protection); negative binomial wells.
* Annexin V apoptosis under gemcitabine, exosome x lapatinib: exosomes odds ratio 0.45,
  lapatinib alone 1.1, interaction 2.0 (apoptosis restored); over-dispersed wells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ASSAY_CONDITIONS", "MECHANISM_TRUTH", "simulate_assays"]

MECHANISM_TRUTH = {
    "chase_half_life_h": {"sens_cells": 2.0, "sens_cells_res_exo": 5.8,
                          "sens_cells_res_exo_siANXA6": 2.3},
    "western_fold_change": {"sens_anxa6_oe": 1.9, "res_sianxa6": 0.45},
    "colony_rate_ratio": {"exosome[T.res]": 1.8, "lapatinib[T.yes]": 0.9,
                          "exosome[T.res]:lapatinib[T.yes]": 0.55},
    "apoptosis_odds_ratio": {"exosome[T.res]": 0.45, "lapatinib[T.yes]": 1.1,
                             "exosome[T.res]:lapatinib[T.yes]": 2.0},
}

#: Levels of the table's ``condition`` column, references first within each assay.
ASSAY_CONDITIONS = ["sens_cells", "sens_cells_res_exo", "sens_cells_res_exo_siANXA6",
                    "sens_vector", "sens_anxa6_oe", "res_sicontrol", "res_sianxa6",
                    "sens_cells_gemcitabine"]


def _chase(rng: np.random.Generator) -> list[dict]:
    rows = []
    for condition, half_life in MECHANISM_TRUTH["chase_half_life_h"].items():
        for replicate in range(1, 4):
            for time in (0, 1, 2, 4, 8, 12):  # long enough for the slow decay
                loading = rng.lognormal(np.log(500), 0.08)
                rows.append({"assay": "chx_egfr", "condition": condition,
                             "replicate": replicate, "time": time,
                             "readout": round(2000 * 2 ** (-time / half_life) * loading / 500
                                              * rng.lognormal(0, 0.1), 1),
                             "loading_control": round(loading, 1)})
    return rows


def _westerns(rng: np.random.Generator) -> list[dict]:
    rows = []
    for assay, (reference, changed) in {"western_egfr_oe": ("sens_vector", "sens_anxa6_oe"),
                                        "western_egfr_kd": ("res_sicontrol", "res_sianxa6")
                                        }.items():
        for replicate in range(1, 5):
            blot = rng.lognormal(0, 0.3)  # exposure differs between blots
            for condition, fold in ((reference, 1.0),
                                    (changed, MECHANISM_TRUTH["western_fold_change"][changed])):
                loading = rng.lognormal(np.log(800), 0.1)
                rows.append({"assay": assay, "condition": condition, "replicate": replicate,
                             "readout": round(1500 * fold * blot * loading / 800
                                              * rng.lognormal(0, 0.12), 1),
                             "loading_control": round(loading * blot, 1)})
    return rows


def _two_factor(rng: np.random.Generator) -> list[dict]:
    colony, apoptosis = MECHANISM_TRUTH["colony_rate_ratio"], \
        MECHANISM_TRUTH["apoptosis_odds_ratio"]
    rows = []
    for exosome in ("none", "res"):
        for lapatinib in ("no", "yes"):
            terms = [t for t, on in (("exosome[T.res]", exosome == "res"),
                                     ("lapatinib[T.yes]", lapatinib == "yes"),
                                     ("exosome[T.res]:lapatinib[T.yes]",
                                      exosome == "res" and lapatinib == "yes")) if on]
            mean = 60 * np.prod([colony[t] for t in terms])
            odds = 0.35 / 0.65 * np.prod([apoptosis[t] for t in terms])
            for well in range(1, 7):
                rows.append({"assay": "colony_gem", "condition": "sens_cells_gemcitabine",
                             "exosome": exosome, "lapatinib": lapatinib, "replicate": well,
                             "readout": int(rng.negative_binomial(20, 20 / (20 + mean)))})
                total = int(rng.integers(8000, 12000))
                well_odds = odds * rng.lognormal(0, 0.15)
                rows.append({"assay": "annexin_gem", "condition": "sens_cells_gemcitabine",
                             "exosome": exosome, "lapatinib": lapatinib, "replicate": well,
                             "readout": int(rng.binomial(total, well_odds / (1 + well_odds))),
                             "total": total})
    return rows


def simulate_assays(rng: np.random.Generator) -> pd.DataFrame:
    """The tidy assay table: ``assay, condition, exosome, lapatinib, replicate, time,
    readout, loading_control, total`` (empty where a column does not apply)."""
    columns = ["assay", "condition", "exosome", "lapatinib", "replicate", "time", "readout",
               "loading_control", "total"]
    table = pd.DataFrame(_chase(rng) + _westerns(rng) + _two_factor(rng))
    return table.reindex(columns=columns).astype({"replicate": int})
