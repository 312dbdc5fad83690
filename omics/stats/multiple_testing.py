"""Multiple-testing correction that keeps NaN p-values (features not tested) as NaN."""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["bh_fdr"]


def bh_fdr(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values over the finite p-values (like R's ``p.adjust``).

    Examples
    --------
    >>> bh_fdr(np.array([0.01, np.nan, 0.04, 0.03])).round(3).tolist()
    [0.03, nan, 0.04, 0.04]
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full_like(p, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = stats.false_discovery_control(p[finite], method="bh")
    return out
