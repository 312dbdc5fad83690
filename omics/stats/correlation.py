"""Row-wise correlation of two aligned matrices (e.g. protein vs mRNA of the same genes).

Each row pair is correlated over its pairwise-complete samples, with its own ``n``; the
two-sided p-value uses the t distribution with ``n - 2`` df (as ``scipy.stats.pearsonr``
and, for Spearman, as R's ``cor.test`` asymptotic approximation).

Examples
--------
>>> x = np.array([[1.0, 2, 3, 4, np.nan], [1, 2, 3, 4, 5]])
>>> y = np.array([[2.0, 4, 6, 8, 1], [5, 3, 4, 1, 2]])
>>> r, n, p = paired_row_correlation(x, y)
>>> r.round(3).tolist(), n.tolist()
([1.0, -0.8], [4, 5])
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["paired_row_correlation"]


def _rank_rows(values: np.ndarray) -> np.ndarray:
    return stats.rankdata(values, axis=1, nan_policy="omit")


def paired_row_correlation(
    x: np.ndarray, y: np.ndarray, method: str = "pearson"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Correlate row ``i`` of ``x`` with row ``i`` of ``y`` over pairwise-complete columns.

    Returns
    -------
    r, n, p_value
        NaN ``r`` and ``p`` where fewer than 3 complete pairs or a constant row.
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method must be 'pearson' or 'spearman', not {method!r}")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    complete = np.isfinite(x) & np.isfinite(y)
    x = np.where(complete, x, np.nan)
    y = np.where(complete, y, np.nan)
    if method == "spearman":
        x, y = _rank_rows(x), _rank_rows(y)
    n = complete.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xz, yz = np.where(complete, x, 0.0), np.where(complete, y, 0.0)
        xc = np.where(complete, xz - (xz.sum(axis=1) / n)[:, None], 0.0)
        yc = np.where(complete, yz - (yz.sum(axis=1) / n)[:, None], 0.0)
        r = (xc * yc).sum(axis=1) / np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))
        r = np.clip(r, -1.0, 1.0)
        r[n < 3] = np.nan
        df = n - 2
        t = r * np.sqrt(df / (1.0 - r**2))
        p = 2 * stats.t.sf(np.abs(t), df)
    p[~np.isfinite(r)] = np.nan
    return r, n, p
