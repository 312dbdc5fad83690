"""The public API as a notebook user meets it: ``import omics as ox``."""

from __future__ import annotations

import warnings

import anndata as ad
import numpy as np
import pandas as pd
import pytest

import omics as ox
from omics.errors import OmicsInputError
from omics.stats.limma_fit import NonEstimableWarning


def test_differential_in_five_lines_on_the_builtin_cohort(truth):
    prot = ox.datasets.builtin_cohort(scale="small")["proteomics"]
    ox.pp.log2(prot)
    ox.pp.median_normalise(prot)
    fit = ox.tl.differential(prot, "~ 0 + condition + plex",
                             {"res": "condition[res_cells] - condition[sens_cells]"})
    table = fit.top_table("res")
    assert list(table.columns) == ["logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value",
                                   "adj.P.Val", "B"]
    assert table.index[:5].isin(list(truth["protein_effects"]["resistant_vs_sensitive_cells"])
                                ).all()
    assert [s["step"] for s in ox.pp.history(prot)] == ["log2", "median_normalise"]


def test_categorical_obs_with_a_leftover_level_needs_no_glue():
    prot = ox.datasets.builtin_cohort(scale="small")["proteomics"]
    prot.obs["condition"] = prot.obs["condition"].astype("category")
    ox.pp.log2(prot)
    assert "pool" in prot.obs["condition"].cat.categories
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonEstimableWarning)
        fit = ox.tl.differential(prot, "~ 0 + condition + plex",
                                 {"res": "condition[res_cells] - condition[sens_cells]"},
                                 samples=~prot.obs["reference"])  # 'pool' channels left out
    table = fit.top_table("res", names="omics")
    assert table["p_value"].notna().mean() > 0.9
    assert "condition[pool]" not in fit.design.columns


def test_inplace_results_go_to_varm_and_uns_and_write_to_h5ad(tmp_path):
    rng = np.random.default_rng(0)
    adata = ad.AnnData(rng.normal(10, 1, (8, 40)),
                       obs=pd.DataFrame({"g": pd.Categorical(list("aaaabbbb"))},
                                        index=[f"s{i}" for i in range(8)]))
    adata.var_names = [f"gene{i}" for i in range(40)]
    fit = ox.tl.differential(adata, "~ g", inplace=True, key_added="de")
    assert set(adata.varm) == {"de_log2_fc", "de_t", "de_p_value", "de_fdr", "de_log_odds"}
    pd.testing.assert_series_equal(adata.varm["de_t"]["g[T.b]"],
                                   fit.top_table("g[T.b]", sort_by="none")["t"],
                                   check_names=False)
    assert adata.uns["de"]["design"] == "~ g" and adata.uns["de"]["n_samples"] == 8
    adata.write_h5ad(tmp_path / "a.h5ad")
    back = ad.read_h5ad(tmp_path / "a.h5ad")
    np.testing.assert_allclose(back.varm["de_t"], adata.varm["de_t"])


def test_sample_subset_by_name_and_mask_agree():
    prot = ox.datasets.builtin_cohort(scale="small")["proteomics"]
    ox.pp.log2(prot)
    mask = ~prot.obs["reference"].to_numpy()
    by_mask = ox.tl.differential(prot, "~ 0 + condition", samples=mask)
    by_name = ox.tl.differential(prot, "~ 0 + condition", samples=prot.obs_names[mask])
    np.testing.assert_array_equal(by_mask.t, by_name.t)
    assert len(by_mask.design) == int(mask.sum())
    with pytest.raises(OmicsInputError, match="found unknown sample 'nope'"):
        ox.tl.differential(prot, "~ 0 + condition", samples=["nope"])


def test_read_store_gives_a_lazy_mudata_with_clinical_obs(small_store):
    mdata = ox.read_store(small_store)
    assert type(mdata["proteomics"].X).__module__.startswith("dask")
    tumours = mdata["tumours"]
    assert tumours.obs["serum_exo_anxa6_ng_ml"].notna().all()
    assert tumours.obs["response"].cat.ordered


def test_protein_mrna_pairs_samples_by_culture():
    mdata = ox.datasets.builtin_cohort(scale="small")
    prot, rna = mdata["proteomics"], mdata["cells"]
    ox.pp.log2(prot)
    ox.pp.log_cpm(rna)
    table = ox.tl.protein_mrna(prot, rna, pair_by="culture")
    assert table["n"].max() == 12 and len(table) > 500
    assert table.columns.tolist() == ["feature", "r", "n", "p_value", "fdr"]


def test_log_cpm_refuses_log_values():
    prot = ox.datasets.builtin_cohort(scale="small")["proteomics"]
    ox.pp.log2(prot)
    with pytest.raises(OmicsInputError, match="found missing or infinite counts; "
                                              "expected complete counts"):
        ox.pp.log_cpm(prot)
    complete = prot[:, np.isfinite(prot.X).all(axis=0)].copy()
    with pytest.raises(OmicsInputError, match=r"found non-integer values no larger than "
                                              r"[0-9.]+ \(log values\?\); expected raw or "
                                              "expected counts"):
        ox.pp.log_cpm(complete)
