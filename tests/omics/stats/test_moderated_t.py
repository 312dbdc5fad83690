"""The moderated t against R limma, and its chunked (Dask) computation."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from omics.stats.differential import RESULT_COLUMNS, moderated_t
from tests.rlimma import rscript_limma


def _simulated(seed: int, n_features: int = 400, missing: float = 0.1):
    rng = np.random.default_rng(seed)
    samples = pd.DataFrame({
        "group": np.repeat(["a", "b", "c"], 4),
        "batch": np.tile(["x", "y"], 6),
        "age": rng.normal(50, 10, 12).round(1),
    }, index=[f"s{i}" for i in range(12)])
    sd = 0.3 * np.sqrt(4 / rng.chisquare(4, n_features))
    values = rng.normal(20, 2, (n_features, 1)) + rng.normal(0, 1, (n_features, 12)) * sd[:, None]
    values[:40, 4:8] += 1.5
    values[rng.random(values.shape) < missing] = np.nan
    values[5, :] = np.nan
    values[6, 4:] = np.nan  # groups b and c unobserved: contrast not estimable
    values[7, [0, 4, 8]] = np.nan
    data = xr.DataArray(values, dims=("feature", "sample"),
                        coords={"feature": [f"f{i}" for i in range(n_features)]})
    return data, samples


@pytest.mark.parametrize(("design", "contrast", "r_contrast"), [
    ("~ 0 + group + batch", "group[b] - group[a]", [-1, 1, 0, 0]),
    ("~ 0 + group + batch + age", "(group[b] + group[c]) / 2 - group[a]", [-1, .5, .5, 0, 0]),
])
def test_matches_r_limma_with_missing_values_and_covariates(tmp_path, design, contrast,
                                                            r_contrast):
    data, samples = _simulated(1)
    ours = moderated_t(data, samples, design, {"c": contrast})["c"]
    from omics.stats.design import design_matrix
    reference = rscript_limma(tmp_path, data.values, design_matrix(samples, design),
                              np.array(r_contrast, dtype=float))
    estimable = reference["coef"].notna().to_numpy()
    assert not estimable[5] and not estimable[6]
    np.testing.assert_array_equal(ours["log2_fc"].notna().to_numpy(), estimable)
    np.testing.assert_allclose(ours["t"][estimable], reference["t"][estimable], atol=1e-8,
                               rtol=0)
    np.testing.assert_allclose(ours["p_value"][estimable], reference["p"][estimable],
                               rtol=1e-6, atol=0)
    np.testing.assert_allclose(ours["df_total"][estimable], reference["df_total"][estimable],
                               rtol=1e-10)
    assert ours.attrs["df_prior"] == pytest.approx(reference["df_prior"][0], rel=1e-8)
    assert ours.attrs["s2_prior"] == pytest.approx(reference["s2_prior"][0], rel=1e-8)
    from statsmodels.stats.multitest import multipletests
    r_bh = multipletests(reference["p"][estimable], method="fdr_bh")[0]
    np.testing.assert_array_equal(ours["fdr"][estimable] < 0.05, r_bh)


def test_chunked_dask_fit_equals_in_memory_fit():
    data, samples = _simulated(2, n_features=1000)
    contrasts = {"b_vs_a": "group[b] - group[a]"}
    in_memory = moderated_t(data, samples, "~ 0 + group + batch", contrasts)["b_vs_a"]
    chunked = data.copy(data=da.from_array(data.values, chunks=(137, 12)))
    lazy = moderated_t(chunked, samples, "~ 0 + group + batch", contrasts)["b_vs_a"]
    assert list(lazy.columns) == RESULT_COLUMNS
    pd.testing.assert_frame_equal(in_memory, lazy, check_exact=False, rtol=1e-12)


def test_confidence_interval_uses_moderated_standard_error():
    data, samples = _simulated(3)
    table = moderated_t(data, samples, "~ 0 + group", {"c": "group[b] - group[a]"})["c"]
    ok = table["t"].notna()
    se = table["log2_fc"][ok] / table["t"][ok]
    from scipy import stats
    half = stats.t.ppf(0.975, table["df_total"][ok]) * se.abs()
    np.testing.assert_allclose(table["ci_high"][ok] - table["log2_fc"][ok], half, rtol=1e-10)
