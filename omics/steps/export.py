"""Exports for the ecosystem: result tables as Parquet, modalities as analysis-ready
``.h5ad`` (:mod:`omics.steps.analysis_ready`), and one MuData ``.h5mu`` bundle of every
modality with observation names shared across modalities (MOFA / muon ready).

Examples
--------
>>> import tempfile, pathlib
>>> from omics.simulate import simulate_cohort
>>> from omics.steps.ingest import ingest_study
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> store = ingest_study(simulate_cohort(d / "c", scale="small"), d / "s.zarr")
>>> written = export_modalities(store, d / "out")
>>> sorted(p.name for p in written)
['cells.h5ad', 'proteomics.h5ad', 'study.h5mu', 'tumours.h5ad']
"""

from __future__ import annotations

import warnings
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd

from omics.io.anndata_convert import study_mudata
from omics.stats.selection import paired_keys, select_samples
from omics.steps.analysis_ready import analysis_ready
from omics.steps.factors import FACTORS, factor_matrix
from omics.steps.sample_map import SAMPLE_MAP
from omics.steps.summary import export_table
from omics.store import layout
from omics.store.atomic import replaced_on_success
from omics.store.reader import open_table
from omics.store.results import recorded_parameters, result_names

__all__ = ["export_modalities", "export_parquet", "shared_obs_names"]


def export_parquet(store: str | Path, out_dir: str | Path) -> list[Path]:
    """Every result table as ``<analysis>__<name>.parquet`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    results = Path(store) / layout.RESULTS
    for analysis in sorted(p.name for p in results.iterdir() if p.is_dir()) \
            if results.exists() else []:
        for name in result_names(store, analysis):
            path = out / f"{analysis}__{name}.parquet"
            export_table(store, analysis, name).to_parquet(path, index=False)
            written.append(path)
    return written


def _modality_names(store: Path) -> list[str]:
    names = ["proteomics"] if (store / layout.PROTEOMICS / "zarr.json").exists() else []
    folder = store / layout.TRANSCRIPTOMICS
    return names + (sorted(p.name for p in folder.iterdir() if (p / "zarr.json").exists())
                    if folder.exists() else [])


def _with_clinical(store: Path, modalities: dict[str, ad.AnnData]) -> dict[str, ad.AnnData]:
    """Each modality with its samples' subjects (the sample map) and their clinical
    columns in ``obs``."""
    if not (store / SAMPLE_MAP / "zarr.json").exists():
        return modalities
    sample_map = open_table(store, SAMPLE_MAP)
    clinical = open_table(store, layout.CLINICAL) \
        if (store / layout.CLINICAL / "zarr.json").exists() else None
    joined = {}
    for name, adata in modalities.items():
        group = layout.PROTEOMICS if name == "proteomics" else \
            layout.transcriptomics_group(name)
        subjects = sample_map[sample_map["modality"] == group].set_index("sample")["subject"]
        if len(subjects) and "subject_id" not in adata.obs:
            adata.obs["subject_id"] = subjects.reindex(adata.obs_names).to_numpy()
        joined[name] = adata
    mdata = study_mudata(joined, clinical, "subject_id")
    return {name: mdata[name].copy() for name in joined}


def _with_factors(store: Path, modalities: dict[str, ad.AnnData]) -> dict[str, ad.AnnData]:
    """Each modality of the MOFA+ model with its samples' factor scores in
    ``obsm["X_mofa"]`` (NaN for samples the model left out) and the variance each factor
    explains of it in ``uns["mofa_variance"]``."""
    if "scores" not in result_names(store, FACTORS):
        return modalities
    plan = recorded_parameters(store, FACTORS, "scores")
    scores = factor_matrix(store, "scores", "sample", "score")
    variance = factor_matrix(store, "variance", "view", "r2")
    for name in plan.get("modalities", []):
        adata = modalities.get(name)
        if adata is None:
            continue
        obs = adata.obs
        chosen = select_samples(obs, plan.get("samples", {}).get(name)).to_numpy()
        pair_by = plan.get("pair_by") if plan.get("pair_by") in obs else None
        keys = np.full(len(obs), np.nan, dtype=object)  # by position: names may repeat
        keys[chosen] = paired_keys(obs[chosen], pair_by).to_numpy()
        adata.obsm["X_mofa"] = scores.reindex(keys).to_numpy(dtype=np.float64)
        adata.uns["mofa_variance"] = variance.loc[name, scores.columns].to_numpy()
    return modalities


def _pairing(store: Path) -> dict[str, tuple[str, pd.Series | None]]:
    """``{modality: (obs column, samples it may name)}``: how samples of different
    modalities are the same biological sample, from the store's subjects and the recorded
    protein-mRNA pairing."""
    pairing: dict[str, tuple[str, pd.Series | None]] = {}
    if "correlation" in result_names(store, "protein_mrna"):
        plan = recorded_parameters(store, "protein_mrna", "correlation")
        if plan.get("pair_by"):
            protein = plan.get("protein_modality") or "proteomics"
            pairing[protein] = (plan["pair_by"], plan.get("protein_samples"))
            pairing[plan["rna_modality"]] = (plan["pair_by"], None)
    return pairing


def shared_obs_names(adata: ad.AnnData, column: str, selection: str | None = None
                     ) -> pd.Index:
    """Observation names that modalities share: the value of ``column`` (a subject, a
    culture) for the samples ``selection`` keeps when that value names one sample only,
    the sample id otherwise.

    Examples
    --------
    >>> obs = pd.DataFrame({"culture": ["c1", "c1", "c2"], "part": ["cell", "exo", "cell"]},
    ...                    index=["s1", "s2", "s3"])
    >>> list(shared_obs_names(ad.AnnData(obs=obs), "culture", "part == 'cell'"))
    ['c1', 's2', 'c2']
    """
    obs = adata.obs
    if column not in obs:
        return pd.Index(adata.obs_names)
    chosen = select_samples(obs, selection).to_numpy() & obs[column].notna().to_numpy()
    keys = np.full(len(obs), np.nan, dtype=object)  # by position: names may repeat
    keys[chosen] = paired_keys(obs[chosen], column).to_numpy()
    names = pd.Index(np.where(pd.notna(keys), keys, adata.obs_names).astype(str))
    return names if names.is_unique else pd.Index(adata.obs_names)


def export_modalities(store: str | Path, out_dir: str | Path) -> list[Path]:
    """Each modality as an analysis-ready ``<name>.h5ad``
    (:func:`omics.steps.analysis_ready.analysis_ready`: analysed log values in ``X``, raw
    values in ``layers``, results in ``var``, clinical columns in ``obs``) and all of them
    as ``study.h5mu``, whose modalities share observation names where samples are the same
    subject (the sample map) or the same culture (the protein-mRNA ``pair_by``); each
    sample id stays in ``obs["sample"]``. Modalities of the MOFA+ model carry its factor
    scores in ``obsm["X_mofa"]``."""
    import mudata

    store, out = Path(store), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    modalities = _with_factors(store, _with_clinical(store, {
        name: analysis_ready(store, name) for name in _modality_names(store)}))
    written = []
    for name, adata in modalities.items():
        with replaced_on_success(out / f"{name}.h5ad") as partial:
            adata.write_h5ad(partial)
        written.append(out / f"{name}.h5ad")
    pairing = _pairing(store)
    for name, adata in modalities.items():
        adata.obs["sample"] = adata.obs_names.astype(str)
        column, selection = pairing.get(name, ("subject_id", None))
        adata.obs_names = shared_obs_names(adata, column, selection)
    if modalities:
        with mudata.set_options(pull_on_update=False), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # gene names shared by modalities
            with replaced_on_success(out / "study.h5mu") as partial:
                mudata.MuData(modalities).write(partial)
            written.append(out / "study.h5mu")
    return written
