"""Clinical and pharmacological analysis steps: read the study store, write results to it.

``clinical_analysis`` tests the biomarker against the response (group tests, ROC, logistic
regression), correlates tissue scores, analyses survival and the clinical association of
genes' tumour expression; ``dose_response_analysis`` fits dose-response curves, IC50 ratios
and drug combinations. Every result table is written under ``results/clinical/`` or
``results/dose_response/`` with provenance; the returned dicts summarise them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from omics.io.study import ClinicalPlan, DoseResponsePlan, GeneClinicalPlan, SurvivalPlan
from omics.stats.association import score_correlation
from omics.stats.biomarker import compare_response_groups
from omics.stats.dose_response import (
    combination_table,
    fit_dose_response,
    ic50_ratio,
)
from omics.stats.logistic import logistic_regression
from omics.stats.roc import roc_analysis
from omics.stats.selection import select_samples
from omics.stats.survival import cox_model, kaplan_meier_by_group
from omics.steps.analysis import expression_dataarray
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_table
from omics.store.writer import write_table

__all__ = ["clinical_analysis", "dose_response_analysis", "positive_outcome"]


def positive_outcome(response: pd.Series, positive: list[str]) -> pd.Series:
    """1 where the response is one of ``positive`` (default: its last ordered level), 0 where
    it is another level, NaN where missing.

    Examples
    --------
    >>> r = pd.Series(pd.Categorical(["a", "c", None], categories=list("abc"), ordered=True))
    >>> positive_outcome(r, []).tolist()
    [0.0, 1.0, nan]
    """
    levels = positive or [response.cat.categories[-1]]
    return pd.Series(np.where(response.isna(), np.nan, response.isin(levels).astype(float)),
                     index=response.index)


def _write(store, analysis: str, name: str, table: pd.DataFrame, index: str, plan) -> None:
    """Store one result table as ``results/<analysis>/<name>`` (step ``<analysis>_<name>``)."""
    attrs = provenance(step=f"analysis:{analysis}_{name}",
                       parameters=plan.model_dump(mode="json"))
    write_table(store, layout.result_group(analysis, name), table, dim=index, index=index,
                attrs=attrs)


def clinical_analysis(store: str | Path, plan: ClinicalPlan) -> dict:
    """Every clinical analysis the plan asks for; see the module docstring and
    :class:`~omics.io.study.ClinicalPlan` for which parts run."""
    everyone = open_table(store, layout.CLINICAL)
    clinical = everyone.loc[select_samples(everyone, plan.subjects).to_numpy()]
    summary: dict = {"biomarker": plan.biomarker, "response": plan.response,
                     "subjects": plan.subjects, "n_subjects": len(clinical),
                     "n_subjects_total": len(everyone)}
    if plan.tests_response:
        summary.update(_response_tests(store, clinical, plan))
    if plan.survival and plan.biomarker:
        summary["survival"] = _survival(store, clinical, plan, plan.survival)
    if plan.genes:
        summary["genes"] = _gene_association(store, clinical, plan, plan.genes)
    return summary


def _response_tests(store, clinical: pd.DataFrame, plan: ClinicalPlan) -> dict:
    """Biomarker against the response: group tests, trend, ROC, logistic regression, and
    the tissue score correlations."""
    marker = clinical[plan.biomarker].to_numpy(float)
    response = clinical[plan.response]
    groups = compare_response_groups(marker, response.array)
    trend = groups["jonckheere"]
    spearman = score_correlation(marker, np.asarray(response.array.codes, dtype=float))
    rows = [
        {"test": f"{plan.biomarker} ~ {plan.response} (Kruskal-Wallis)",
         "statistic": groups["kruskal"]["h"], "p_value": groups["kruskal"]["p_value"],
         "effect": groups["kruskal"]["epsilon_squared"], "effect_name": "epsilon_squared",
         "n": groups["n"]},
        {"test": f"{plan.biomarker} ~ {plan.response} (Jonckheere-Terpstra)",
         "statistic": trend.statistic, "p_value": trend.p_value, "effect": trend.tau,
         "effect_name": "tau", "n": groups["n"]},
    ]
    score_rows = [{"a": a, "b": b, **score_correlation(clinical[a].to_numpy(float),
                                                       clinical[b].to_numpy(float))}
                  for a, b in plan.score_pairs]
    for name, item in [(f"{plan.biomarker} ~ {plan.response}", spearman)] + [
            (f"{s['a']} ~ {s['b']}", s) for s in score_rows]:
        rows.append({"test": f"{name} (Spearman)", "statistic": item["spearman_rho"],
                     "p_value": item["spearman_p"], "effect": item["spearman_rho"],
                     "effect_name": "rho", "ci_low": item["ci_low"],
                     "ci_high": item["ci_high"], "n": item["n"]})
    _write(store, "clinical", "association", pd.DataFrame(rows), "test", plan)
    _write(store, "clinical", "pairwise", groups["pairwise"].assign(
        pair=lambda t: t["level_b"] + "_vs_" + t["level_a"]), "pair", plan)
    outcome = positive_outcome(response, plan.positive)
    roc = roc_analysis(marker, outcome.to_numpy())
    _write(store, "clinical", "roc", pd.DataFrame([{"biomarker": plan.biomarker, **vars(roc)}]),
           "biomarker", plan)
    logistic_table = clinical.assign(_outcome=outcome)
    logistic = logistic_regression(logistic_table, "_outcome", plan.biomarker, plan.covariates)
    odds = logistic["odds_ratios"].rename_axis("term").reset_index()
    _write(store, "clinical", "logistic", odds, "term", plan)
    return {
        "n": groups["n"], "median_by_level": groups["median_by_level"],
        "spearman_rho": spearman["spearman_rho"], "spearman_p": spearman["spearman_p"],
        "kruskal_p": groups["kruskal"]["p_value"], "jonckheere_p": trend.p_value,
        "jonckheere_tau": trend.tau, "score_pairs": score_rows,
        "roc": {k: v for k, v in vars(roc).items()},
        "odds_ratio_per_sd": logistic["or_per_sd"], "odds_ratio_per_sd_ci": logistic["ci_per_sd"],
        "positive": plan.positive or [str(response.cat.categories[-1])],
    }


def _survival(store, clinical: pd.DataFrame, plan: ClinicalPlan, survival: SurvivalPlan
              ) -> dict:
    km = kaplan_meier_by_group(clinical, plan.biomarker, survival.time, survival.event,
                               survival.cutoff)
    groups = pd.DataFrame([{"group": name, "n": g.n, "events": g.events,
                            "median_months": g.median, "cutoff": km.cutoff,
                            "logrank_p": km.logrank_p} for name, g in km.groups.items()])
    _write(store, "clinical", "kaplan_meier", groups, "group", plan)
    cox = cox_model(clinical, survival.time, survival.event, [plan.biomarker, *plan.covariates],
                    standardise=[plan.biomarker])
    table = cox.summary.rename_axis("term").reset_index()[
        ["term", "coef", "exp(coef)", "exp(coef) lower 95%", "exp(coef) upper 95%", "p"]]
    table.columns = ["term", "coef", "hazard_ratio", "ci_low", "ci_high", "p_value"]
    table["ph_test_p"] = table["term"].map(cox.ph_test["p"])
    _write(store, "clinical", "cox", table, "term", plan)
    row = table.set_index("term").loc[plan.biomarker]
    return {"logrank_p": km.logrank_p, "cutoff": km.cutoff,
            "median_months": {name: g.median for name, g in km.groups.items()},
            "hazard_ratio_per_sd": float(row["hazard_ratio"]),
            "hazard_ratio_ci": (float(row["ci_low"]), float(row["ci_high"])),
            "cox_p": float(row["p_value"]), "ph_violated": cox.ph_violated,
            "concordance": cox.concordance}


def _gene_association(store, clinical: pd.DataFrame, plan: ClinicalPlan,
                      genes: GeneClinicalPlan) -> list[dict]:
    """Tumour expression (on the modality's log scale: log-CPM of counts, log2 values as
    they are) of each gene against the response (Jonckheere-Terpstra trend) and survival
    (univariable Cox per SD of expression)."""
    values, _, samples, _ = expression_dataarray(store, genes.modality)
    subjects = samples.index.astype(str).to_numpy() if genes.subject_column is None \
        else samples[genes.subject_column].astype(str).to_numpy()
    linked = clinical.reindex(subjects)
    measured = set(np.asarray(values["feature"].values).astype(str))
    rows = []
    for gene in genes.genes:
        if gene not in measured:
            rows.append({"gene": gene, "modality": genes.modality, "measured": False})
            continue
        expression = values.sel(feature=gene).values
        row = {"gene": gene, "modality": genes.modality, "measured": True}
        if plan.response is not None:
            trend = compare_response_groups(expression, linked[plan.response].array)
            row.update({"jonckheere_tau": trend["jonckheere"].tau,
                        "jonckheere_p": trend["jonckheere"].p_value})
        if plan.survival:
            row.update(_gene_cox(linked.assign(_expression=expression), plan.survival))
        rows.append(row)
    _write(store, "clinical", "genes", pd.DataFrame(rows), "gene", plan)
    return rows


def _gene_cox(table: pd.DataFrame, survival: SurvivalPlan) -> dict:
    """Univariable Cox model of survival on one gene's expression, per SD."""
    complete = table.dropna(subset=["_expression", survival.time, survival.event])
    cox = cox_model(complete, survival.time, survival.event, ["_expression"],
                    standardise=["_expression"]).summary.loc["_expression"]
    return {"cox_hazard_ratio_per_sd": float(cox["exp(coef)"]),
            "cox_ci_low": float(cox["exp(coef) lower 95%"]),
            "cox_ci_high": float(cox["exp(coef) upper 95%"]), "cox_p": float(cox["p"]),
            "cox_n": len(complete), "cox_events": int(complete[survival.event].sum())}


def dose_response_analysis(store: str | Path, plan: DoseResponsePlan) -> dict:
    """4PL fits per condition, the plan's IC50 ratios and, with a checkerboard, Bliss excess
    and combination indices."""
    table = open_table(store, layout.table_group(plan.table))
    fits = fit_dose_response(table, plan.condition, plan.dose, plan.response)
    _write(store, "dose_response", "fits", fits, "condition", plan)
    ratios = pd.DataFrame([{"ratio_name": name, **ic50_ratio(fits, numerator, denominator)}
                           for name, (numerator, denominator) in plan.ratios.items()])
    if len(ratios):
        _write(store, "dose_response", "ratios", ratios, "ratio_name", plan)
    summary = {"fits": fits[["condition", "status", "ic50_um", "ci_low", "ci_high"]].to_dict(
        "records"), "ratios": ratios.to_dict("records")}
    if plan.combination:
        combo = plan.combination
        matrix = open_table(store, layout.table_group(combo.table))
        merged = combination_table(matrix, combo.dose_a, combo.dose_b, combo.response)
        merged.insert(0, "pair", [f"{a:g}+{b:g}" for a, b in
                                  zip(merged[combo.dose_a], merged[combo.dose_b], strict=True)])
        _write(store, "dose_response", "combination", merged, "pair", plan)
        summary["combination"] = {
            "mean_bliss_excess": float(merged["excess"].mean()),
            "median_combination_index": float(merged["combination_index"].median()),
        }
    return summary
