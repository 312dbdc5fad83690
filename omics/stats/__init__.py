"""Statistics on xarray/NumPy inputs; no file I/O and no Prefect."""

from omics.stats.association import score_correlation
from omics.stats.correlation import paired_row_correlation
from omics.stats.differential import RESULT_COLUMNS, differential, moderated_t
from omics.stats.multiple_testing import adjust_p_values, bh_fdr, storey_q

__all__ = [
    "RESULT_COLUMNS",
    "adjust_p_values",
    "bh_fdr",
    "differential",
    "moderated_t",
    "paired_row_correlation",
    "score_correlation",
    "storey_q",
]
