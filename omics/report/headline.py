"""The key numbers at the top of the report, read from the store's result tables: hits per
differential contrast, the biomarker's ROC AUC, survival by biomarker group and the
dose-response ratios, each with its interval.

Examples
--------
>>> import tempfile
>>> from omics.store.writer import create_store
>>> store = tempfile.mkdtemp() + "/s.zarr"
>>> _ = create_store(store, study_name="demo")
>>> headline_numbers(store)
[]
"""

from __future__ import annotations

from pathlib import Path

from omics.pl.labels import readable, significant
from omics.steps.summary import differential_analyses
from omics.store.results import read_result, recorded_parameters, result_names

__all__ = ["headline_numbers"]

#: Differential contrasts shown as headline tiles (the rest are in their section).
MAX_CONTRAST_TILES = 4


def _differential_tiles(store: Path) -> list[dict]:
    tiles = []
    for analysis in differential_analyses(store):
        for contrast in result_names(store, analysis):
            table = read_result(store, analysis, contrast)
            level = recorded_parameters(store, analysis, contrast).get("fdr_level") or 0.05
            tested = int(table["p_value"].notna().sum())
            hits = int((table["fdr"] < level).sum())
            kind = "proteins" if analysis.endswith("proteomics") else "genes"
            tiles.append({"value": f"{hits:,} of {tested:,}",
                          "label": f"{kind} at FDR < {level:g}: {contrast.replace('_', ' ')}"})
    return tiles[:MAX_CONTRAST_TILES]


def _clinical_tiles(store: Path) -> list[dict]:
    names = result_names(store, "clinical")
    tiles = []
    if "roc" in names:
        roc = read_result(store, "clinical", "roc").iloc[0]
        tiles.append({"value": f"AUC {roc['auc']:.2f} ({roc['ci_low']:.2f}–{roc['ci_high']:.2f})",
                      "label": f"{readable(roc['biomarker'])} predicting response "
                               f"(95% CI, {roc['ci_method']})"})
    if "kaplan_meier" in names:
        km = read_result(store, "clinical", "kaplan_meier").set_index("group")
        if {"high", "low"} <= set(km.index):
            tiles.append({"value": f"{km.at['high', 'median_months']:.3g} vs "
                                   f"{km.at['low', 'median_months']:.3g} months",
                          "label": "median survival, biomarker high vs low (log-rank p "
                                   f"{significant(km.at['high', 'logrank_p'], 2)})"})
    return tiles


def _dose_tiles(store: Path) -> list[dict]:
    if "ratios" not in result_names(store, "dose_response"):
        return []
    ratios = read_result(store, "dose_response", "ratios")
    return [{"value": f"{row.ratio:.3g}× ({row.ci_low:.3g}–{row.ci_high:.3g})",
             "label": f"{row.ratio_name.replace('_', ' ')}: IC50 {row.numerator} / "
                      f"{row.denominator} (95% CI)"}
            for row in ratios.itertuples()]


def headline_numbers(store: str | Path) -> list[dict]:
    """``[{"value": "AUC 0.91 (0.86–0.97)", "label": "..."}]`` for every analysis in the
    store that has a headline number."""
    store = Path(store)
    return [*_differential_tiles(store), *_clinical_tiles(store), *_dose_tiles(store)]
