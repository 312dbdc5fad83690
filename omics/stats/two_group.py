"""Vectorised two-group tests per feature: Welch's t and the Wilcoxon rank-sum test.

Both take a features x samples matrix (NaN = missing) and a boolean mask per group, and test
every feature at once; each feature uses its own observed samples. Results equal
``scipy.stats.ttest_ind(equal_var=False)`` and ``scipy.stats.mannwhitneyu`` row by row.

Examples
--------
>>> y = np.array([[1.0, 2, 3, 7, 8, 9], [1, 2, np.nan, 1, 2, 3]])
>>> a = np.array([True, True, True, False, False, False])
>>> test = welch_t(y, a, ~a)
>>> test.estimate.tolist(), bool(test.p_value[0] < 0.01)
([6.0, 0.5], True)
>>> wilcoxon_rank_sum(y, a, ~a).p_value.round(3).tolist()
[0.1, 0.761]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["TwoGroupTest", "welch_t", "wilcoxon_rank_sum"]


@dataclass
class TwoGroupTest:
    """Per-feature results of a two-group test (group ``b`` minus group ``a``)."""

    estimate: np.ndarray  # difference of means
    ci_low: np.ndarray
    ci_high: np.ndarray
    statistic: np.ndarray  # Welch t, or Mann-Whitney U of group b
    p_value: np.ndarray
    df: np.ndarray  # Welch-Satterthwaite df (NaN for the rank test)
    mean: np.ndarray  # mean over both groups' observed values


def _group_moments(y: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, ...]:
    values = y[:, mask]
    n = np.isfinite(values).sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(values, axis=1) / n
        var = np.nansum((values - mean[:, None]) ** 2, axis=1) / (n - 1)
    return n, mean, var


def welch_t(y: np.ndarray, group_a: np.ndarray, group_b: np.ndarray,
            confidence: float = 0.95) -> TwoGroupTest:
    """Welch's unequal-variance t test of ``mean(b) - mean(a)`` for every row of ``y``.

    Rows with fewer than two observed values in either group get NaN.
    """
    y = np.asarray(y, dtype=np.float64)
    na, mean_a, var_a = _group_moments(y, group_a)
    nb, mean_b, var_b = _group_moments(y, group_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        se2_a, se2_b = var_a / na, var_b / nb
        se = np.sqrt(se2_a + se2_b)
        df = (se2_a + se2_b) ** 2 / (se2_a**2 / (na - 1) + se2_b**2 / (nb - 1))
        estimate = mean_b - mean_a
        t = estimate / se
        both = group_a | group_b
        mean = np.nanmean(np.where(both, y, np.nan), axis=1)
    too_few = (na < 2) | (nb < 2)
    for array in (df, estimate, t):
        array[too_few] = np.nan
    p = 2 * stats.t.sf(np.abs(t), df)
    margin = stats.t.ppf(0.5 + confidence / 2, df) * se
    return TwoGroupTest(estimate, estimate - margin, estimate + margin, t, p, df, mean)


def wilcoxon_rank_sum(y: np.ndarray, group_a: np.ndarray, group_b: np.ndarray) -> TwoGroupTest:
    """Two-sided Wilcoxon rank-sum (Mann-Whitney U) test for every row of ``y``.

    Uses scipy's method choice (exact for small samples without ties, otherwise the normal
    approximation with continuity and tie corrections), vectorised over the rows sharing a
    pattern of observed samples. ``estimate`` is the difference of means, for orientation.
    """
    y = np.asarray(y, dtype=np.float64)
    n_rows = y.shape[0]
    statistic, p = np.full(n_rows, np.nan), np.full(n_rows, np.nan)
    observed = np.isfinite(y)
    patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    for k, pattern in enumerate(patterns):
        rows = np.flatnonzero(inverse.ravel() == k)
        in_a, in_b = group_a & pattern, group_b & pattern
        if not in_a.any() or not in_b.any():
            continue
        result = stats.mannwhitneyu(y[np.ix_(rows, np.flatnonzero(in_b))],
                                    y[np.ix_(rows, np.flatnonzero(in_a))], axis=1)
        statistic[rows], p[rows] = result.statistic, result.pvalue
    moments = welch_t(y, group_a, group_b)
    missing = np.full(n_rows, np.nan)
    return TwoGroupTest(moments.estimate, missing, missing.copy(), statistic, p,
                        missing.copy(), moments.mean)
