"""Association of a clinical biomarker with an ordered response, and of two scores.

Examples
--------
>>> import pandas as pd
>>> response = pd.Categorical(["good", "good", "mid", "mid", "poor", "poor"],
...                           categories=["good", "mid", "poor"], ordered=True)
>>> out = ordinal_association(np.array([1.0, 2, 3, 4, 5, 6]), response)
>>> round(out["spearman_rho"], 3), out["median_by_level"]["poor"]
(0.956, 5.5)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["ordinal_association", "score_correlation"]


def ordinal_association(values: np.ndarray, response: pd.Categorical) -> dict:
    """Spearman correlation of ``values`` with the ordered codes of ``response``.

    Also reports a Kruskal-Wallis test across the levels and the median and count per level.
    Samples with a missing value or response are left out.
    """
    codes = np.asarray(response.codes, dtype=float)
    values = np.asarray(values, dtype=float)
    ok = (codes >= 0) & np.isfinite(values)
    rho, p = stats.spearmanr(values[ok], codes[ok])
    levels = list(response.categories)
    groups = [values[ok & (codes == k)] for k in range(len(levels))]
    kruskal = stats.kruskal(*[g for g in groups if len(g)])
    return {
        "n": int(ok.sum()),
        "spearman_rho": float(rho),
        "spearman_p": float(p),
        "kruskal_h": float(kruskal.statistic),
        "kruskal_p": float(kruskal.pvalue),
        "levels": levels,
        "median_by_level": {lv: float(np.median(g)) if len(g) else float("nan")
                            for lv, g in zip(levels, groups, strict=True)},
        "n_by_level": {lv: len(g) for lv, g in zip(levels, groups, strict=True)},
    }


def score_correlation(a: np.ndarray, b: np.ndarray) -> dict:
    """Spearman correlation of two scores over their complete pairs.

    Examples
    --------
    >>> score_correlation(np.array([1.0, 2, 3, np.nan]), np.array([1.0, 3, 2, 4]))["n"]
    3
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    rho, p = stats.spearmanr(a[ok], b[ok])
    return {"n": int(ok.sum()), "spearman_rho": float(rho), "spearman_p": float(p)}
