"""Open a whole study store as one MuData (``ox.read_store``)."""

from __future__ import annotations

from pathlib import Path

from omics.io.anndata_convert import dataset_to_anndata, study_mudata
from omics.store import layout
from omics.store.reader import open_proteomics, open_table, open_transcriptomics, require_store

__all__ = ["read_store"]


def read_store(path: str | Path, *, lazy: bool = True, subject_column: str = "subject_id"):
    """Every modality of a study store as one MuData.

    Parameters
    ----------
    path
        The study store (``study.zarr``).
    lazy
        Keep the proteomics matrix dask-backed (read chunk by chunk when computed).
    subject_column
        The ``obs`` column linking samples to clinical subjects.

    Returns
    -------
    mudata.MuData
        ``proteomics`` (linear intensities as stored, samples x proteins) and one modality per
        transcriptomics group; the clinical columns joined onto each modality's ``obs`` by
        subject, and the clinical table in ``uns["clinical"]``.

    Examples
    --------
    >>> import tempfile
    >>> from omics.simulate import simulate_cohort
    >>> from omics.steps.ingest import ingest_study
    >>> d = tempfile.mkdtemp()
    >>> mdata = read_store(ingest_study(simulate_cohort(d, scale="small"), d + "/s.zarr"))
    >>> mdata["proteomics"].X.chunks is not None
    True
    """
    store = require_store(Path(path))
    modalities = {}
    if (store / layout.PROTEOMICS / "zarr.json").exists():
        modalities["proteomics"] = dataset_to_anndata(open_proteomics(store), lazy=lazy)
    folder = store / layout.TRANSCRIPTOMICS
    for name in sorted(p.name for p in folder.iterdir() if (p / "zarr.json").exists()) \
            if folder.exists() else []:
        modalities[name] = open_transcriptomics(store, name)
    clinical = open_table(store, layout.CLINICAL) \
        if (store / layout.CLINICAL / "zarr.json").exists() else None
    return study_mudata(modalities, clinical, subject_column)
