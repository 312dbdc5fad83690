"""Association of two scores (e.g. ANXA6 and EGFR IHC H-scores): Spearman with a CI.

Biomarker-versus-response tests are in :mod:`omics.stats.biomarker`.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["score_correlation"]


def score_correlation(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> dict:
    """Spearman correlation of two scores over their complete pairs, with a CI.

    The interval is Fisher's z with the Bonett-Wright standard error for Spearman's rho,
    ``sqrt((1 + rho^2 / 2) / (n - 3))`` (Bonett & Wright 2000, Psychometrika 65:23).

    Examples
    --------
    >>> out = score_correlation(np.array([1.0, 2, 3, 4, 5, np.nan]),
    ...                         np.array([1.0, 3, 2, 5, 4, 4]))
    >>> out["n"], round(out["spearman_rho"], 3), round(out["ci_low"], 3), round(out["ci_high"], 3)
    (5, 0.8, -0.457, 0.991)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    n = int(ok.sum())
    rho, p = stats.spearmanr(a[ok], b[ok])
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt((1 + rho**2 / 2) / (n - 3)) \
        if n > 3 else np.nan
    z = np.arctanh(np.clip(rho, -1 + 1e-15, 1 - 1e-15))
    return {"n": n, "spearman_rho": float(rho), "spearman_p": float(p),
            "ci_low": float(np.tanh(z - half)), "ci_high": float(np.tanh(z + half))}
