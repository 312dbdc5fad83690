"""Row-wise correlation and clinical association against scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from omics.stats import bh_fdr, paired_row_correlation


@pytest.mark.parametrize(("method", "reference"), [("pearson", stats.pearsonr),
                                                   ("spearman", stats.spearmanr)])
def test_row_correlation_matches_scipy_with_missing_values(method, reference):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 12))
    y = x * 0.5 + rng.normal(size=(30, 12))
    x[rng.random(x.shape) < 0.15] = np.nan
    y[rng.random(y.shape) < 0.15] = np.nan
    r, n, p = paired_row_correlation(x, y, method)
    for i in range(30):
        ok = np.isfinite(x[i]) & np.isfinite(y[i])
        expected = reference(x[i, ok], y[i, ok])
        assert n[i] == ok.sum()
        assert r[i] == pytest.approx(expected.statistic, abs=1e-12)
        assert p[i] == pytest.approx(expected.pvalue, rel=1e-9)


def test_bh_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(5).uniform(size=200) ** 3
    np.testing.assert_allclose(bh_fdr(p), multipletests(p, method="fdr_bh")[1], rtol=1e-12)
