"""Preprocessing: log transforms, normalisation, expression filters."""

from omics.preprocess.normalise import expressed_genes, log2_intensity, log_cpm, median_normalise

__all__ = ["expressed_genes", "log2_intensity", "log_cpm", "median_normalise"]
