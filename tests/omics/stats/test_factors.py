"""MOFA+ factors of the built-in cohort's tumours against the clinical outcome: the
response categories (Kruskal-Wallis), a numeric variable (Spearman) and progression-free
survival (Cox per SD), each equal to the reference statistic on the same values."""

from __future__ import annotations

import numpy as np
import pytest
from lifelines import CoxPHFitter
from scipy import stats

import omics as ox
from omics.stats.factors import factor_associations


def test_tumour_factors_against_response_age_and_survival(small_store):
    mdata = ox.read_store(small_store)
    tumours = mdata["tumours"]
    ox.pp.log_cpm(tumours)
    result = ox.tl.mofa({"tumours": tumours}, n_factors=3, seed=2)
    assert tumours.obsm["X_mofa"].shape == (tumours.n_obs, 3)
    clinical = tumours.obs.set_axis(tumours.obs_names.astype(str))
    table = factor_associations(result.factors, clinical, categorical=["response"],
                                numeric=["age"], survival=("pfs_months", "pfs_event"))
    assert len(table) == 9 and set(table["test"]) == {"kruskal", "spearman", "cox"}
    score = result.factors["Factor1"]
    row = table[(table["test"] == "kruskal") & (table["factor"] == "Factor1")].iloc[0]
    groups = [score[clinical["response"] == g] for g in clinical["response"].dropna().unique()]
    assert row["p_value"] == pytest.approx(stats.kruskal(*groups).pvalue)
    row = table[(table["test"] == "spearman") & (table["factor"] == "Factor1")].iloc[0]
    assert row["effect"] == pytest.approx(stats.spearmanr(score, clinical["age"])[0])
    row = table[(table["test"] == "cox") & (table["factor"] == "Factor1")].iloc[0]
    frame = clinical[["pfs_months", "pfs_event"]].astype(float).assign(
        score=score / score.std(ddof=1))
    cox = CoxPHFitter().fit(frame, "pfs_months", "pfs_event")
    assert row["effect"] == pytest.approx(float(np.exp(cox.params_["score"])), rel=1e-4)
    assert row["n"] == tumours.n_obs
