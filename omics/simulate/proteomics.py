"""Simulated TMT11 proteomics of sensitive/resistant cells, their exosomes and treated cells.

Log2 reporter intensities follow the real TMT10 set PXD013277 (median 20.6, IQR 18.7-22.6);
biological replicate SD around 0.25 log2 units with limma-like variance heterogeneity; a
per-protein plex effect and per-channel loading differences; one pooled reference channel per
plex; missing values left-censored (whole-plex dropouts and single values, far more frequent at
low abundance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CONDITIONS", "TMT11_CHANNELS", "REFERENCE_CHANNEL", "simulate_tmt"]

TMT11_CHANNELS = (
    "126", "127N", "127C", "128N", "128C", "129N", "129C", "130N", "130C", "131N", "131C",
)
REFERENCE_CHANNEL = "126"

#: Well-quantified axis proteins get a fixed abundance (log2) and a typical replicate SD, so
#: that the planted mechanism does not hinge on one unlucky variance draw.
_AXIS_PROTEINS = {"ANXA6": 21.0, "EGFR": 22.5, "CBL": 21.5}
_AXIS_RESIDUAL_SD = 0.22

#: condition -> compartment
CONDITIONS: dict[str, str] = {
    "sens_cells": "cell",
    "res_cells": "cell",
    "sens_cells_res_exo": "cell",
    "sens_exo": "exosome",
    "res_exo": "exosome",
}

_CONTRAST_CONDITION = {
    "resistant_vs_sensitive_cells": "res_cells",
    "resistant_vs_sensitive_exosomes": "res_exo",
    "res_exo_treated_vs_untreated_cells": "sens_cells_res_exo",
}


def simulate_tmt(
    rng: np.random.Generator,
    proteins: list[str],
    effects: dict[str, dict[str, float]],
    exosome_markers: list[str],
    n_plexes: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a multi-plex TMT11 experiment.

    Parameters
    ----------
    rng
        Seeded random generator.
    proteins
        Feature names (gene symbols or synthetic names).
    effects
        ``{contrast: {protein: log2 fold change}}`` with the contrasts of
        :data:`omics.simulate.effects.CONTRASTS`.
    exosome_markers
        Proteins enriched in exosomes over cells.
    n_plexes
        Number of TMT11 plexes; each holds every condition twice plus the pooled reference.

    Returns
    -------
    table, samples
        ``table``: one row per protein, columns ``protein``, ``gene`` and one linear-scale
        intensity column per plex channel (``P1_127N`` ...), NaN where missing.
        ``samples``: the sample sheet (``sample, plex, channel, condition, compartment,
        replicate, culture, reference``).
    """
    n = len(proteins)
    index = {p: i for i, p in enumerate(proteins)}
    baseline = rng.normal(20.6, 2.9, size=n)
    compartment_shift = rng.normal(0.0, 0.8, size=n)
    for marker in exosome_markers:
        compartment_shift[index[marker]] = rng.uniform(2.5, 3.5)
    residual_sd = 0.25 * np.sqrt(6.0 / rng.chisquare(6.0, size=n))
    for protein, abundance in _AXIS_PROTEINS.items():
        if protein in index:
            baseline[index[protein]] = abundance
            residual_sd[index[protein]] = _AXIS_RESIDUAL_SD

    condition_mean = {}
    for condition, compartment in CONDITIONS.items():
        mean = baseline + (compartment_shift if compartment == "exosome" else 0.0)
        condition_mean[condition] = mean
    for contrast, condition in _CONTRAST_CONDITION.items():
        delta = np.zeros(n)
        for protein, lfc in effects.get(contrast, {}).items():
            delta[index[protein]] = lfc
        condition_mean[condition] = condition_mean[condition] + delta

    columns: dict[str, np.ndarray] = {}
    rows = []
    replicate_counter = dict.fromkeys(CONDITIONS, 0)
    for plex in range(1, n_plexes + 1):
        plex_name = f"P{plex}"
        plex_offset = rng.normal(0.0, 0.3, size=n) + rng.normal(0.0, 0.4)
        plex_missing = rng.random(n) < _logistic((16.8 - baseline) / 0.7)
        channels = iter(TMT11_CHANNELS[1:])
        plex_values = []
        for condition, compartment in CONDITIONS.items():
            for _ in range(2):
                replicate_counter[condition] += 1
                rep = replicate_counter[condition]
                channel = next(channels)
                loading = rng.normal(0.0, 0.15)
                log2 = (
                    condition_mean[condition] + plex_offset + loading
                    + rng.normal(0.0, residual_sd)
                )
                plex_values.append(log2)
                sample = f"{plex_name}_{channel}"
                columns[sample] = log2
                rows.append(
                    {
                        "sample": sample, "plex": plex_name, "channel": channel,
                        "condition": condition, "compartment": compartment, "replicate": rep,
                        "culture": f"{condition}_{rep}" if compartment == "cell" else "",
                        "reference": False,
                    }
                )
        pooled = np.log2(np.mean(np.exp2(np.vstack(plex_values)), axis=0))
        reference = f"{plex_name}_{REFERENCE_CHANNEL}"
        columns[reference] = pooled + rng.normal(0.0, 0.05, size=n)
        rows.append(
            {
                "sample": reference, "plex": plex_name, "channel": REFERENCE_CHANNEL,
                "condition": "pool", "compartment": "pool", "replicate": 0, "culture": "",
                "reference": True,
            }
        )
        plex_samples = [c for c in columns if c.startswith(f"{plex_name}_")]
        for sample in plex_samples:
            values = columns[sample]
            single_missing = rng.random(n) < 0.25 * _logistic((17.5 - values) / 0.6)
            columns[sample] = np.where(plex_missing | single_missing, np.nan, values)

    samples = pd.DataFrame(rows)
    samples = samples.set_index("sample").loc[list(columns)].reset_index()
    intensities = pd.DataFrame({k: np.round(np.exp2(v), 1) for k, v in columns.items()})
    table = pd.concat(
        [pd.DataFrame({"protein": proteins, "gene": proteins}), intensities], axis=1
    )
    return table, samples


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
