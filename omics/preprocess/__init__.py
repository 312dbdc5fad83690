"""Preprocessing: log transforms, normalisation, filters and optional imputation."""

from omics.preprocess.filters import filter_min_valid, valid_counts
from omics.preprocess.impute import impute_down_shifted
from omics.preprocess.normalise import (
    expressed_genes,
    irs_normalise,
    log2_intensity,
    log_cpm,
    median_normalise,
    quantile_normalise,
)
from omics.preprocess.steps import steps

__all__ = [
    "expressed_genes",
    "filter_min_valid",
    "impute_down_shifted",
    "irs_normalise",
    "log2_intensity",
    "log_cpm",
    "median_normalise",
    "quantile_normalise",
    "steps",
    "valid_counts",
]
