"""Models of the mechanism assays of a study (statsmodels), on a tidy assay table.

One row per measurement: ``condition`` (and any factor columns a two-factor design uses),
``replicate``, ``time`` (hours, chase assays), ``readout`` and, where it applies,
``loading_control`` (westerns) or ``total`` (cells counted, for fractions).

* :func:`chase_half_life`: cycloheximide chase. ``ln(readout / loading_control)`` decays
  linearly in time; each condition gets its own slope ``k`` (``~ 0 + condition +
  condition:time``, ordinary least squares), half-life ``ln 2 / -k`` with the interval of
  ``k`` carried over, and each condition's slope is tested against the reference's (the
  condition x time interaction).
* :func:`assay_effects` with ``kind``:

  - ``western``: densitometry normalised to the loading control, compared on the log2
    scale (OLS); blots enter as a block (normalising to each blot's control lane);
  - ``colony``: counts, Poisson GLM; a Pearson dispersion above ``max_dispersion`` switches
    to a negative binomial (dispersion by maximum likelihood, as ``MASS::glm.nb``);
  - ``apoptosis``: positive cells of ``total`` (annexin V), binomial GLM; over-dispersed
    data get the quasi-binomial scale (Pearson chi-square / df).

  The design is a formula over the table's columns (``~ condition``, ``~ exosome *
  lapatinib`` for a two-factor design with interaction); effects are reported as fold
  changes, rate ratios or odds ratios with their intervals. The family used and the
  dispersion are in the result, never chosen silently.

Examples
--------
>>> t = pd.DataFrame({"condition": ["a"] * 4 + ["b"] * 4, "time": [0, 2, 4, 8] * 2,
...                   "readout": [100, 71, 50, 25, 100, 84, 71, 50],
...                   "loading_control": [1.0] * 8})
>>> fit = chase_half_life(t, reference="a")
>>> fit.half_lives["half_life_h"].round(1).tolist()
[4.0, 8.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from omics.errors import OmicsInputError
from omics.stats.design import design_matrix

__all__ = ["ASSAY_KINDS", "ChaseFit", "assay_effects", "chase_half_life"]

ASSAY_KINDS = ("western", "colony", "apoptosis")
_EFFECT = {"western": "fold_change", "colony": "rate_ratio", "apoptosis": "odds_ratio"}


@dataclass(frozen=True)
class ChaseFit:
    """A chase fit (made by :func:`chase_half_life`).

    Parameters
    ----------
    half_lives
        Per condition: decay rate ``k_per_h`` with its interval, ``half_life_h`` with its
        interval (``ci_low``, ``ci_high``; infinite when the slope's bound is not negative),
        and ``n``.
    interactions
        Per non-reference condition: its slope minus the reference's, ``t``, ``p_value`` and
        ``df`` (the condition x time interaction).
    reference
        The reference condition.

    Examples
    --------
    >>> t = pd.DataFrame({"condition": ["a"] * 3 + ["b"] * 3, "time": [0, 2, 4] * 2,
    ...                   "readout": [8.0, 4.0, 2.0, 8.0, 4.1, 2.0]})
    >>> chase_half_life(t, loading=None).interactions["condition"].tolist()
    ['b']
    """

    half_lives: pd.DataFrame
    interactions: pd.DataFrame
    reference: str


def _require(table: pd.DataFrame, columns: list[str], what: str) -> None:
    for column in columns:
        if column not in table.columns:
            raise OmicsInputError(what, f"no column {column!r} (columns "
                                  f"{list(table.columns)[:8]})", f"a {column!r} column")


def _positive(values: pd.Series, what: str, column: str) -> np.ndarray:
    array = pd.to_numeric(values, errors="coerce").to_numpy(float)
    bad = ~(array > 0)
    if bad.any():
        raise OmicsInputError(what, f"{values.tolist()[int(np.flatnonzero(bad)[0])]!r} in "
                              f"{column!r}", "a positive number (densitometry is logged)")
    return array


def chase_half_life(table: pd.DataFrame, *, reference: str | None = None,
                    condition: str = "condition", time: str = "time",
                    readout: str = "readout", loading: str | None = "loading_control",
                    confidence: float = 0.95) -> ChaseFit:
    """Half-lives from a chase (log-linear decay per condition) and the condition x time
    interaction against ``reference``.

    Parameters
    ----------
    table
        The chase's rows (see the module docstring).
    reference
        The condition whose slope the others are tested against (default: the first).
    condition, time, readout, loading
        Column names; ``loading=None`` when the readout is already normalised.
    confidence
        Level of the intervals.

    Returns
    -------
    ChaseFit

    Examples
    --------
    >>> t = pd.DataFrame({"condition": ["a"] * 3 + ["b"] * 3, "time": [0, 2, 4] * 2,
    ...                   "readout": [8.0, 4.0, 2.0, 8.0, 5.66, 4.0]})
    >>> fit = chase_half_life(t, loading=None)
    >>> fit.half_lives["half_life_h"].round(1).tolist(), fit.reference
    ([2.0, 4.0], 'a')
    """
    _require(table, [condition, time, readout] + ([loading] if loading else []), "chase")
    frame = table.reset_index(drop=True)
    y = np.log(_positive(frame[readout], "chase", readout))
    if loading:
        y = y - np.log(_positive(frame[loading], "chase", loading))
    levels = list(dict.fromkeys(frame[condition].astype(str)))
    reference = reference or levels[0]
    if reference not in levels:
        raise OmicsInputError("chase reference", repr(reference), "one of " + ", ".join(levels))
    sheet = pd.DataFrame({"condition": pd.Categorical(frame[condition].astype(str),
                                                      categories=levels),
                          "time": pd.to_numeric(frame[time]).astype(float)})
    x = design_matrix(sheet, "~ 0 + condition + condition:time")
    fit = sm.OLS(y, x.to_numpy(float)).fit()
    names = list(x.columns)
    alpha = 1 - confidence
    bounds = fit.conf_int(alpha)
    rows = []
    for level in levels:
        j = names.index(f"condition[{level}]:time")
        k, (low, high) = fit.params[j], bounds[j]
        rows.append({"condition": level, "k_per_h": k, "k_ci_low": low, "k_ci_high": high,
                     "half_life_h": np.log(2) / -k if k < 0 else np.inf,
                     "ci_low": np.log(2) / -low if low < 0 else np.inf,
                     "ci_high": np.log(2) / -high if high < 0 else np.inf,
                     "n": int((sheet["condition"] == level).sum())})
    tests = []
    base = names.index(f"condition[{reference}]:time")
    for level in levels:
        if level == reference:
            continue
        weights = np.zeros(len(names))
        weights[names.index(f"condition[{level}]:time")], weights[base] = 1.0, -1.0
        test = fit.t_test(weights)
        tests.append({"condition": level, "reference": reference,
                      "slope_difference": float(np.squeeze(test.effect)),
                      "t": float(np.squeeze(test.tvalue)),
                      "p_value": float(np.squeeze(test.pvalue)), "df": float(fit.df_resid)})
    return ChaseFit(pd.DataFrame(rows), pd.DataFrame(tests), reference)


def _response(frame: pd.DataFrame, kind: str, readout: str, loading: str, total: str
              ) -> np.ndarray:
    """The modelled response: log2 normalised densitometry, counts, or (positive, negative)
    pairs."""
    what = f"{kind} assay"
    if kind == "western":
        _require(frame, [readout, loading], what)
        return np.log2(_positive(frame[readout], what, readout)
                       / _positive(frame[loading], what, loading))
    counts = pd.to_numeric(frame[readout], errors="coerce").to_numpy(float)
    bad = ~(counts >= 0) | (counts != np.round(counts))
    if bad.any():
        raise OmicsInputError(what, f"{frame[readout].tolist()[int(np.flatnonzero(bad)[0])]!r} "
                              f"in {readout!r}", "a count (a whole number >= 0)")
    if kind == "colony":
        return counts
    _require(frame, [total], what)
    totals = pd.to_numeric(frame[total], errors="coerce").to_numpy(float)
    bad = ~(totals >= counts) | (totals != np.round(totals))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise OmicsInputError(what, f"total {frame[total].tolist()[i]!r} for {counts[i]:g} "
                              "positive cells", f"a whole number of cells >= {readout!r}")
    return np.column_stack([counts, totals - counts])


def assay_effects(table: pd.DataFrame, formula: str, *,
                  kind: Literal["western", "colony", "apoptosis"],
                  readout: str = "readout", loading: str = "loading_control",
                  total: str = "total", max_dispersion: float = 1.5,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Effects of a design on one assay (see the module docstring for each ``kind``).

    Parameters
    ----------
    table
        The assay's rows.
    formula
        Design over the table's columns, e.g. ``"~ condition"`` or ``"~ exosome *
        lapatinib"`` (the interaction is the ``:`` term). Never evaluated as code.
    kind
        ``western``, ``colony`` or ``apoptosis``.
    readout, loading, total
        Column names.
    max_dispersion
        Pearson dispersion above which counts become negative binomial and fractions
        quasi-binomial.
    confidence
        Level of the intervals.

    Returns
    -------
    DataFrame
        One row per coefficient but the intercept: ``term``, ``estimate`` (log2 fold change,
        log rate ratio or log odds ratio), ``se``, the effect on its natural scale
        (``fold_change``, ``rate_ratio`` or ``odds_ratio``) with ``ci_low``/``ci_high``,
        ``p_value``, and ``family``, ``dispersion``, ``n``.

    Examples
    --------
    >>> t = pd.DataFrame({"condition": ["ctl"] * 3 + ["kd"] * 3,
    ...                   "readout": [50, 55, 45, 100, 110, 90]})
    >>> out = assay_effects(t, "~ condition", kind="colony")
    >>> out[["term", "rate_ratio", "family"]].round(2).values.tolist()
    [['condition[T.kd]', 2.0, 'poisson']]
    """
    if kind not in ASSAY_KINDS:
        raise OmicsInputError("assay kind", repr(kind), "one of " + ", ".join(ASSAY_KINDS))
    frame = table.reset_index(drop=True)
    _require(frame, [readout], f"{kind} assay")
    y = _response(frame, kind, readout, loading, total)
    x = design_matrix(frame, formula)
    names = list(x.columns)
    if kind == "western":
        fit, family, dispersion = sm.OLS(y, x.to_numpy(float)).fit(), "gaussian (log2)", \
            np.nan
    else:
        glm_family = sm.families.Poisson() if kind == "colony" else sm.families.Binomial()
        fit = sm.GLM(y, x.to_numpy(float), family=glm_family).fit()
        dispersion = float(fit.pearson_chi2 / fit.df_resid) if fit.df_resid > 0 else np.nan
        family = "poisson" if kind == "colony" else "binomial"
        if dispersion > max_dispersion and kind == "colony":
            fit = sm.NegativeBinomial(y, x.to_numpy(float)).fit(disp=False, maxiter=200)
            family = f"negative binomial (theta {1 / fit.params[-1]:.3g})"
    params, ses = np.asarray(fit.params)[:len(names)], np.asarray(fit.bse)[:len(names)]
    pvalues = np.asarray(fit.pvalues)[:len(names)]
    quantile = stats.norm.ppf(0.5 + confidence / 2)
    if kind == "western":
        quantile = stats.t.ppf(0.5 + confidence / 2, fit.df_resid)
    elif kind == "apoptosis" and dispersion > max_dispersion:
        # quasi-binomial as R's glm: SEs scaled by the Pearson dispersion, t on df_resid
        ses = ses * np.sqrt(dispersion)
        pvalues = 2 * stats.t.sf(np.abs(params / ses), fit.df_resid)
        quantile = stats.t.ppf(0.5 + confidence / 2, fit.df_resid)
        family = "quasi-binomial"
    base = 2.0 if kind == "western" else np.e
    rows = [{"term": name, "estimate": params[j], "se": ses[j],
             _EFFECT[kind]: base ** params[j], "ci_low": base ** (params[j] - quantile * ses[j]),
             "ci_high": base ** (params[j] + quantile * ses[j]), "p_value": pvalues[j],
             "family": family, "dispersion": dispersion, "n": len(frame)}
            for j, name in enumerate(names) if name != "Intercept"]
    return pd.DataFrame(rows)
