"""ROC analysis of a continuous biomarker for a binary outcome.

AUC with a DeLong (default) or stratified-bootstrap 95% confidence interval, and the Youden
cut-off with its sensitivity and specificity. DeLong's variance uses the structural
components of the AUC (placement values, computed by midranks as in Sun & Xu 2014), the
same estimate as R pROC's ``ci.auc(method = "delong")``.

Examples
--------
>>> score = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.9])
>>> outcome = np.array([0, 0, 1, 1, 0, 1])
>>> roc = roc_analysis(score, outcome)
>>> round(roc.auc, 4), roc.n_positive, roc.n_negative
(0.7778, 3, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from sklearn.metrics import roc_curve

from omics.errors import OmicsInputError

__all__ = ["RocResult", "delong_auc", "roc_analysis", "roc_confidence_band"]


@dataclass
class RocResult:
    """AUC with its confidence interval and the Youden-optimal cut-off."""

    auc: float
    ci_low: float
    ci_high: float
    ci_method: str
    cutoff: float  # predict positive when score >= cutoff
    sensitivity: float
    specificity: float
    n_positive: int
    n_negative: int


def delong_auc(score: np.ndarray, outcome: np.ndarray) -> tuple[float, float]:
    """AUC (probability that a positive scores higher, ties one half) and DeLong variance."""
    positive = score[outcome == 1]
    negative = score[outcome == 0]
    m, n = positive.size, negative.size
    ranks_all = stats.rankdata(np.concatenate([positive, negative]))
    ranks_positive = stats.rankdata(positive)
    ranks_negative = stats.rankdata(negative)
    v10 = (ranks_all[:m] - ranks_positive) / n  # per positive: fraction of negatives below
    v01 = 1.0 - (ranks_all[m:] - ranks_negative) / m  # per negative: fraction of positives above
    auc = float(v10.mean())
    variance = float(v10.var(ddof=1) / m + v01.var(ddof=1) / n)
    return auc, variance


def roc_analysis(score: np.ndarray, outcome: np.ndarray, *, ci_method: str = "delong",
                 n_bootstrap: int = 2000, seed: int = 0, level: float = 0.95) -> RocResult:
    """ROC of ``score`` for the binary ``outcome`` (1 = positive); NaN pairs are left out.

    ``ci_method`` is ``"delong"`` or ``"bootstrap"`` (percentile interval over
    ``n_bootstrap`` stratified resamples, seeded).
    """
    score = np.asarray(score, dtype=np.float64)
    outcome = np.asarray(outcome, dtype=np.float64)
    ok = np.isfinite(score) & np.isfinite(outcome)
    score, outcome = score[ok], outcome[ok].astype(int)
    if set(np.unique(outcome)) != {0, 1}:
        raise OmicsInputError("outcome", "a single class", "both classes, coded 0 and 1")
    auc, variance = delong_auc(score, outcome)
    if ci_method == "delong":
        half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(variance)
        low, high = max(0.0, auc - half), min(1.0, auc + half)
    elif ci_method == "bootstrap":
        low, high = _bootstrap_interval(score, outcome, n_bootstrap, seed, level)
    else:
        raise OmicsInputError("ci_method", repr(ci_method), "delong or bootstrap")
    fpr, tpr, thresholds = roc_curve(outcome, score)
    best = int(np.argmax(tpr - fpr))
    return RocResult(auc, float(low), float(high), ci_method, float(thresholds[best]),
                     float(tpr[best]), float(1 - fpr[best]), int(outcome.sum()),
                     int((outcome == 0).sum()))


def _stratified_resamples(outcome: np.ndarray, n_bootstrap: int, seed: int):
    """Bootstrap index sets that keep the numbers of positives and negatives (as pROC)."""
    rng = np.random.default_rng(seed)
    positive = np.flatnonzero(outcome == 1)
    negative = np.flatnonzero(outcome == 0)
    for _ in range(n_bootstrap):
        yield np.concatenate([rng.choice(positive, positive.size),
                              rng.choice(negative, negative.size)])


def _bootstrap_interval(score, outcome, n_bootstrap, seed, level) -> tuple[float, float]:
    aucs = [delong_auc(score[index], outcome[index])[0]
            for index in _stratified_resamples(outcome, n_bootstrap, seed)]
    return tuple(np.quantile(aucs, [0.5 - level / 2, 0.5 + level / 2]))


def roc_confidence_band(score: np.ndarray, outcome: np.ndarray, *, n_bootstrap: int = 500,
                        seed: int = 0, level: float = 0.95, points: int = 101
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointwise bootstrap band of sensitivity at fixed 1 - specificity (vertical
    averaging, as pROC's ``ci.se``): ``(fpr grid, low, high)``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> outcome = np.repeat([0, 1], 40)
    >>> grid, low, high = roc_confidence_band(rng.normal(outcome), outcome, n_bootstrap=200)
    >>> bool(np.all(low <= high)), float(high[-1])
    (True, 1.0)
    """
    grid = np.linspace(0, 1, points)
    curves = np.empty((n_bootstrap, points))
    for b, index in enumerate(_stratified_resamples(outcome, n_bootstrap, seed)):
        fpr, tpr, _ = roc_curve(outcome[index], score[index])
        curves[b] = np.interp(grid, fpr, tpr)
    low, high = np.quantile(curves, [0.5 - level / 2, 0.5 + level / 2], axis=0)
    return grid, low, high
