"""Exports for the ecosystem: result tables as Parquet, modalities as ``.h5ad``, and one
MuData ``.h5mu`` bundle of every modality (proteomics as samples x proteins, intensities on
the linear scale as stored, sample sheet in ``obs``).

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

import os
import warnings
from pathlib import Path

import anndata as ad

from omics.io.anndata_convert import dataset_to_anndata
from omics.store import layout
from omics.store.reader import open_proteomics, open_transcriptomics
from omics.store.results import read_result, result_names

__all__ = ["export_modalities", "export_parquet", "proteomics_anndata"]


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
            read_result(store, analysis, name).to_parquet(path, index=False)
            written.append(path)
    return written


def proteomics_anndata(store: str | Path) -> ad.AnnData:
    """The proteomics group as AnnData (samples x proteins; gene and other feature
    coordinates in ``var``, the sample sheet in ``obs``)."""
    adata = dataset_to_anndata(open_proteomics(store).load())
    adata.uns.pop("provenance", None)
    return adata


def export_modalities(store: str | Path, out_dir: str | Path) -> list[Path]:
    """Each modality as ``<name>.h5ad`` and all of them as ``study.h5mu`` in ``out_dir``."""
    import mudata

    store, out = Path(store), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    modalities: dict[str, ad.AnnData] = {}
    if (store / layout.PROTEOMICS / "zarr.json").exists():
        modalities["proteomics"] = proteomics_anndata(store)
    folder = store / layout.TRANSCRIPTOMICS
    for name in sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() \
            else []:
        adata = open_transcriptomics(store, name)
        adata.uns.pop("provenance", None)
        modalities[name] = adata
    written = [_complete_or_absent(out / f"{name}.h5ad", adata.write_h5ad)
               for name, adata in modalities.items()]
    if modalities:
        with mudata.set_options(pull_on_update=False), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # gene names shared by modalities
            written.append(_complete_or_absent(out / "study.h5mu",
                                               mudata.MuData(modalities).write))
    return written


def _complete_or_absent(path: Path, write) -> Path:
    """``write(partial)`` to a hidden sibling, then rename it to ``path``."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
