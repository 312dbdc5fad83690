"""Preprocessing: log transforms, normalisation, filters and optional imputation."""

from omics.preprocess.batch import combat, remove_batch_effect
from omics.preprocess.counts import (
    expressed_genes,
    filter_by_expr,
    log_cpm,
    log_cpm_counts,
    tmm_normalise,
)
from omics.preprocess.filters import filter_min_valid, valid_counts
from omics.preprocess.impute import impute_down_shifted
from omics.preprocess.normalise import (
    irs_normalise,
    log2_intensity,
    median_normalise,
    quantile_normalise,
)
from omics.preprocess.steps import steps

__all__ = [
    "combat",
    "expressed_genes",
    "filter_by_expr",
    "filter_min_valid",
    "impute_down_shifted",
    "irs_normalise",
    "log2_intensity",
    "log_cpm",
    "log_cpm_counts",
    "median_normalise",
    "quantile_normalise",
    "remove_batch_effect",
    "steps",
    "tmm_normalise",
    "valid_counts",
]
