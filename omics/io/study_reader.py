"""Read every input a ``study.yaml`` names into one MuData, without a store.

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> mdata = read_study(simulate_cohort(tempfile.mkdtemp(), scale="small"))
>>> sorted(mdata.mod), mdata["proteomics"].n_vars
(['cells', 'diglycine', 'proteomics', 'tumours'], 674)
>>> mdata["diglycine"].var.loc["EGFR_K754", "protein"]
'EGFR'

>>> "serum_exo_anxa6_ng_ml" in mdata["tumours"].obs
True
"""

from __future__ import annotations

from pathlib import Path

from omics.errors import OmicsInputError
from omics.io.anndata_convert import dataset_to_anndata, study_mudata
from omics.io.registry import read_source
from omics.io.study import load_study

__all__ = ["read_study"]


def read_study(path: str | Path):
    """Read the proteomics, transcriptomics, PTM and clinical inputs of a study plan.

    Parameters
    ----------
    path
        A ``study.yaml`` (or the folder holding it).

    Returns
    -------
    mudata.MuData
        Modalities ``proteomics`` (linear intensities, samples x proteins), one per
        transcriptomics entry and one per PTM entry (samples x sites, ``var["protein"]``
        linking each site to its protein); each modality's ``obs`` carries its subjects'
        clinical columns; ``uns["clinical"]`` is the clinical table and ``uns["tables"]`` the
        other tables.

    Examples
    --------
    >>> import tempfile
    >>> from omics.simulate import simulate_cohort
    >>> mdata = read_study(simulate_cohort(tempfile.mkdtemp(), scale="small"))
    >>> list(mdata.uns["tables"])
    ['viability', 'viability_checkerboard', 'mechanism_assays']
    """
    study = load_study(path)
    modalities = {}
    if study.proteomics:
        modalities["proteomics"] = dataset_to_anndata(read_source(study.proteomics))
    for name, source in study.transcriptomics.items():
        modalities[name] = read_source(source)
    for name, source in study.ptm.items():
        if name in modalities:
            raise OmicsInputError(study.path or "study.yaml", f"ptm modality {name!r}, also a "
                                  "transcriptomics modality", "distinct modality names")
        modalities[name] = dataset_to_anndata(read_source(source))
    clinical = None
    if study.clinical:
        clinical = read_source(study.clinical)
        if study.clinical.id_column:
            clinical = clinical.set_index(study.clinical.id_column)
    mdata = study_mudata(modalities, clinical, study.subject_column)
    mdata.uns["tables"] = {name: read_source(source) for name, source in study.tables.items()}
    return mdata
