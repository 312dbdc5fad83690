"""A continuous biomarker across ordered response categories.

Kruskal-Wallis across all levels (effect size epsilon squared), pairwise Mann-Whitney tests
with Holm (or another statsmodels) correction and rank-biserial effect sizes, and the
Jonckheere-Terpstra test for a monotone trend over the ordered levels (normal approximation
with the exact tie-corrected variance; effect size: Kendall-type tau).

Examples
--------
>>> import pandas as pd
>>> response = pd.Categorical(["good"] * 4 + ["mid"] * 4 + ["poor"] * 4,
...                           categories=["good", "mid", "poor"], ordered=True)
>>> values = np.array([1.0, 2, 3, 4, 3, 4, 5, 6, 6, 7, 8, 9])
>>> jt = jonckheere_terpstra(values, response)
>>> round(jt.statistic, 1), bool(jt.p_increasing < 0.001)
(45.5, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

__all__ = ["JonckheereTerpstra", "compare_response_groups", "jonckheere_terpstra"]


def _groups(values: np.ndarray, response: pd.Categorical) -> tuple[list[str], list[np.ndarray]]:
    """The biomarker values of each response level (missing values and levels left out)."""
    codes = np.asarray(response.codes)
    values = np.asarray(values, dtype=np.float64)
    ok = (codes >= 0) & np.isfinite(values)
    levels = [str(level) for level in response.categories]
    return levels, [values[ok & (codes == k)] for k in range(len(levels))]


@dataclass
class JonckheereTerpstra:
    """Jonckheere-Terpstra trend test over ordered groups."""

    statistic: float  # J: pairs (i in an earlier group, j in a later one) with x_i < x_j
    mean: float
    variance: float  # under H0, corrected for ties
    z: float
    p_value: float  # two-sided
    p_increasing: float  # one-sided: values rise along the ordered levels
    tau: float  # Kendall-type effect size: 2 J / (pairs across groups) - 1


def jonckheere_terpstra(values: np.ndarray, response: pd.Categorical) -> JonckheereTerpstra:
    """Jonckheere-Terpstra test of a monotone trend of ``values`` over ordered ``response``.

    Ties count one half. The variance is the exact permutation variance with ties
    (Hollander, Wolfe & Chicken, *Nonparametric Statistical Methods*, 3rd ed., 6.2).
    """
    _, groups = _groups(values, response)
    groups = [g for g in groups if g.size]
    sizes = np.array([g.size for g in groups], dtype=np.float64)
    n = sizes.sum()
    j_stat = 0.0
    for a, b in combinations(range(len(groups)), 2):
        diff = groups[b][None, :] - groups[a][:, None]
        j_stat += float((diff > 0).sum() + 0.5 * (diff == 0).sum())
    _, ties = np.unique(np.concatenate(groups), return_counts=True)
    ties = ties.astype(np.float64)
    mean = (n**2 - (sizes**2).sum()) / 4.0
    variance = (
        (n * (n - 1) * (2 * n + 5) - (sizes * (sizes - 1) * (2 * sizes + 5)).sum()
         - (ties * (ties - 1) * (2 * ties + 5)).sum()) / 72.0
        + (sizes * (sizes - 1) * (sizes - 2)).sum() * (ties * (ties - 1) * (ties - 2)).sum()
        / (36.0 * n * (n - 1) * (n - 2))
        + (sizes * (sizes - 1)).sum() * (ties * (ties - 1)).sum() / (8.0 * n * (n - 1))
    )
    z = (j_stat - mean) / np.sqrt(variance)
    cross_pairs = (n**2 - (sizes**2).sum()) / 2.0
    return JonckheereTerpstra(j_stat, mean, variance, float(z), float(2 * stats.norm.sf(abs(z))),
                              float(stats.norm.sf(z)), float(2 * j_stat / cross_pairs - 1))


def compare_response_groups(values: np.ndarray, response: pd.Categorical,
                            correction: str = "holm") -> dict:
    """Kruskal-Wallis, pairwise Mann-Whitney and Jonckheere-Terpstra of a biomarker.

    Returns
    -------
    dict
        ``kruskal`` (H, p, epsilon squared), ``pairwise`` (a DataFrame: level_a, level_b,
        n_a, n_b, U of b, p, p_adjusted, rank-biserial r = P(b > a) - P(b < a)),
        ``jonckheere`` (:class:`JonckheereTerpstra`), and per-level n and median.

    Examples
    --------
    >>> response = pd.Categorical(list("aaabbbccc"), categories=list("abc"), ordered=True)
    >>> out = compare_response_groups(np.arange(9.0), response)
    >>> out["pairwise"]["rank_biserial"].tolist()
    [1.0, 1.0, 1.0]
    """
    levels, groups = _groups(values, response)
    present = [(level, g) for level, g in zip(levels, groups, strict=True) if g.size]
    n = sum(g.size for _, g in present)
    kruskal = stats.kruskal(*[g for _, g in present])
    rows = []
    for (level_a, a), (level_b, b) in combinations(present, 2):
        test = stats.mannwhitneyu(b, a, alternative="two-sided")
        rows.append({"level_a": level_a, "level_b": level_b, "n_a": a.size, "n_b": b.size,
                     "u_b": float(test.statistic), "p_value": float(test.pvalue),
                     "rank_biserial": float(2 * test.statistic / (a.size * b.size) - 1)})
    pairwise = pd.DataFrame(rows)
    if len(pairwise):
        pairwise["p_adjusted"] = multipletests(pairwise["p_value"], method=correction)[1]
    return {
        "n": int(n),
        "levels": levels,
        "n_by_level": {level: int(g.size) for level, g in zip(levels, groups, strict=True)},
        "median_by_level": {level: float(np.median(g)) if g.size else float("nan")
                            for level, g in zip(levels, groups, strict=True)},
        "kruskal": {"h": float(kruskal.statistic), "p_value": float(kruskal.pvalue),
                    "epsilon_squared": float(kruskal.statistic * (n + 1) / (n**2 - 1))},
        "pairwise": pairwise,
        "correction": correction,
        "jonckheere": jonckheere_terpstra(values, response),
    }
