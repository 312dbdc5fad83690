"""The moderated t against R limma, and its chunked (Dask) computation."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from omics.stats.differential import RESULT_COLUMNS, moderated_t
from tests.rlimma import rscript_limma


def _simulated(seed: int, n_features: int = 400, missing: float = 0.1,
               never_observed: bool = True):
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
    if never_observed:
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
    assert_limma_parity(ours, reference)


def assert_limma_parity(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    """The issue's parity criteria: |dt| <= 1e-8, relative dp <= 1e-6, same BH calls at
    0.05, same prior df and variance to 1e-8; NA for exactly the features R leaves NA."""
    estimable = reference["coef"].notna().to_numpy()
    np.testing.assert_array_equal(ours["log2_fc"].notna().to_numpy(), estimable)
    np.testing.assert_allclose(ours["t"][estimable], reference["t"][estimable], atol=1e-8,
                               rtol=0)
    np.testing.assert_allclose(ours["p_value"][estimable], reference["p"][estimable],
                               rtol=1e-6, atol=0)
    np.testing.assert_allclose(ours["df_total"][estimable], reference["df_total"][estimable],
                               rtol=1e-8)
    np.testing.assert_array_equal(ours["fdr"][estimable] < 0.05,
                                  reference["fdr"][estimable] < 0.05)
    assert ours.attrs["df_prior"] == pytest.approx(reference["df_prior"].median(), rel=1e-8)
    assert ours.attrs["s2_prior"] == pytest.approx(reference["s2_prior"].median(), rel=1e-8)


@pytest.mark.parametrize(("trend", "robust"), [(True, False), (False, True)])
def test_trend_and_robust_match_r_limma(tmp_path, trend, robust):
    data, samples = _simulated(4, n_features=1500, never_observed=False)
    values = data.values.copy()
    values[100:110] += np.random.default_rng(5).normal(0, 3, (10, 12))  # hyper-variable
    values[:, :] += np.linspace(0, 2, values.shape[0])[:, None] * (trend is True)
    data = data.copy(data=values)
    design = "~ 0 + group + batch"
    ours = moderated_t(data, samples, design, {"c": "group[c] - group[a]"}, trend=trend,
                       robust=robust)["c"]
    from omics.stats.design import design_matrix
    reference = rscript_limma(tmp_path, values, design_matrix(samples, design),
                              np.array([-1.0, 0, 1, 0]), trend=trend, robust=robust)
    assert_limma_parity(ours, reference)
    per_feature = "s2_prior" if trend else "df_prior"
    assert reference[per_feature].nunique() > 10  # the option really varies the prior
    if robust:
        assert reference["df_prior"][100:110].mean() < reference["df_prior"].median()


@pytest.mark.parametrize("contrast", ["15ug", "45ug"])
def test_real_tmt_spike_in_matches_r_limma(tmp_path, contrast):
    """PXD013277 (PAW totals, TMT10): E. coli spiked at 7.5/15/45 ug into a human background;
    log2, median-normalised on the human proteins."""
    from omics.preprocess import log2_intensity, median_normalise
    from omics.stats.design import design_matrix
    from tests.conftest import shared_data

    table = pd.read_csv(shared_data("proteomics/PXD013277_edgeR_input.tsv"), sep="\t")
    channels = table.columns[2:]
    intensity = xr.DataArray(table[channels].to_numpy(float), dims=("feature", "sample"),
                             coords={"feature": table["Accession"].to_numpy()})
    human = (table["HorE"] == "human").to_numpy()
    log_values = median_normalise(log2_intensity(intensity), reference=human)
    samples = pd.DataFrame({"load": [c.split("_")[-1] for c in channels]})
    samples["load"] = "ug" + samples["load"]
    level = {"15ug": "load[ug15]", "45ug": "load[ug45]"}[contrast]
    ours = moderated_t(log_values, samples, "~ 0 + load",
                       {"c": f"{level} - load[ug7pt5]"})["c"]
    design = design_matrix(samples, "~ 0 + load")
    weights = np.array([1.0 * (c == level) - 1.0 * (c == "load[ug7pt5]") for c in design.columns])
    reference = rscript_limma(tmp_path, log_values.values, design, weights)
    assert_limma_parity(ours, reference)
    # the planted truth: E. coli up 2x or 6x (compressed by MS2 co-isolation), human flat
    ecoli = ~human & ours["fdr"].lt(0.05).to_numpy()
    planted = np.log2(2.0 if contrast == "15ug" else 6.0)
    assert ecoli.sum() > 300
    assert 0.3 * planted < np.median(ours["log2_fc"][ecoli]) < planted
    human_fc = ours["log2_fc"][human]
    assert abs(human_fc.median()) < 0.05
    assert ours["fdr"][~human].lt(0.05).mean() > 2 * ours["fdr"][human].lt(0.05).mean()


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
