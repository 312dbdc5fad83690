"""Modalities as analysis-ready AnnData: what the differential analysis saw, with its results.

For each modality the exported AnnData holds the analysed samples (the plan's selection,
e.g. without TMT reference channels) and:

* ``X``: the analysed values on the log scale (proteomics: log2 after the plan's
  normalisation; counts: log-CPM on TMM-effective library sizes, as voom and limma-trend
  see them), with missing values imputed by a down-shifted normal (Perseus' default: shift
  1.8 SD, width 0.3 SD, seed 0) so that ``scanpy.pp.pca`` and other tools run;
* ``layers["analysed"]``: the same values with missing values kept missing;
  ``layers["raw"]``: the values as read (linear intensities or counts);
* ``var``: feature annotation plus each contrast's results as ``<variable>__<contrast>``
  (``log2_fc``, ``ci_low``, ``ci_high``, ``t``, ``p_value``, ``fdr``, ``b``);
* ``obs``: the sample sheet, and the clinical columns of each sample's subject;
* ``uns["omics"]``: what ``X`` is, the number imputed, the analysis plan and the store's
  provenance (JSON text).

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> from omics.io.study import load_study
>>> from omics.steps.ingest import ingest_study
>>> from omics.steps.analysis import differential_proteomics
>>> d = tempfile.mkdtemp()
>>> study = load_study(simulate_cohort(d, scale="small"))
>>> store = ingest_study(study.path, d + "/s.zarr")
>>> _ = differential_proteomics(store, study.analysis.proteomics)
>>> adata = analysis_ready(store, "proteomics")
>>> bool(adata.obs["reference"].any()), bool(np.isnan(adata.X).any())
(False, False)
>>> "fdr__resistant_vs_sensitive_cells" in adata.var
True
"""

from __future__ import annotations

import json
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
import xarray as xr

from omics.preprocess.impute import impute_down_shifted
from omics.steps.analysis import (
    DIFFERENTIAL_PROTEOMICS,
    analysed_expression,
    differential_transcriptomics_name,
    modality_scale,
    normalised_proteomics,
    recorded_plan,
)
from omics.store import layout
from omics.store.reader import open_proteomics, open_transcriptomics
from omics.store.results import open_differential, result_names

__all__ = ["analysis_ready"]

#: Per-contrast result variables copied into ``var``.
RESULT_VARIABLES = ("log2_fc", "ci_low", "ci_high", "t", "p_value", "fdr", "b")


def _analysed(store: Path, modality: str) -> tuple[xr.DataArray, pd.DataFrame, ad.AnnData,
                                                     str, str]:
    """Analysed values (feature x sample), their samples, the raw AnnData restricted to
    them, the differential analysis name and what the values are."""
    if modality == "proteomics":
        values, samples = normalised_proteomics(store)
        data = open_proteomics(store)
        raw = ad.AnnData(np.asarray(data["intensity"].sel(sample=samples.index.to_numpy(),
                                                         feature=values["feature"].values)
                                    .transpose("sample", "feature").values),
                         obs=samples.copy(), var=_feature_frame(data, values))
        return values, samples, raw, DIFFERENTIAL_PROTEOMICS, "log2 intensity, normalised"
    values, samples = analysed_expression(store, modality)
    adata = open_transcriptomics(store, modality)
    raw = adata[samples.index.astype(str), np.asarray(values["feature"].values).astype(str)]
    raw = raw.to_memory() if raw.isbacked else raw.copy()
    scale = modality_scale(adata)
    described = "log2 CPM (TMM-effective library sizes)" if scale == "counts" \
        else f"log2 values (declared scale {scale})"
    return values, samples, raw, differential_transcriptomics_name(modality), described


def _feature_frame(data: xr.Dataset, values: xr.DataArray) -> pd.DataFrame:
    features = np.asarray(values["feature"].values).astype(str)
    columns = {name: np.asarray(coord.sel(feature=values["feature"].values).values)
               for name, coord in data.coords.items()
               if coord.dims == ("feature",) and name != "feature"}
    return pd.DataFrame(columns, index=pd.Index(features, name=None))


def _results(store: Path, analysis: str, features: np.ndarray) -> pd.DataFrame:
    if not result_names(store, analysis):
        return pd.DataFrame(index=features)
    results = open_differential(store, analysis).reindex(feature=features)
    columns = {}
    for contrast in np.asarray(results["contrast"].values).astype(str):
        for variable in RESULT_VARIABLES:
            if variable in results:
                columns[f"{variable}__{contrast}"] = np.asarray(
                    results[variable].sel(contrast=contrast).values, dtype=float)
    return pd.DataFrame(columns, index=features)


def analysis_ready(store: str | Path, modality: str) -> ad.AnnData:
    """One modality of ``store`` (``"proteomics"`` or a transcriptomics name) as an
    analysis-ready AnnData (see the module docstring)."""
    store = Path(store)
    values, samples, raw, analysis, described = _analysed(store, modality)
    values = values.transpose("feature", "sample")
    analysed = np.asarray(values.values, dtype=np.float64)
    missing = ~np.isfinite(analysed)
    filled = np.asarray(impute_down_shifted(values).values) if missing.any() else analysed
    features = np.asarray(values["feature"].values).astype(str)
    var = raw.var.copy()
    var.index = features
    var = var.join(_results(store, analysis, features))
    obs = samples.copy()
    obs.index = obs.index.astype(str)
    plan = recorded_plan(store, analysis)
    provenance = raw.uns.get("provenance", {})
    adata = ad.AnnData(
        X=filled.T.copy(), obs=obs, var=var,
        layers={"analysed": analysed.T.copy(), "raw": np.asarray(
            raw.X.toarray() if hasattr(raw.X, "toarray") else raw.X, dtype=np.float64)},
        uns={"omics": {
            "X": f"{described}; {int(missing.sum()):,} missing values imputed (down-shifted "
                 "normal, shift 1.8 SD, width 0.3 SD, seed 0); layers['analysed'] keeps them "
                 "missing, layers['raw'] holds the values as read",
            "n_imputed": int(missing.sum()),
            "modality": modality,
            "store_group": layout.PROTEOMICS if modality == "proteomics"
            else layout.transcriptomics_group(modality),
            "analysis": json.dumps(plan.model_dump(mode="json") if plan else None),
            "provenance": json.dumps(provenance, default=str),
        }})
    return adata
