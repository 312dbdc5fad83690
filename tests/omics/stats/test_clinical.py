"""Clinical statistics against R (pROC, glm, survival), lifelines, scipy and exact counts."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import logrank_test
from scipy import stats
from statsmodels.stats.multitest import multipletests

from omics.stats.association import score_correlation
from omics.stats.biomarker import compare_response_groups, jonckheere_terpstra
from omics.stats.logistic import logistic_regression
from omics.stats.roc import roc_analysis
from omics.stats.survival import cox_model, kaplan_meier_by_group
from tests.conftest import shared_data
from tests.rscript import run_r

LEVELS = ["highly_sensitive", "sensitive", "resistant"]


def _ordered(labels):
    return pd.Categorical(labels, categories=LEVELS, ordered=True)


def test_jonckheere_statistic_and_variance_equal_the_exact_permutation_moments():
    values = np.array([1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 5.0, 4.0])  # with ties
    labels = ["highly_sensitive"] * 3 + ["sensitive"] * 2 + ["resistant"] * 3
    observed = jonckheere_terpstra(values, _ordered(labels))
    brute = sum((b > a) + 0.5 * (b == a) for i, a in enumerate(values) for j, b in
                enumerate(values) if LEVELS.index(labels[i]) < LEVELS.index(labels[j]))
    assert observed.statistic == brute
    statistics = {jonckheere_terpstra(values, _ordered(list(p))).statistic
                  for p in set(permutations(labels))}
    exact = np.array([jonckheere_terpstra(values, _ordered(list(p))).statistic
                      for p in set(permutations(labels))])
    assert len(statistics) > 5
    assert observed.mean == pytest.approx(exact.mean(), rel=1e-12)
    assert observed.variance == pytest.approx(exact.var(), rel=1e-12)


def test_group_comparison_matches_scipy_and_statsmodels(small_store):
    from omics.store import open_table

    clinical = open_table(small_store, "clinical")
    values = clinical["serum_exo_anxa6_ng_ml"].to_numpy(float)
    out = compare_response_groups(values, clinical["response"].array)
    groups = [values[(clinical["response"] == level).to_numpy()] for level in LEVELS]
    kruskal = stats.kruskal(*groups)
    n = sum(len(g) for g in groups)
    assert out["kruskal"]["h"] == pytest.approx(kruskal.statistic, rel=1e-12)
    assert out["kruskal"]["epsilon_squared"] == pytest.approx(kruskal.statistic / (n - 1) *
                                                              (n + 1) / (n + 1), rel=1e-12)
    p = [stats.mannwhitneyu(groups[b], groups[a]).pvalue for a, b in ((0, 1), (0, 2), (1, 2))]
    np.testing.assert_allclose(out["pairwise"]["p_value"], p, rtol=1e-12)
    np.testing.assert_allclose(out["pairwise"]["p_adjusted"],
                               multipletests(p, method="holm")[1], rtol=1e-12)
    # planted: serum ANXA6 rises with resistance
    assert out["jonckheere"].p_increasing < 1e-6 and out["jonckheere"].tau > 0.3
    assert (out["pairwise"]["rank_biserial"] > 0).all()


def test_roc_auc_and_delong_interval_match_r_proc(tmp_path):
    rng = np.random.default_rng(5)
    outcome = np.r_[np.zeros(60), np.ones(40)].astype(int)
    score = np.round(rng.normal(outcome * 0.9, 1.0), 1)  # rounded: ties
    ours = roc_analysis(score, outcome)
    reference = run_r(tmp_path, pd.DataFrame({"score": score, "outcome": outcome}),
                      "r <- roc(d$outcome, d$score, direction = '<', quiet = TRUE);"
                      "ci <- ci.auc(r, method = 'delong');"
                      "b <- coords(r, 'best', best.method = 'youden', ret = "
                      "c('sensitivity', 'specificity'));"
                      "cat(format(c(ci[2], ci[1], ci[3], b[1, 1], b[1, 2]), digits = 15))",
                      packages=("pROC",))
    assert ours.auc == pytest.approx(reference[0], rel=1e-12)
    assert (ours.ci_low, ours.ci_high) == pytest.approx(reference[1:3], rel=1e-10)
    assert (ours.sensitivity, ours.specificity) == pytest.approx(reference[3:5], rel=1e-12)
    boot = roc_analysis(score, outcome, ci_method="bootstrap", n_bootstrap=1000, seed=1)
    assert boot.ci_low < ours.auc < boot.ci_high
    assert abs(boot.ci_low - ours.ci_low) < 0.03 and abs(boot.ci_high - ours.ci_high) < 0.03


def test_logistic_regression_matches_r_glm(tmp_path, small_store):
    from omics.store import open_table

    clinical = open_table(small_store, "clinical").reset_index()
    clinical["resistant"] = (clinical["response"] == "resistant").astype(int)
    clinical["stage"] = clinical["stage"].astype(str)
    fit = logistic_regression(clinical, "resistant", "serum_exo_anxa6_ng_ml",
                              covariates=["age", "stage"])
    table = clinical[["resistant", "serum_exo_anxa6_ng_ml", "age", "stage"]]
    reference = run_r(tmp_path, table,
                      "f <- glm(resistant ~ serum_exo_anxa6_ng_ml + age + stage, binomial, d,"
                      " control = glm.control(epsilon = 1e-14, maxit = 100));"
                      "ci <- confint.default(f); cat(format(c(coef(f), ci[2, ], "
                      "summary(f)$coefficients[2, 4]), digits = 15))")
    odds = fit["odds_ratios"]
    np.testing.assert_allclose(np.log(odds["odds_ratio"]), reference[:5], rtol=1e-8)
    assert (odds.iloc[1]["ci_low"], odds.iloc[1]["ci_high"]) == pytest.approx(
        tuple(np.exp(reference[5:7])), rel=1e-8)
    assert odds.iloc[1]["p_value"] == pytest.approx(reference[7], rel=1e-8)
    assert fit["or_per_sd"] == pytest.approx(np.exp(reference[1] * fit["biomarker_sd"]),
                                             rel=1e-6)
    assert fit["converged"] and fit["odds_ratios"].loc["serum_exo_anxa6_ng_ml",
                                                       "ci_low"] > 1


def test_score_correlation_interval_covers_the_planted_rho():
    rng = np.random.default_rng(8)
    latent = rng.normal(size=400)
    out = score_correlation(latent + rng.normal(size=400), latent + rng.normal(size=400))
    assert out["ci_low"] < out["spearman_rho"] < out["ci_high"]
    assert out["ci_low"] < 0.48 < out["ci_high"]  # Spearman of two r = 0.5 normals: 0.48


def _gse1992():
    table = pd.read_csv(shared_data(
        "transcriptomics_clinical/gse1992_breast_expression_survival.csv.gz"),
        usecols=["pid", "event", "time", "num_age", "num_HS_ANXA6", "num_HS_EGFR"])
    return table


@pytest.mark.parametrize("gene", ["num_HS_ANXA6", "num_HS_EGFR"])
def test_kaplan_meier_and_log_rank_on_gse1992_equal_lifelines(gene):
    table = _gse1992()
    assert len(table) == 124 and table["event"].sum() == 35
    km = kaplan_meier_by_group(table, gene, "time", "event")
    data = table.dropna(subset=[gene, "time", "event"])
    high = data[gene] > data[gene].median()
    direct = logrank_test(data.loc[high, "time"], data.loc[~high, "time"],
                          data.loc[high, "event"], data.loc[~high, "event"])
    assert km.cutoff == data[gene].median() and km.cutoff_rule == "median"
    assert km.logrank_p == pytest.approx(direct.p_value, rel=1e-12)
    assert km.groups["high"].n + km.groups["low"].n == len(data)
    assert km.groups["high"].events + km.groups["low"].events == 35
    chosen = kaplan_meier_by_group(table, gene, "time", "event",
                                   cutoff=float(data[gene].quantile(0.75)))
    assert chosen.cutoff_rule == "chosen" and chosen.groups["high"].n < km.groups["high"].n


def test_cox_model_on_gse1992_equals_lifelines_and_r_survival(tmp_path):
    table = _gse1992()
    ours = cox_model(table, "time", "event", ["num_HS_ANXA6", "num_HS_EGFR", "num_age"])
    data = table[["time", "event", "num_HS_ANXA6", "num_HS_EGFR", "num_age"]].dropna()
    direct = CoxPHFitter().fit(data, duration_col="time", event_col="event",
                               fit_options={"precision": 1e-12})
    np.testing.assert_allclose(ours.summary["coef"], direct.summary["coef"], rtol=1e-10)
    reference = run_r(tmp_path, data, "f <- coxph(Surv(time, event) ~ num_HS_ANXA6 + "
                      "num_HS_EGFR + num_age, d, ties = 'efron'); "
                      "cat(format(c(coef(f), sqrt(diag(vcov(f)))), digits = 15))",
                      packages=("survival",))
    np.testing.assert_allclose(ours.summary["coef"], reference[:3], rtol=1e-5)
    np.testing.assert_allclose(ours.summary["se(coef)"], reference[3:], rtol=1e-5)
    assert ours.n == len(data) and ours.events == 35
    assert set(ours.ph_test.index) == {"num_HS_ANXA6", "num_HS_EGFR", "num_age"}


def test_survival_of_the_built_in_cohort_follows_the_planted_biomarker(small_store):
    from omics.store import open_table

    clinical = open_table(small_store, "clinical").reset_index()
    km = kaplan_meier_by_group(clinical, "serum_exo_anxa6_ng_ml", "pfs_months", "pfs_event")
    assert km.logrank_p < 0.01
    assert km.groups["high"].median < km.groups["low"].median
    clinical["log_serum_anxa6"] = np.log(clinical["serum_exo_anxa6_ng_ml"])  # log-normal
    cox = cox_model(clinical, "pfs_months", "pfs_event", ["log_serum_anxa6", "age", "stage"],
                    standardise=["log_serum_anxa6"])
    assert cox.summary.loc["log_serum_anxa6", "exp(coef) lower 95%"] > 1
    assert "stage_III" in cox.summary.index
