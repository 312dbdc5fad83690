"""Survival by a biomarker: Kaplan-Meier by high/low groups, log-rank, Cox models (lifelines).

Examples
--------
>>> import pandas as pd
>>> rng = np.random.default_rng(1)
>>> marker = rng.normal(size=120)
>>> time = rng.exponential(np.exp(-0.8 * marker) * 12)
>>> table = pd.DataFrame({"marker": marker, "time": np.minimum(time, 24),
...                       "event": (time < 24).astype(int)})
>>> km = kaplan_meier_by_group(table, "marker", "time", "event")
>>> bool(km.logrank_p < 0.01), km.groups["high"].median < km.groups["low"].median
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test, proportional_hazard_test

from omics.errors import OmicsInputError

__all__ = ["CoxResult", "GroupSurvival", "KaplanMeierResult", "cox_model",
           "kaplan_meier_by_group"]


@dataclass
class GroupSurvival:
    """One group's Kaplan-Meier estimate."""

    n: int
    events: int
    median: float  # months (inf when the curve stays above 0.5)
    timeline: np.ndarray
    survival: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    durations: np.ndarray = field(default_factory=lambda: np.empty(0))  # per subject
    observed: np.ndarray = field(default_factory=lambda: np.empty(0, bool))  # event, not censored


@dataclass
class KaplanMeierResult:
    """Kaplan-Meier curves of the biomarker-high and -low groups and their log-rank test."""

    cutoff: float  # high = biomarker > cutoff
    cutoff_rule: str
    groups: dict[str, GroupSurvival]
    logrank_statistic: float
    logrank_p: float


def _complete(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    data = table[columns].dropna()
    if data.empty:
        raise OmicsInputError("survival", f"no row with all of {columns}", "complete rows")
    return data


def kaplan_meier_by_group(table: pd.DataFrame, biomarker: str, time: str, event: str,
                          cutoff: float | None = None) -> KaplanMeierResult:
    """Kaplan-Meier by ``biomarker`` high (> cutoff) and low, with the log-rank test.

    ``cutoff`` defaults to the biomarker's median (a median split).
    """
    data = _complete(table, [biomarker, time, event])
    rule = "median" if cutoff is None else "chosen"
    cutoff = float(data[biomarker].median()) if cutoff is None else float(cutoff)
    high = data[biomarker] > cutoff
    groups = {}
    for name, members in (("high", data[high]), ("low", data[~high])):
        if members.empty:
            raise OmicsInputError("cutoff", f"{cutoff}, which leaves the {name} group empty",
                                  "a cut-off inside the biomarker's range")
        fitter = KaplanMeierFitter().fit(members[time], members[event], label=name)
        ci = fitter.confidence_interval_survival_function_
        groups[name] = GroupSurvival(
            int(len(members)), int(members[event].sum()), float(fitter.median_survival_time_),
            fitter.timeline, fitter.survival_function_[name].to_numpy(),
            ci.iloc[:, 0].to_numpy(), ci.iloc[:, 1].to_numpy(),
            members[time].to_numpy(float), members[event].to_numpy().astype(bool))
    test = logrank_test(data.loc[high, time], data.loc[~high, time],
                        data.loc[high, event], data.loc[~high, event])
    return KaplanMeierResult(cutoff, rule, groups, float(test.test_statistic),
                             float(test.p_value))


@dataclass
class CoxResult:
    """A Cox proportional-hazards model and its proportional-hazards check."""

    summary: pd.DataFrame  # per covariate: coef, hazard ratio, CI, p (lifelines' summary)
    concordance: float
    n: int
    events: int
    ph_test: pd.DataFrame  # per covariate: Schoenfeld-residual test statistic and p
    ph_violated: list[str]  # covariates with PH test p < 0.05


_COX_PRECISION = 1e-12


def cox_model(table: pd.DataFrame, time: str, event: str, covariates: list[str],
              standardise: list[str] | tuple[str, ...] = ()) -> CoxResult:
    """Cox PH of ``time``/``event`` on ``covariates`` (categoricals dummy-coded), with
    lifelines' Schoenfeld-residual test of proportional hazards (rank-transformed time).

    Columns in ``standardise`` are scaled to unit SD first (hazard ratio per SD). Newton
    steps run to a tolerance of 1e-12 (lifelines' default 1e-7 stops up to 6e-5 away from
    R ``coxph`` in the hazard ratio).
    """
    data = _complete(table, [time, event, *covariates])
    design = pd.get_dummies(data[covariates], drop_first=True, dtype=float)
    for column in standardise:
        design[column] = design[column] / design[column].std(ddof=1)
    frame = pd.concat([design, data[[time, event]].astype(float)], axis=1)
    fitter = CoxPHFitter().fit(frame, duration_col=time, event_col=event,
                               fit_options={"precision": _COX_PRECISION})
    ph = proportional_hazard_test(fitter, frame, time_transform="rank").summary
    return CoxResult(fitter.summary, float(fitter.concordance_index_), int(len(frame)),
                     int(frame[event].sum()), ph, sorted(ph.index[ph["p"] < 0.05].tolist()))
