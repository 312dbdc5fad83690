"""Statistics on xarray/NumPy inputs; no file I/O and no Prefect."""

from omics.stats.association import ordinal_association, score_correlation
from omics.stats.correlation import paired_row_correlation
from omics.stats.differential import RESULT_COLUMNS, moderated_t
from omics.stats.multiple_testing import bh_fdr

__all__ = [
    "RESULT_COLUMNS",
    "bh_fdr",
    "moderated_t",
    "ordinal_association",
    "paired_row_correlation",
    "score_correlation",
]
