"""Readers (``ox.io``): one module per format behind one entry point, :func:`read_source`.

Each reader parses and validates one format and returns the ecosystem's type: an xarray
Dataset (proteomics), AnnData (transcriptomics) or a pandas DataFrame (tables). Readers never
compute statistics.
"""

from __future__ import annotations

from omics.io.anndata_convert import dataset_to_anndata, feature_matrix, study_mudata
from omics.io.counts import read_counts
from omics.io.expression import read_10x, read_expression_matrix, read_h5ad
from omics.io.fragpipe import read_fragpipe_psms, read_fragpipe_ptm_psms
from omics.io.hgnc import HgncMap
from omics.io.maxquant import read_maxquant_evidence, read_maxquant_protein_groups
from omics.io.msstats import read_msstats
from omics.io.paw import read_paw
from omics.io.proteome_discoverer import read_pd_psms
from omics.io.ptm_maxquant import read_maxquant_ptm_evidence, read_maxquant_sites
from omics.io.ptm_pd import read_pd_ptm_psms
from omics.io.registry import READERS, read, read_source
from omics.io.study import StudyConfig, load_study
from omics.io.study_reader import read_study
from omics.io.table import read_table
from omics.io.wide_table import read_wide_table

__all__ = [
    "READERS",
    "HgncMap",
    "dataset_to_anndata",
    "feature_matrix",
    "study_mudata",
    "read_study",
    "load_study",
    "read_10x",
    "read_counts",
    "read_expression_matrix",
    "read_h5ad",
    "read_fragpipe_psms",
    "read_fragpipe_ptm_psms",
    "read_maxquant_evidence",
    "read_maxquant_protein_groups",
    "read_maxquant_ptm_evidence",
    "read_maxquant_sites",
    "read_msstats",
    "read_paw",
    "read_pd_psms",
    "read_pd_ptm_psms",
    "read",
    "read_source",
    "read_table",
    "read_wide_table",
    "StudyConfig",
]
