"""Welch, Wilcoxon and Storey q-values against scipy and Bioconductor qvalue."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

from omics.errors import OmicsInputError
from omics.stats.differential import differential
from omics.stats.multiple_testing import bh_fdr, storey_pi0, storey_q
from omics.stats.two_group import welch_t, wilcoxon_rank_sum


def _two_groups(seed: int = 0, n_features: int = 300):
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 1, (n_features, 14))
    values[:30, 7:] += 1.5
    values[rng.random(values.shape) < 0.15] = np.nan
    values[3, :] = np.round(values[3, :])  # ties
    values[4, 7:] = np.nan  # one group unobserved
    values[5, 1:7] = np.nan  # one value in group a
    group_b = np.arange(14) >= 7
    return values, ~group_b, group_b


def test_welch_equals_scipy_row_by_row():
    values, a, b = _two_groups()
    ours = welch_t(values, a, b)
    for i in range(values.shape[0]):
        xa, xb = values[i, a], values[i, b]
        xa, xb = xa[np.isfinite(xa)], xb[np.isfinite(xb)]
        if min(xa.size, xb.size) < 2:
            assert np.isnan(ours.p_value[i]) and np.isnan(ours.statistic[i])
            continue
        ref = stats.ttest_ind(xb, xa, equal_var=False)
        assert ours.statistic[i] == pytest.approx(ref.statistic, rel=1e-12)
        assert ours.p_value[i] == pytest.approx(ref.pvalue, rel=1e-10)
        assert ours.df[i] == pytest.approx(ref.df, rel=1e-12)
        ci = ref.confidence_interval(0.95)
        assert (ours.ci_low[i], ours.ci_high[i]) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_wilcoxon_equals_scipy_row_by_row():
    values, a, b = _two_groups(1)
    ours = wilcoxon_rank_sum(values, a, b)
    for i in range(values.shape[0]):
        xa, xb = values[i, a], values[i, b]
        xa, xb = xa[np.isfinite(xa)], xb[np.isfinite(xb)]
        if min(xa.size, xb.size) == 0:
            assert np.isnan(ours.p_value[i])
            continue
        ref = stats.mannwhitneyu(xb, xa)
        assert ours.statistic[i] == ref.statistic
        assert ours.p_value[i] == pytest.approx(ref.pvalue, rel=1e-12)


def test_differential_dispatch_uses_the_contrast_groups():
    values, a, b = _two_groups(2)
    data = xr.DataArray(values, dims=("feature", "sample"),
                        coords={"feature": [f"f{i}" for i in range(values.shape[0])]})
    samples = pd.DataFrame({"group": np.where(b, "treated", "control")})
    table = differential(data, samples, "~ group", {"c": "group[T.treated]"},
                         method="welch")["c"]
    np.testing.assert_allclose(table["t"], welch_t(values, a, b).statistic, equal_nan=True)
    np.testing.assert_allclose(table["fdr"], bh_fdr(table["p_value"].to_numpy()), equal_nan=True)
    with pytest.raises(OmicsInputError, match="trend/robust only with the moderated method"):
        differential(data, samples, "~ group", {"c": "group[T.treated]"}, method="welch",
                     trend=True)


def test_three_group_contrast_of_group_means_is_refused_for_two_group_tests():
    samples = pd.DataFrame({"group": list("aabbcc")})
    data = xr.DataArray(np.zeros((2, 6)), dims=("feature", "sample"),
                        coords={"feature": ["x", "y"]})
    with pytest.raises(OmicsInputError) as error:
        differential(data, samples, "~ 0 + group", {"c": "group[b] + group[c] - group[a]"},
                     method="wilcoxon")
    assert str(error.value) == (
        "contrast: found 'c', which is not a difference between two sample groups; expected "
        "a contrast of two groups (e.g. --coef group[T.b] with --design '~ group') for the "
        "welch and wilcoxon methods")


def test_storey_q_matches_bioconductor_qvalue(tmp_path):
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=800), rng.beta(0.3, 8, size=200)])
    pi0 = np.mean(p >= 0.5) / 0.5
    assert storey_pi0(p) == pytest.approx(pi0)
    np.testing.assert_allclose(storey_q(p), pi0 * bh_fdr(p), rtol=1e-12)
    if shutil.which("Rscript") is None or subprocess.run(
            ["Rscript", "-e", "library(qvalue)"], capture_output=True).returncode:
        pytest.skip("Bioconductor qvalue not installed (.ci/run installs r-bioc-qvalue)")
    np.savetxt(tmp_path / "p.txt", p, fmt="%.17g")
    script = ("suppressMessages(library(qvalue)); p <- scan(commandArgs(TRUE)[1], quiet=TRUE);"
              "q <- qvalue(p, lambda = 0.5); cat(format(q$pi0, digits = 17), "
              "format(q$qvalues, digits = 17), sep = '\\n')")
    out = subprocess.run(["Rscript", "-e", script, str(tmp_path / "p.txt")], check=True,
                         capture_output=True, text=True).stdout.split()
    assert storey_pi0(p) == pytest.approx(float(out[0]), rel=1e-12)
    np.testing.assert_allclose(storey_q(p), np.array(out[1:], dtype=float), rtol=1e-10)
