"""Names of the groups of a study store.

::

    study.zarr/                      Zarr v3 group; attrs: study name, format version
      proteomics/                    xarray Dataset: intensity (feature x sample)
      transcriptomics/<modality>/    AnnData (samples x genes, raw counts in X)
      ptm/<modality>/                xarray Dataset: intensity (site x sample), protein link
      clinical/                      xarray Dataset over dim 'subject'
      tables/<name>/                 xarray Dataset over dim 'row' (e.g. viability)
      results/<analysis>/<name>/     xarray Dataset per result table
"""

from __future__ import annotations

__all__ = [
    "CLINICAL",
    "FORMAT_VERSION",
    "PROTEOMICS",
    "PTM",
    "RESULTS",
    "TABLES",
    "TRANSCRIPTOMICS",
    "ptm_group",
    "result_group",
    "table_group",
    "transcriptomics_group",
]

FORMAT_VERSION = "1"
PROTEOMICS = "proteomics"
TRANSCRIPTOMICS = "transcriptomics"
PTM = "ptm"
CLINICAL = "clinical"
TABLES = "tables"
RESULTS = "results"


def transcriptomics_group(modality: str) -> str:
    """Group of one transcriptomics modality, e.g. ``transcriptomics/cells``."""
    return f"{TRANSCRIPTOMICS}/{modality}"


def ptm_group(modality: str) -> str:
    """Group of one PTM modality, e.g. ``ptm/diglycine``."""
    return f"{PTM}/{modality}"


def table_group(name: str) -> str:
    """Group of an extra table, e.g. ``tables/viability``."""
    return f"{TABLES}/{name}"


def result_group(analysis: str, name: str) -> str:
    """Group of one result, e.g. ``results/differential_proteomics/resistant_vs_sensitive``."""
    return f"{RESULTS}/{analysis}/{name}"
