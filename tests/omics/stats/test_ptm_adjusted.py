"""Site-level tests adjusted for protein abundance (MSstatsPTM's model on limma fits):
against a hand computation from the two limma fits, against planted truth, and on
MSstatsPTM's own TMT example."""

from __future__ import annotations

import anndata as ad
import numpy as np
import pandas as pd
from scipy import stats

import omics as ox
from omics.io import read
from omics.stats.design import design_matrix
from omics.stats.limma_fit import lm_fit
from tests.conftest import shared_data

CONTRAST = {"b_vs_a": "g[b] - g[a]"}


def _planted(seed: int = 7):
    """300 proteins with one site each, 4 vs 4 samples, and ten orphan sites.

    Proteins 0-19: protein and site up 1.5 (modification per molecule unchanged);
    20-39: site up 1.5, protein flat (per molecule up); 40-59: protein up 1.5, site flat
    (per molecule down, as EGFR's ubiquitination under resistant exosomes)."""
    rng = np.random.default_rng(seed)
    obs = pd.DataFrame({"g": list("aaaabbbb")}, index=[f"s{i}" for i in range(8)])
    protein = rng.normal(20, 1, 300)[None, :] + rng.normal(0, 0.25, (8, 300))
    site = protein - 5 + rng.normal(0, 0.25, (8, 300))
    b = slice(4, 8)
    protein[b, 0:20] += 1.5
    site[b, 0:20] += 1.5
    site[b, 20:40] += 1.5
    protein[b, 40:60] += 1.5
    orphans = rng.normal(14, 0.25, (8, 10))
    names = [f"P{i}" for i in range(300)]
    proteins = ad.AnnData(protein, obs=obs, var=pd.DataFrame(index=names))
    sites = ad.AnnData(np.hstack([site, orphans]), obs=obs, var=pd.DataFrame(
        {"protein": names + [f"Q{i}" for i in range(10)]},
        index=[f"P{i}_K{i + 10}" for i in range(300)] + [f"Q{i}_S1" for i in range(10)]))
    return sites, proteins


def test_adjusted_test_equals_the_hand_computation_from_both_limma_fits():
    sites, proteins = _planted()
    out = ox.tl.ptm_differential(sites, proteins, "~ 0 + g", CONTRAST)["b_vs_a"]
    fits = {}
    for name, data in (("site", sites), ("protein", proteins)):
        fit = lm_fit(data.X.T, design_matrix(data.obs, "~ 0 + g")).contrasts_fit(CONTRAST)
        fits[name] = fit.ebayes()
    s, p = fits["site"], fits["protein"]
    i = 45  # site P45_K55 of a planted protein-only change
    se_s = np.sqrt(s.s2_post[i]) * s.stdev_unscaled[i, 0]
    se_p = np.sqrt(p.s2_post[i]) * p.stdev_unscaled[i, 0]
    fc = s.coefficients[i, 0] - p.coefficients[i, 0]
    se = np.sqrt(se_s ** 2 + se_p ** 2)
    df = se ** 4 / (se_s ** 4 / s.df_total[i] + se_p ** 4 / p.df_total[i])
    t = fc / se
    row = out.set_index("feature").loc["P45_K55"]
    assert row["protein"] == "P45" and row["adjusted"]
    np.testing.assert_allclose([row["log2_fc"], row["se"], row["df"], row["t"],
                                row["p_value"]],
                               [fc, se, df, t, 2 * stats.t.sf(abs(t), df)], rtol=1e-10)
    np.testing.assert_allclose(row["site_se"], se_s, rtol=1e-10)


def test_planted_changes_per_molecule_are_recovered():
    sites, proteins = _planted()
    out = ox.tl.ptm_differential(sites, proteins, "~ 0 + g", CONTRAST)["b_vs_a"]
    number = out["feature"].str.extract(r"^P(\d+)_")[0].astype(float)
    called = out["fdr"] < 0.05
    follows, site_up, protein_up = (number < 20), number.between(20, 39), \
        number.between(40, 59)
    assert (called & site_up & (out["log2_fc"] > 0)).sum() >= 19
    assert (called & protein_up & (out["log2_fc"] < 0)).sum() >= 19
    assert (called & follows).sum() <= 1  # the site follows its protein: no call
    assert (out.loc[follows, "site_fdr"] < 0.05).sum() >= 19  # unadjusted, all called
    null = number >= 60
    assert (called & null).sum() <= 3
    orphans = out[out["feature"].str.startswith("Q")]
    assert (~orphans["adjusted"]).all() and (orphans["protein"] == "").all()
    np.testing.assert_allclose(orphans["log2_fc"], orphans["site_log2_fc"])


def test_msstatsptm_tmt_example_adjusted():
    sites = read("msstats_ptm", shared_data("ptm/msstatsptm_sim_tmt_ptm.tsv"))
    proteins = read("msstats", shared_data("ptm/msstatsptm_sim_tmt_protein.tsv.gz"))
    for data in (sites, proteins):
        ox.pp.log2(data)
        ox.pp.median_normalise(data)
    contrasts = {"c2_vs_c1": "Condition[Condition_2] - Condition[Condition_1]"}
    out = ox.tl.ptm_differential(sites, proteins, "~ 0 + Condition + Mixture",
                                 contrasts)["c2_vs_c1"]
    assert len(out) == 90 and out["adjusted"].sum() == 89
    orphan = out[~out["adjusted"]]
    assert orphan["feature"].str.rsplit("_", n=1).str[0].isin(
        proteins.var_names).sum() == 0
    tested = out[out["adjusted"]]
    assert np.isfinite(tested["p_value"]).all()
    # the adjustment removes the protein's change from the site's
    np.testing.assert_allclose(tested["log2_fc"],
                               tested["site_log2_fc"] - tested["protein_log2_fc"])
    assert (tested["df"] <= tested["site_df"] + tested["protein_df"] + 1e-9).all()
