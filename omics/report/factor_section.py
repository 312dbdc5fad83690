"""The report's multi-omics factor section: variance explained per view and factor, the
factors' associations with the clinical variables, their top weights, and the samples on
the two factors most associated with the first categorical variable."""

from __future__ import annotations

from pathlib import Path

from omics.pl import figures as plots
from omics.pl.labels import significant
from omics.steps.factors import FACTORS, factor_matrix
from omics.store.results import read_result, recorded_parameters, result_names

__all__ = ["factor_methods", "factor_section"]


def factor_section(store: str | Path, full_table) -> dict | None:
    """Tables and figures of ``results/factors``, or ``None`` when there are none.
    ``full_table(analysis, name)`` links the exported TSV."""
    if "variance" not in result_names(store, FACTORS):
        return None
    plan = recorded_parameters(store, FACTORS, "variance")
    variance = factor_matrix(store, "variance", "view", "r2")
    figures = [{"figure": plots.activity_heatmap(variance, "% variance",
                                                 "MOFA+ variance explained", sequential=True),
                "title": "Variance of each view explained by each MOFA+ factor (percent)"}]
    associations = read_result(store, FACTORS, "associations").drop(columns="row")
    categorical = plan.get("categorical") or []
    if categorical and len(associations):
        chosen = associations[associations["variable"] == categorical[0]].sort_values(
            "p_value")["factor"].head(2).tolist()
        if len(chosen) == 2:
            long = read_result(store, FACTORS, "scores")
            scores = long.pivot(index="sample", columns="factor", values="score")
            labels = long.drop_duplicates("sample").set_index("sample")[categorical[0]]
            labels = labels.reindex(scores.index).astype(str).rename(categorical[0])
            figures.append({"figure": plots.factor_scatter(scores[chosen],
                                                           labels.reset_index(drop=True)),
                            "title": f"Samples on the two factors most associated with "
                                     f"{categorical[0]}"})
    shown = associations.copy()
    for column in ("p_value", "fdr"):
        shown[column] = shown[column].map(significant)
    shown = shown.round({"statistic": 3, "effect": 3})
    weights = read_result(store, FACTORS, "weights").drop(columns="row").round({"weight": 3})
    return {"figures": figures, "associations": shown, "weights": weights,
            "full_weights": full_table(FACTORS, "weights"),
            "full_associations": full_table(FACTORS, "associations")}


def factor_methods(store: str | Path) -> str | None:
    """The methods paragraph of the factor analysis."""
    if "variance" not in result_names(store, FACTORS):
        return None
    plan = recorded_parameters(store, FACTORS, "variance")
    fit = plan.get("fit") or {}
    views = ", ".join(f"{v} ({n[0]} samples x {n[1]} features)"
                      for v, n in fit.get("views", {}).items())
    joined = f"joined by the sample column '{plan['pair_by']}'" if plan.get("pair_by") \
        else "joined by identical sample ids"
    batch = f"; {plan['remove_batch']} removed first (limma removeBatchEffect)" \
        if plan.get("remove_batch") else ""
    return (f"MOFA+ (mofapy2; Gaussian likelihoods, {plan.get('n_factors')} factors, seed "
            f"{plan.get('seed')}, convergence '{fit.get('convergence', 'fast')}', features "
            f"standardised) over {views}, "
            f"{joined}{batch}; factors tested against categorical variables by "
            "Kruskal-Wallis, numeric ones by Spearman and survival by Cox per SD, BH over "
            "the factors.")
