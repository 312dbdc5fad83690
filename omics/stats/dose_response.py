"""Dose-response: four-parameter logistic fits, IC50 ratios, Bliss excess, combination index.

The 4PL model is ``response = bottom + (top - bottom) / (1 + (dose / IC50) ** hill)`` (dose
0 gives ``top``), fitted by least squares (``scipy.optimize.curve_fit``) on log IC50. A fit is
reported with a status instead of a number whenever the number would mislead: ``ok``,
``not_converged``, ``ic50_below_range`` or ``ic50_above_range`` (the IC50 lies outside the
tested positive doses); ``ic50_um`` is NaN unless the status is ``ok`` (the raw estimate stays
in ``ic50_fit_um``).

Examples
--------
>>> doses = np.repeat([0.0, 0.01, 0.1, 1, 10, 100], 3)
>>> viability = 5 + 95 / (1 + (doses / 2.0) ** 1.2)
>>> fit = fit_four_parameter_logistic(doses, viability)
>>> fit.status, round(fit.ic50_um, 6), round(fit.hill, 6)
('ok', 2.0, 1.2)
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "FourParameterFit",
    "bliss_excess",
    "combination_index",
    "combination_table",
    "dose_for_response",
    "fit_dose_response",
    "fit_four_parameter_logistic",
    "ic50_ratio",
]


@dataclass
class FourParameterFit:
    """One 4PL fit."""

    status: str
    ic50_um: float
    ci_low: float
    ci_high: float
    ic50_fit_um: float
    log_ic50_se: float  # standard error of ln IC50
    hill: float
    top: float
    bottom: float
    r_squared: float
    rmse: float
    n: int
    min_dose: float  # smallest positive dose tested
    max_dose: float


def _four_pl(dose, bottom, top, log_ic50, hill):
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.where(dose > 0, np.exp(hill * (np.log(np.where(dose > 0, dose, 1.0))
                                                   - log_ic50)), 0.0)
    return bottom + (top - bottom) / (1.0 + ratio)


def fit_four_parameter_logistic(dose: np.ndarray, response: np.ndarray,
                                level: float = 0.95) -> FourParameterFit:
    """Fit the 4PL to one condition's doses and responses (NaN pairs left out).

    The IC50 interval is ``exp(ln IC50 +/- t(n - 4) * se)`` from the fit's covariance.
    """
    dose = np.asarray(dose, dtype=np.float64)
    response = np.asarray(response, dtype=np.float64)
    ok = np.isfinite(dose) & np.isfinite(response)
    dose, response = dose[ok], response[ok]
    positive = dose[dose > 0]
    low, high = (float(positive.min()), float(positive.max())) if positive.size else (
        np.nan, np.nan)
    nan_fit = FourParameterFit("not_converged", np.nan, np.nan, np.nan, np.nan, np.nan, np.nan,
                               np.nan, np.nan, np.nan, np.nan, int(dose.size), low, high)
    if positive.size < 3 or dose.size < 5:
        return nan_fit
    start = [float(np.min(response)), float(np.max(response)), float(np.log(np.median(positive))),
             1.0]
    bounds = ([-np.inf, -np.inf, np.log(low) - 10, 0.05], [np.inf, np.inf, np.log(high) + 10,
                                                             20.0])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optimize.OptimizeWarning)
            params, covariance = optimize.curve_fit(_four_pl, dose, response, p0=start,
                                                    bounds=bounds, maxfev=20000)
    except (RuntimeError, ValueError):
        return nan_fit
    bottom, top, log_ic50, hill = params
    se = float(np.sqrt(covariance[2, 2])) if np.isfinite(covariance[2, 2]) else np.nan
    residuals = response - _four_pl(dose, *params)
    total = ((response - response.mean()) ** 2).sum()
    margin = stats.t.ppf(0.5 + level / 2, max(dose.size - 4, 1)) * se
    ic50 = float(np.exp(min(log_ic50, 700.0)))
    with np.errstate(over="ignore"):
        low_ci, high_ci = np.exp(log_ic50 - margin), np.exp(log_ic50 + margin)
    if not np.isfinite(se):
        status = "not_converged"
    elif ic50 < low:
        status = "ic50_below_range"
    elif ic50 > high:
        status = "ic50_above_range"
    else:
        status = "ok"
    ok = status == "ok"
    return FourParameterFit(
        status, ic50 if ok else np.nan, float(low_ci) if ok else np.nan,
        float(high_ci) if ok else np.nan, ic50, se, float(hill),
        float(top), float(bottom), float(1 - (residuals**2).sum() / total),
        float(np.sqrt((residuals**2).mean())), int(dose.size), low, high)


def fit_dose_response(table: pd.DataFrame, condition: str, dose: str, response: str,
                      ) -> pd.DataFrame:
    """One 4PL fit per condition of a long table; one row per condition.

    Examples
    --------
    >>> doses = np.tile([0.0, 0.1, 1, 10, 100], 2)
    >>> table = pd.DataFrame({"line": ["a"] * 5 + ["b"] * 5, "dose": doses,
    ...     "viability": 100 / (1 + (doses / np.repeat([1.0, 10.0], 5)) ** 1.0)})
    >>> fit_dose_response(table, "line", "dose", "viability")["ic50_um"].round(3).tolist()
    [1.0, 10.0]
    """
    rows = []
    for name, group in table.groupby(condition, sort=False, observed=True):
        fit = fit_four_parameter_logistic(group[dose].to_numpy(float),
                                          group[response].to_numpy(float))
        rows.append({"condition": name, **asdict(fit)})
    return pd.DataFrame(rows)


def ic50_ratio(fits: pd.DataFrame, numerator: str, denominator: str,
               level: float = 0.95) -> dict:
    """IC50 ratio of two conditions (e.g. the resistance index) with a CI from the two fits'
    ln IC50 standard errors (independent fits); NaN unless both fits are ``ok``."""
    by_name = fits.set_index("condition")
    a, b = by_name.loc[numerator], by_name.loc[denominator]
    ok = a["status"] == "ok" and b["status"] == "ok"
    log_ratio = np.log(a["ic50_fit_um"]) - np.log(b["ic50_fit_um"])
    se = float(np.hypot(a["log_ic50_se"], b["log_ic50_se"]))
    z = stats.norm.ppf(0.5 + level / 2)
    values = (np.exp(log_ratio), np.exp(log_ratio - z * se), np.exp(log_ratio + z * se))
    ratio, low, high = (float(v) if ok else np.nan for v in values)
    return {"numerator": numerator, "denominator": denominator, "ratio": ratio,
            "ci_low": low, "ci_high": high,
            "p_value": float(2 * stats.norm.sf(abs(log_ratio) / se)) if ok else np.nan}


def dose_for_response(fit: FourParameterFit, response: np.ndarray) -> np.ndarray:
    """Dose at which the fitted curve reaches ``response`` (NaN outside bottom..top)."""
    response = np.asarray(response, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = (fit.top - fit.bottom) / (response - fit.bottom) - 1.0
        dose = fit.ic50_fit_um * odds ** (1.0 / fit.hill)
    return np.where(odds > 0, dose, np.nan)


def _single_agent(table, dose_a, dose_b, response, which):
    dose, other = (dose_a, dose_b) if which == "a" else (dose_b, dose_a)
    alone = table[table[other] == 0]
    return alone.groupby(dose)[response].mean()


def bliss_excess(table: pd.DataFrame, dose_a: str, dose_b: str, response: str,
                 max_response: float = 100.0) -> pd.DataFrame:
    """Bliss excess per dose pair of a checkerboard (response = % viability).

    Fraction affected ``fa = 1 - response / max_response`` (replicate means); Bliss expects
    ``fa_a + fa_b - fa_a fa_b`` from the single agents; excess > 0 is synergy.

    Examples
    --------
    >>> grid = pd.DataFrame([(a, b) for a in (0, 1, 2) for b in (0, 1)], columns=["a", "b"])
    >>> grid["v"] = 100 * (1 - 0.2 * grid["a"]) * (1 - 0.3 * grid["b"])  # independent
    >>> bool(bliss_excess(grid, "a", "b", "v")["excess"].abs().max() < 1e-12)
    True
    """
    mean = table.groupby([dose_a, dose_b], as_index=False)[response].mean()
    fa = 1.0 - mean[response] / max_response
    alone_a = 1.0 - _single_agent(table, dose_a, dose_b, response, "a") / max_response
    alone_b = 1.0 - _single_agent(table, dose_a, dose_b, response, "b") / max_response
    fa_a = mean[dose_a].map(alone_a).to_numpy(float)
    fa_b = mean[dose_b].map(alone_b).to_numpy(float)
    expected = fa_a + fa_b - fa_a * fa_b
    out = mean[[dose_a, dose_b]].copy()
    out["fa_observed"], out["fa_expected"] = fa.to_numpy(), expected
    out["excess"] = out["fa_observed"] - expected
    return out[(out[dose_a] > 0) & (out[dose_b] > 0)].reset_index(drop=True)


def combination_index(table: pd.DataFrame, dose_a: str, dose_b: str, response: str
                      ) -> pd.DataFrame:
    """Chou-Talalay combination index per dose pair: ``d_a / D_a + d_b / D_b``, where
    ``D_x`` is the dose of the drug alone (its 4PL fit) giving the observed response.
    CI < 1 is synergy, 1 additivity, > 1 antagonism."""
    fits = {}
    for which, dose, other in (("a", dose_a, dose_b), ("b", dose_b, dose_a)):
        alone = table[table[other] == 0]
        fits[which] = fit_four_parameter_logistic(alone[dose].to_numpy(float),
                                                  alone[response].to_numpy(float))
    mean = table.groupby([dose_a, dose_b], as_index=False)[response].mean()
    both = mean[(mean[dose_a] > 0) & (mean[dose_b] > 0)].reset_index(drop=True)
    observed = both[response].to_numpy(float)
    both["dose_a_alone"] = dose_for_response(fits["a"], observed)
    both["dose_b_alone"] = dose_for_response(fits["b"], observed)
    both["combination_index"] = (both[dose_a] / both["dose_a_alone"]
                                 + both[dose_b] / both["dose_b_alone"])
    return both


def combination_table(table: pd.DataFrame, dose_a: str, dose_b: str, response: str
                      ) -> pd.DataFrame:
    """Bliss excess and combination index side by side, one row per dose pair of a
    checkerboard."""
    bliss = bliss_excess(table, dose_a, dose_b, response)
    index = combination_index(table, dose_a, dose_b, response)
    return bliss.merge(index[[dose_a, dose_b, "combination_index"]], on=[dose_a, dose_b])
