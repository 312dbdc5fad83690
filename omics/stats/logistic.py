"""Logistic regression of a binary outcome on a biomarker and covariates (statsmodels).

The design comes from a formulaic formula over the table; the biomarker's odds ratio is
reported per unit and per standard deviation, with Wald 95% intervals.

Examples
--------
>>> import pandas as pd
>>> rng = np.random.default_rng(0)
>>> table = pd.DataFrame({"marker": rng.normal(size=200), "age": rng.normal(50, 10, 200)})
>>> table["resistant"] = (rng.random(200) < 1 / (1 + np.exp(-1.5 * table["marker"]))) * 1
>>> fit = logistic_regression(table, "resistant", "marker", covariates=["age"])
>>> bool(fit["odds_ratios"].loc["marker", "ci_low"] > 1)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from formulaic import model_matrix
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from omics.errors import OmicsInputError

__all__ = ["logistic_regression"]


def logistic_regression(table: pd.DataFrame, outcome: str, biomarker: str,
                        covariates: list[str] | tuple[str, ...] = (),
                        level: float = 0.95) -> dict:
    """Fit ``outcome ~ biomarker + covariates`` by maximum likelihood (``sm.Logit``).

    Rows with a missing value in any used column are left out (their number is reported).

    Returns
    -------
    dict
        ``odds_ratios`` (DataFrame per term: odds_ratio, ci_low, ci_high, p_value), the
        biomarker's odds ratio per standard deviation (``or_per_sd`` with ``ci_per_sd``),
        ``n``, ``n_events``, ``n_dropped``, ``converged``, ``aic`` and the statsmodels
        ``result``.
    """
    columns = [outcome, biomarker, *covariates]
    data = table[columns].dropna()
    y = data[outcome].astype(float).to_numpy()
    if not set(np.unique(y)) <= {0.0, 1.0}:
        raise OmicsInputError(outcome, "values other than 0 and 1", "an outcome coded 0/1")
    rhs = " + ".join([biomarker, *covariates])
    design = model_matrix(f"{rhs}", data.drop(columns=[outcome]))
    model = sm.Logit(y, pd.DataFrame(np.asarray(design), columns=list(design.columns),
                                     index=data.index))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            result = model.fit(disp=False)
        except (PerfectSeparationWarning, np.linalg.LinAlgError):
            raise OmicsInputError(
                biomarker, f"{outcome!r} perfectly separated by the model (no finite odds "
                "ratio)", "overlapping values between outcome groups (or fewer covariates)"
            ) from None
    interval = result.conf_int(alpha=1 - level)
    odds = pd.DataFrame({"odds_ratio": np.exp(result.params), "ci_low": np.exp(interval[0]),
                         "ci_high": np.exp(interval[1]), "p_value": result.pvalues})
    sd = float(data[biomarker].std(ddof=1))
    beta, low, high = result.params[biomarker], interval.loc[biomarker, 0], \
        interval.loc[biomarker, 1]
    return {
        "odds_ratios": odds,
        "or_per_sd": float(np.exp(beta * sd)),
        "ci_per_sd": (float(np.exp(low * sd)), float(np.exp(high * sd))),
        "biomarker_sd": sd,
        "n": int(len(data)),
        "n_events": int(y.sum()),
        "n_dropped": int(len(table) - len(data)),
        "converged": bool(result.mle_retvals.get("converged", False)),
        "aic": float(result.aic),
        "result": result,
    }
