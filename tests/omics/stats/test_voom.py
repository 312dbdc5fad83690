"""edgeR's filterByExpr and TMM, limma's voom and weighted lmFit, against R on the same counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from omics.errors import OmicsInputError
from omics.stats.design import design_matrix
from omics.stats.differential import voom_t
from omics.stats.limma_fit import lm_fit
from omics.stats.voom import counts_values, filter_by_expr, library_sizes, tmm_factors, voom
from tests.conftest import shared_data
from tests.redger import rscript_voom


def _simulated_counts(seed: int = 3, n_genes: int = 1500) -> tuple[np.ndarray, pd.DataFrame]:
    """Negative-binomial counts, 4 + 4 samples in two batches, 60 genes up 3x in group b."""
    rng = np.random.default_rng(seed)
    means = rng.gamma(0.6, 300, size=(n_genes, 1)) * rng.uniform(0.5, 2, size=(1, 8))
    means[:60, 4:] *= 3
    counts = rng.negative_binomial(5, 5 / (5 + means)).astype(float)
    samples = pd.DataFrame({"group": list("aaaabbbb"), "batch": list("xyxyxyxy")})
    return counts, samples


def _compare(tmp_path, counts, samples, design, contrast, *, filter_by="design",
             robust=False):
    r = rscript_voom(tmp_path, counts, samples, design, contrast, filter_by=filter_by,
                     robust=robust)
    x = design_matrix(samples, design)
    keep = filter_by_expr(counts, design=x.to_numpy(float)) if filter_by == "design" \
        else filter_by_expr(counts, group=samples[filter_by].to_numpy())
    np.testing.assert_array_equal(keep, r["keep"])
    kept = counts[keep]
    factors = tmm_factors(kept)
    np.testing.assert_allclose(factors, r["norm_factors"], rtol=1e-12)
    voomed = voom(kept, x.to_numpy(float), lib_size=library_sizes(kept) * factors)
    np.testing.assert_allclose(voomed.weights, r["weights"], rtol=1e-8)
    weights = pd.DataFrame(np.asarray(contrast)[None, :], columns=x.columns).T
    fit = lm_fit(voomed.values, x, weights=voomed.weights,
                 features=[f"g{i}" for i in np.flatnonzero(keep)])
    table = fit.contrasts_fit(weights.set_axis(["c"], axis=1)).ebayes(robust=robust) \
        .top_table("c", sort_by="none")
    top = r["top"]
    np.testing.assert_array_equal(table.index, top.index)
    for column in ("logFC", "CI.L", "CI.R", "AveExpr", "t", "B"):
        np.testing.assert_allclose(table[column], top[column], rtol=1e-8, atol=1e-8,
                                   err_msg=column)
    np.testing.assert_allclose(table["P.Value"], top["P.Value"], rtol=1e-7)
    np.testing.assert_array_equal(table["adj.P.Val"] < 0.05, top["adj.P.Val"] < 0.05)
    return table


def test_voom_with_batch_covariate_equals_edger_and_limma(tmp_path):
    counts, samples = _simulated_counts()
    table = _compare(tmp_path, counts, samples, "~ batch + group", [0, 0, 1])
    called = table.index[table["adj.P.Val"] < 0.05]
    assert len(called) >= 25 and np.mean([int(g[1:]) < 60 for g in called]) > 0.85


def test_voom_robust_filtered_by_group_equals_r(tmp_path):
    counts, samples = _simulated_counts(seed=11)
    _compare(tmp_path, counts, samples, "~ 0 + group", [-1, 1], filter_by="group",
             robust=True)


def test_voom_on_tcga_rsem_expected_counts_equals_r(tmp_path):
    """Non-integer RSEM expected counts (TCGA BRCA, 5 tumours vs 5 normals)."""
    table = pd.read_csv(shared_data("transcriptomics_clinical/tcga_brca_rsem_20530x10.tsv.gz"),
                        sep="\t", index_col=0)
    samples = pd.DataFrame({"tissue": np.where(table.columns.str.contains("-01A-"),
                                               "tumour", "normal")})
    out = _compare(tmp_path, table.to_numpy(), samples, "~ 0 + tissue", [-1, 1],
                   filter_by="tissue")
    assert len(out) == 15920 and (out["adj.P.Val"] < 0.05).sum() == 441


def test_weighted_lm_fit_with_missing_values_equals_limma(tmp_path):
    """Weights and NaNs together: each gene is its own weighted fit on its observed values."""
    from tests.rlimma import rscript_weighted_lm_fit

    rng = np.random.default_rng(5)
    y = rng.normal(8, 1, size=(200, 8))
    y[rng.random(y.shape) < 0.1] = np.nan
    w = rng.uniform(0.2, 3, size=y.shape)
    w[3, 2] = 0.0  # a zero weight drops the value, as limma
    samples = pd.DataFrame({"g": list("aaaabbbb")})
    x = design_matrix(samples, "~ g")
    fit = lm_fit(y, x, weights=w).ebayes()
    r = rscript_weighted_lm_fit(tmp_path, y, w, x)
    np.testing.assert_allclose(fit.coefficients[:, 1], r["coef"], rtol=1e-10)
    np.testing.assert_allclose(fit.stdev_unscaled[:, 1], r["stdev"], rtol=1e-10)
    np.testing.assert_allclose(fit.sigma, r["sigma"], rtol=1e-10)
    np.testing.assert_allclose(fit.t[:, 1], r["t"], rtol=1e-9)


def test_voom_t_selects_samples_before_voom():
    counts, samples = _simulated_counts()
    data = xr.DataArray(counts, dims=("feature", "sample"),
                        coords={"feature": [f"g{i}" for i in range(len(counts))]})
    samples = samples.assign(keep=[True] * 7 + [False])
    out = voom_t(data, samples, "~ group", {"b": "group[T.b]"}, sample_query="keep")["b"]
    assert out.attrs["n_samples"] == 7 and out.attrs["method"].startswith("limma voom")


def test_log_values_are_refused_as_counts():
    logged = xr.DataArray(np.log2(np.arange(1.0, 13.0)).reshape(3, 4) + 5.1)
    with pytest.raises(OmicsInputError, match=r"non-integer values no larger than .*log values"):
        counts_values(logged)
    with pytest.raises(OmicsInputError, match="negative values"):
        counts_values(xr.DataArray([[-1.0, 2.0]]))


def test_the_public_api_voom_workflow_equals_r(tmp_path):
    """ox.pp.filter_by_expr -> ox.pp.tmm_normalise -> ox.pp.voom -> ox.tl.differential with
    the voom weights: R's filterByExpr, calcNormFactors, voom, lmFit, eBayes."""
    import anndata as ad

    import omics as ox

    counts, samples = _simulated_counts(seed=21)
    obs = samples.set_axis([f"s{i}" for i in range(len(samples))])
    adata = ad.AnnData(counts.T.copy(), obs=obs,
                       var=pd.DataFrame(index=[f"g{i}" for i in range(len(counts))]))
    ox.pp.filter_by_expr(adata, design="~ batch + group")
    ox.pp.tmm_normalise(adata)
    ox.pp.voom(adata, "~ batch + group")
    fit = ox.tl.differential(adata, "~ batch + group", layer="voom", weights="voom_weights")
    table = fit.top_table("group[T.b]", sort_by="none")
    r = rscript_voom(tmp_path, counts, samples, "~ batch + group", [0, 0, 1])
    assert list(adata.var_names) == list(r["top"].index)
    np.testing.assert_allclose(adata.obs["norm_factor"], r["norm_factors"], rtol=1e-12)
    np.testing.assert_allclose(table["t"], r["top"]["t"], rtol=1e-8, atol=1e-8)
    assert [step["step"] for step in ox.pp.history(adata)] == [
        "filter_by_expr", "tmm_normalise", "voom"]


def test_voom_with_sample_weights_equals_voom_with_quality_weights(tmp_path):
    """One noisy sample: limma's voomWithQualityWeights down-weights it; ours gives the same
    sample weights, precision weights and t (plan: method voom, sample_weights true)."""
    counts, samples = _simulated_counts(seed=8)
    rng = np.random.default_rng(1)
    counts[:, 2] = rng.poisson(counts[:, 2] * rng.gamma(2, 0.5, size=len(counts)))
    r = rscript_voom(tmp_path, counts, samples, "~ group", [0, 1], quality_weights=True)
    data = xr.DataArray(counts[r["keep"]], dims=("feature", "sample"),
                        coords={"feature": [f"g{i}" for i in np.flatnonzero(r["keep"])]})
    data = data.assign_coords(norm_factor=("sample", tmm_factors(counts[r["keep"]])))
    table = voom_t(data, samples, "~ group", {"b": "group[T.b]"}, sample_weights=True)["b"]
    weights = np.array(list(table.attrs["sample_weights"].values()))
    np.testing.assert_allclose(weights, r["sample_weights"], rtol=1e-6)
    assert int(np.argmin(weights)) == 2
    np.testing.assert_allclose(table["t"], r["top"]["t"], rtol=1e-8, atol=1e-8)
    assert table.attrs["method"].startswith("limma voomWithQualityWeights")
