"""Preprocessing steps: values against R limma / planted truth, and recorded parameters."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from omics.errors import OmicsInputError
from omics.preprocess import (
    filter_min_valid,
    impute_down_shifted,
    irs_normalise,
    log2_intensity,
    median_normalise,
    quantile_normalise,
    steps,
)


def _matrix(values: np.ndarray) -> xr.DataArray:
    return xr.DataArray(values, dims=("feature", "sample"),
                        coords={"feature": [f"p{i}" for i in range(values.shape[0])]})


def test_quantile_normalisation_matches_limma_with_ties_and_missing_values(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript with limma not installed (.ci/run installs r-bioc-limma)")
    rng = np.random.default_rng(0)
    values = rng.normal(20, 2, (60, 5)) + np.arange(5)
    values[::7, 1] = np.nan
    values[3:6, 2] = np.round(values[3:6, 2])
    values[10, 2] = values[11, 2]  # a tie
    np.savetxt(tmp_path / "x.tsv", values, delimiter="\t", fmt="%.17g")
    script = ("suppressMessages(library(limma)); x <- as.matrix(read.table(commandArgs(TRUE)[1]));"
              "write.table(format(normalizeQuantiles(x), digits = 17), commandArgs(TRUE)[2], "
              "quote = FALSE, row.names = FALSE, col.names = FALSE)")
    subprocess.run(["Rscript", "-e", script, str(tmp_path / "x.tsv"), str(tmp_path / "r.tsv")],
                   check=True, capture_output=True)
    reference = np.genfromtxt(tmp_path / "r.tsv", missing_values="NA")
    ours = quantile_normalise(_matrix(values))
    np.testing.assert_allclose(ours.values, reference, rtol=1e-12, equal_nan=True)
    assert steps(ours) == [{"step": "quantile_normalise"}]


def test_irs_removes_plex_effects_planted_per_protein():
    rng = np.random.default_rng(1)
    truth = rng.normal(20, 1, (200, 1)) + rng.normal(0, 0.2, (200, 8))
    plex = np.repeat(["P1", "P2"], 4)
    reference = np.tile([True, False, False, False], 2)
    truth[:, reference] = truth[:, ~reference].mean(axis=1, keepdims=True)  # pooled channel
    plex_effect = rng.normal(0, 1, (200, 1))  # protein-specific, as MS sampling makes it
    observed = truth + np.where(plex == "P2", plex_effect, 0.0)
    observed[0, 0] = np.nan  # reference missing in P1 for p0
    out = irs_normalise(_matrix(observed), plex, reference)
    corrected = out.values[1:] - truth[1:]
    # after IRS, each protein's offset is the same in both plexes
    np.testing.assert_allclose(corrected[:, plex == "P1"].mean(axis=1),
                               corrected[:, plex == "P2"].mean(axis=1), atol=1e-12)
    assert np.isnan(out.values[0, plex == "P1"]).all()
    assert steps(out)[-1] == {"step": "irs_normalise", "plexes": ["P1", "P2"],
                              "reference_channels": 2, "feature_plexes_unscaled": 1}
    only_first_plex = reference & (plex == "P1")
    with pytest.raises(OmicsInputError, match=r"found no reference channel in plex 'P2'"):
        irs_normalise(_matrix(observed), plex, only_first_plex)


def test_median_normalisation_on_reference_features_and_step_history():
    values = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 10.0], [100.0, 4.0]])
    reference = np.array([True, True, True, False])
    out = median_normalise(log2_intensity(_matrix(2.0**values)), reference=reference)
    np.testing.assert_allclose(np.median(out.values[:3], axis=0), [2.5, 2.5])
    assert [s["step"] for s in steps(out)] == ["log2", "median_normalise"]
    assert steps(out)[-1]["reference_features"] == 3


def test_filter_min_valid_reports_removed_features():
    values = np.array([[1.0, 2, 3, 4], [np.nan, np.nan, 3, 4], [1, np.nan, np.nan, 4]])
    groups = np.array(["a", "a", "b", "b"])
    kept = filter_min_valid(_matrix(values), groups, 2, require="any")
    assert kept["feature"].values.tolist() == ["p0", "p1"]
    assert steps(kept)[-1] == {"step": "filter_min_valid", "min_valid": 2, "require": "any",
                               "removed": ["p2"]}


def test_down_shifted_imputation_is_seeded_and_left_censored():
    rng = np.random.default_rng(2)
    values = rng.normal(25, 2, (2000, 3))
    values[rng.random(values.shape) < 0.2] = np.nan
    first = impute_down_shifted(_matrix(values), seed=7)
    again = impute_down_shifted(_matrix(values), seed=7)
    np.testing.assert_array_equal(first.values, again.values)
    imputed = first.values[np.isnan(values)]
    assert np.isfinite(first.values).all()
    assert imputed.mean() == pytest.approx(25 - 1.8 * 2, abs=0.15)
    assert imputed.std() == pytest.approx(0.3 * 2, abs=0.08)
    assert steps(first)[-1]["n_imputed"] == int(np.isnan(values).sum())
