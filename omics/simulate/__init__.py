"""The built-in demonstration cohort (``omics simulate``)."""

from omics.simulate.cohort import DEFAULT_SEED, describe_truth, null_features, simulate_cohort

__all__ = ["DEFAULT_SEED", "describe_truth", "null_features", "simulate_cohort"]
