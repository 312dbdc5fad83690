"""The Zarr v3 study store: one directory per study (layout in :mod:`omics.store.layout`)."""

from omics.store.atomic import replace_directory, staged_directory
from omics.store.provenance import file_sha256, provenance
from omics.store.reader import (
    groups,
    open_dataset,
    open_proteomics,
    open_table,
    open_transcriptomics,
)
from omics.store.writer import create_store, write_anndata, write_dataset, write_table

__all__ = [
    "create_store",
    "file_sha256",
    "groups",
    "open_dataset",
    "open_proteomics",
    "open_table",
    "open_transcriptomics",
    "provenance",
    "replace_directory",
    "staged_directory",
    "write_anndata",
    "write_dataset",
    "write_table",
]
