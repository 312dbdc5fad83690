"""Row-wise correlation and clinical association against scipy.stats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from omics.stats import bh_fdr, ordinal_association, paired_row_correlation


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


def test_ordinal_association_matches_scipy():
    rng = np.random.default_rng(6)
    levels = ["hs", "s", "r"]
    response = pd.Categorical(rng.choice(levels, 60), categories=levels, ordered=True)
    values = rng.normal(size=60) + response.codes
    out = ordinal_association(values, response)
    expected = stats.spearmanr(values, response.codes)
    assert out["spearman_rho"] == pytest.approx(expected.statistic)
    assert out["spearman_p"] == pytest.approx(expected.pvalue)
    kw = stats.kruskal(*[values[response.codes == k] for k in range(3)])
    assert out["kruskal_p"] == pytest.approx(kw.pvalue)
