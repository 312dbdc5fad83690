"""p-values of correlations from the per-n table equal scipy's ``betainc`` (and hence
``scipy.stats.pearsonr``) to about 1e-13, wherever BH needs them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from omics.stats.correlation_p_table import two_sided_p_one_n
from omics.stats.streaming_fdr import two_sided_p


@pytest.mark.parametrize("n", [3, 4, 7, 30, 200, 201, 1000])
def test_table_equals_betainc(n):
    rng = np.random.default_rng(n)
    r = np.concatenate([rng.uniform(-1, 1, 200_000), 1 - 10 ** rng.uniform(-12, 0, 20_000),
                        [0.0, 1.0, -1.0]])
    exact = special.betainc((n - 2) / 2, 0.5, np.clip((1 - r) * (1 + r), 0, 1))
    p = two_sided_p_one_n(r, n)
    small = (exact > 1e-100) & (exact <= 0.05)  # where the FDR is decided
    np.testing.assert_allclose(p[small], exact[small], rtol=2e-13, atol=0)
    middle = (exact > 0.05) & (np.abs(r) > 1e-3)  # below, betainc loses digits (u rounds)
    np.testing.assert_allclose(p[middle], exact[middle], rtol=1e-12, atol=0)
    assert p[-3] == pytest.approx(1.0, abs=1e-15) and p[-2] == p[-1] == 0.0
    assert np.all((p >= 0) & (p <= 1))


def test_dispatch_one_n_by_table_several_by_betainc():
    """One sample size (a scalar, or an array of equal values) uses the table; NaN stays
    NaN; several sizes, or n < 3, use betainc as before."""
    r = np.array([0.5, np.nan, -0.2, 0.9])
    expected = [stats.pearsonr(*_pair(value, 20)).pvalue for value in (0.5, -0.2, 0.9)]
    for n in (20, np.full(4, 20)):
        p = two_sided_p(r, n)
        assert np.isnan(p[1])
        np.testing.assert_allclose(p[[0, 2, 3]], expected, rtol=1e-12)
    mixed = two_sided_p(r, np.array([20, 20, 10, 2]))
    np.testing.assert_allclose(mixed[[0, 2]], [expected[0], special.betainc(4, 0.5, 0.96)],
                               rtol=1e-14)
    assert np.isnan(mixed[3]) and float(two_sided_p(np.array(0.5), 20)) == pytest.approx(
        0.0247695588, rel=1e-9)


def _pair(r: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two samples of size n with correlation exactly r (up to rounding)."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, n))
    a = (a - a.mean()) / np.linalg.norm(a - a.mean())
    b = b - b.mean() - (b @ a) * a
    b /= np.linalg.norm(b)
    return a, r * a + np.sqrt(1 - r * r) * b
