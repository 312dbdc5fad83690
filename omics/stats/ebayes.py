"""limma's empirical Bayes variance moderation: ``fitFDist``, ``fitFDistRobustly``, ``squeezeVar``.

A port of limma 3.54, tested against R limma to 1e-8. It needs only each feature's residual
variance and df (and, for ``trend=True``, its average expression), so it runs after a first
pass over the data has reduced every feature to those few numbers.

* ``trend=True`` regresses the log-variances on a natural cubic spline of the average
  expression (limma's ``eBayes(trend=TRUE)``): the prior variance becomes a per-feature trend.
* ``robust=True`` estimates the prior df from Winsorized log-variances and shrinks the prior
  df of outlying features towards zero (limma's ``eBayes(robust=TRUE)``), so hyper-variable
  features do not inflate the others' t statistics.

Examples
--------
>>> rng = np.random.default_rng(1)
>>> df = np.full(2000, 4.0)
>>> s2 = 0.05 * rng.chisquare(df) / df * (10 / rng.chisquare(10, 2000))
>>> prior = ebayes(s2, df)
>>> bool(5 < prior.df_prior < 20), bool(0.03 < prior.s2_prior < 0.07)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from omics.errors import OmicsInputError
from omics.stats.splines import NaturalSpline

__all__ = ["EBayes", "ebayes", "fit_f_dist", "fit_f_dist_robustly", "per_distinct",
           "trigamma_inverse"]


@dataclass
class EBayes:
    """Hyperparameters and posterior variances of limma's ``eBayes``.

    ``s2_prior`` is a scalar, or per feature with ``trend=True``; ``df_prior`` is a scalar,
    or per feature with ``robust=True``.
    """

    s2_prior: float | np.ndarray
    df_prior: float | np.ndarray
    s2_post: np.ndarray
    df_total: np.ndarray


def trigamma_inverse(x: np.ndarray | float) -> np.ndarray:
    """Solve ``trigamma(y) = x`` by limma's Newton iteration.

    Examples
    --------
    >>> float(np.round(special.polygamma(1, trigamma_inverse(0.5))[0], 12))
    0.5
    """
    x = np.atleast_1d(np.asarray(x, dtype=np.float64))
    y = np.full_like(x, np.nan)
    large, small = x > 1e7, x < 1e-6
    y[large] = 1.0 / np.sqrt(x[large])
    y[small] = 1.0 / x[small]
    mid = ~(large | small) & (x >= 0)
    if mid.any():
        xm = x[mid]
        ym = 0.5 + 1.0 / xm
        for _ in range(50):
            tri = special.polygamma(1, ym)
            dif = tri * (1.0 - tri / xm) / special.polygamma(2, ym)
            ym = ym + dif
            if np.max(-dif / ym) < 1e-8:
                break
        y[mid] = ym
    return y


def per_distinct(function, values: np.ndarray) -> np.ndarray:
    """``function(values)`` evaluated once per distinct value (residual df take few values,
    often one, over 200,000 features; one value needs no sort).

    Examples
    --------
    >>> per_distinct(np.sqrt, np.array([4.0, 9.0, 4.0])).tolist()
    [2.0, 3.0, 2.0]
    """
    values = np.asarray(values)
    if values.size and (values == values.flat[0]).all():
        return np.broadcast_to(function(values.flat[:1]), values.shape).copy()
    distinct, inverse = np.unique(values, return_inverse=True)
    return function(distinct)[inverse.reshape(values.shape)]


def fit_f_dist(
    variances: np.ndarray, df1: np.ndarray, covariate: np.ndarray | None = None
) -> tuple[float | np.ndarray, float]:
    """limma's ``fitFDist``: prior variance ``s0^2`` and prior df ``d0`` by moments of log s^2.

    Features with ``df1 == 0`` or non-finite variance are ignored (with a covariate, their
    prior variance is predicted from the trend; where the covariate itself is NaN, e.g. a
    feature never observed, it is NaN, where R's limma stops with an error).
    Returns ``(scale, df2)``; ``scale`` has one value per feature when ``covariate`` is
    given; ``df2`` is ``inf`` when the variances show no more spread than sampling alone
    explains.
    """
    x = np.asarray(variances, dtype=np.float64)
    df1 = np.broadcast_to(np.asarray(df1, dtype=np.float64), x.shape)
    n = x.size
    if n == 0:
        return float("nan"), float("nan")
    ok = np.isfinite(df1) & (df1 > 1e-15) & np.isfinite(x) & (x > -1e-15)
    n_ok = int(ok.sum())
    if n_ok == 0:
        return float("nan"), float("nan")
    if n_ok == 1:
        return float(x[ok][0]), 0.0
    spline = None
    if covariate is not None:
        covariate = _finite_covariate(np.asarray(covariate, dtype=np.float64))
        ok &= ~np.isnan(covariate)
        n_ok = int(ok.sum())
        spline_df = min(1 + (n_ok >= 3) + (n_ok >= 6) + (n_ok >= 30),
                        np.unique(covariate[ok]).size)
        if spline_df < 2:
            scale, df2 = fit_f_dist(x[ok], df1[ok])
            return np.full(n, scale), df2
        spline = NaturalSpline.from_data(covariate[ok], spline_df)
    xo, dfo = np.maximum(x[ok], 0.0), df1[ok]
    median = np.median(xo)
    if median == 0:
        median = 1.0
    xo = np.maximum(xo, 1e-5 * median)
    e = np.log(xo) - per_distinct(special.digamma, dfo / 2) + np.log(dfo / 2)
    if spline is None:
        emean: float | np.ndarray = e.mean()
        evar = ((e - emean) ** 2).sum() / (n_ok - 1)
    else:
        basis = spline(covariate[ok])
        coefficients, *_ = np.linalg.lstsq(basis, e, rcond=None)
        emean = np.full(n, np.nan)
        known = ~np.isnan(covariate)
        emean[known] = spline(covariate[known]) @ coefficients
        fitted = emean[ok]
        evar = ((e - fitted) ** 2).sum() / (n_ok - basis.shape[1])
    evar -= per_distinct(lambda v: special.polygamma(1, v), dfo / 2).mean()
    if evar > 0:
        df2 = 2.0 * float(trigamma_inverse(evar)[0])
        scale = np.exp(emean + special.digamma(df2 / 2) - np.log(df2 / 2))
    else:
        df2 = float("inf")
        scale = xo.mean() if spline is None else np.exp(emean)
    return (float(scale) if np.ndim(scale) == 0 else scale), df2


def _finite_covariate(covariate: np.ndarray) -> np.ndarray:
    """limma's handling of infinite covariates: pushed one unit beyond the finite range."""
    finite = np.isfinite(covariate)
    if finite.all() or not np.isinf(covariate).any():
        return covariate
    if not finite.any():
        return np.sign(covariate)
    low, high = covariate[finite].min(), covariate[finite].max()
    return np.where(covariate == -np.inf, low - 1, np.where(covariate == np.inf, high + 1,
                                                            covariate))


def fit_f_dist_robustly(
    variances: np.ndarray, df1: np.ndarray, winsor_tail_p: tuple[float, float] = (0.05, 0.1)
) -> tuple[float, float, np.ndarray]:
    """limma's ``fitFDistRobustly`` (without covariate): ``(scale, df2, df2_shrunk)``.

    The prior df is fitted to Winsorized Fisher-z values; ``df2_shrunk`` gives outlying
    features (large variance relative to the fitted F distribution) a smaller prior df.
    """
    x = np.asarray(variances, dtype=np.float64)
    df1 = np.broadcast_to(np.asarray(df1, dtype=np.float64), x.shape).copy()
    n = x.size
    if n < 2:
        return float("nan"), float("nan"), np.full(n, np.nan)
    if n == 2:
        scale, df2 = fit_f_dist(x, df1)
        return float(scale), df2, np.full(n, df2)
    ok = ~np.isnan(x) & np.isfinite(df1) & (df1 > 1e-6)
    if not ok.all():
        scale, df2, shrunk_ok = fit_f_dist_robustly(x[ok], df1[ok], winsor_tail_p)
        shrunk = np.full(n, df2)
        shrunk[ok] = shrunk_ok
        return scale, df2, shrunk
    median = np.median(x)
    if median <= 0:
        raise OmicsInputError("robust", "most residual variances <= 0",
                              "data with residual variation for robust eBayes")
    x = np.where(x < median * 1e-12, median * 1e-12, x)
    scale0, df2_nonrobust = fit_f_dist(x, df1)
    tail = np.array(winsor_tail_p, dtype=np.float64)
    if np.all(tail < 1.0 / n):
        return float(scale0), df2_nonrobust, np.full(n, df2_nonrobust)
    df1max = df1.max()
    lower = df1 < df1max - 1e-14
    if lower.any():
        f = x[lower] / scale0
        log_upper = _f_logsf(f, df1[lower], df2_nonrobust)
        log_lower = _f_logcdf(f, df1[lower], df2_nonrobust)
        up = log_upper < log_lower
        f[up] = _f_isf(np.exp(log_upper[up]), df1max, df2_nonrobust)
        f[~up] = _f_ppf(np.exp(log_lower[~up]), df1max, df2_nonrobust)
        x[lower] = f * scale0
    d1 = float(df1max)
    z = np.log(x)
    ztrend = stats.trim_mean(z, tail[1])
    zresid = z - ztrend
    zq = np.quantile(zresid, [tail[0], 1 - tail[1]])
    winsorized = np.clip(zresid, zq[0], zq[1])
    zwmean = winsorized.mean()
    zwvar = ((winsorized - zwmean) ** 2).mean() * n / (n - 1)

    def moments(df2: float) -> tuple[float, float]:
        return _winsorized_moments(d1, df2, tail)

    objective_at_inf = float(np.log(zwvar / moments(np.inf)[1]))
    if objective_at_inf <= 0:
        zcorrected = ztrend + zwmean - moments(np.inf)[0]
        fstat = np.exp(z - zcorrected)
        tail_p = stats.chi2.sf(fstat * d1, d1)
        empirical = (n - stats.rankdata(fstat) + 0.5) / n
        not_outlier = np.minimum(tail_p / empirical, 1.0)
        shrunk = np.full(n, np.inf)
        outlier = not_outlier < 1
        if outlier.any():
            shrunk[outlier] = not_outlier[outlier] * n * d1
            order = np.argsort(tail_p, kind="stable")
            shrunk[order] = np.maximum.accumulate(shrunk[order])
        return float(np.exp(zcorrected)), float("inf"), shrunk
    if np.isinf(df2_nonrobust):
        return float(scale0), df2_nonrobust, np.full(n, df2_nonrobust)

    def objective(u: float) -> float:
        return float(np.log(zwvar / moments(u / (1 - u))[1]))

    start = df2_nonrobust / (1 + df2_nonrobust)
    objective_at_start = objective(start)
    if objective_at_start >= 0:
        df2 = df2_nonrobust
    else:
        root = _zeroin(objective, start, 1.0, objective_at_start, objective_at_inf, tol=1e-8)
        df2 = root / (1 - root)
    zcorrected = ztrend + zwmean - moments(df2)[0]
    fstat = np.exp(z - zcorrected)
    log_tail_p = _f_logsf(fstat, d1, df2)
    log_empirical = np.log(n - stats.rankdata(fstat) + 0.5) - np.log(n)
    log_not_outlier = np.minimum(log_tail_p - log_empirical, 0.0)
    shrunk = np.full(n, df2)
    if (log_not_outlier < 0).any():
        not_outlier = np.exp(log_not_outlier)
        p_outlier = -np.expm1(log_not_outlier)
        min_log_tail = log_tail_p.min()
        if min_log_tail == -np.inf:
            shrunk = not_outlier * df2
        else:
            df2_outlier = np.log(0.5) / min_log_tail * df2
            new_log_tail = _f_logsf(np.array([fstat.max()]), d1, df2_outlier)[0]
            df2_outlier = np.log(0.5) / new_log_tail * df2_outlier
            shrunk = not_outlier * df2 + p_outlier * df2_outlier
        order = np.argsort(log_tail_p, kind="stable")
        ordered = shrunk[order]
        running_mean = np.cumsum(ordered) / np.arange(1, n + 1)
        imin = int(np.argmin(running_mean))
        ordered[: imin + 1] = running_mean[imin]
        shrunk[order] = np.maximum.accumulate(ordered)
    return float(np.exp(zcorrected)), float(df2), shrunk


def _winsorized_moments(df1: float, df2: float, tail: np.ndarray) -> tuple[float, float]:
    """Mean and variance of Winsorized log F(df1, df2), by 128-point Gauss-Legendre."""
    fq = _f_ppf(np.array([tail[0], 1 - tail[1]]), df1, df2)
    zq = np.log(fq)
    q = fq / (1 + fq)
    nodes = q[0] + (q[1] - q[0]) * _GAUSS_NODES
    fnodes = nodes / (1 - nodes)
    znodes = np.log(fnodes)
    density = _f_pdf(fnodes, df1, df2) / (1 - nodes) ** 2
    width = q[1] - q[0]
    mean = width * np.sum(_GAUSS_WEIGHTS * density * znodes) + np.sum(zq * tail)
    var = (width * np.sum(_GAUSS_WEIGHTS * density * (znodes - mean) ** 2)
           + np.sum((zq - mean) ** 2 * tail))
    return float(mean), float(var)


def _legendre_on_unit_interval(n: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.legendre.leggauss(n)
    return (nodes + 1) / 2, weights / 2


_GAUSS_NODES, _GAUSS_WEIGHTS = _legendre_on_unit_interval(128)


# F distribution helpers that accept df2 = inf (F -> chi-square / df1), as R's pf/qf/df do.
def _f_ppf(p, df1, df2):
    if np.isinf(df2):
        return stats.chi2.ppf(p, df1) / df1
    return stats.f.ppf(p, df1, df2)


def _f_isf(p, df1, df2):
    if np.isinf(df2):
        return stats.chi2.isf(p, df1) / df1
    return stats.f.isf(p, df1, df2)


def _f_pdf(x, df1, df2):
    if np.isinf(df2):
        return stats.chi2.pdf(x * df1, df1) * df1
    return stats.f.pdf(x, df1, df2)


def _f_logsf(x, df1, df2):
    if np.isinf(df2):
        return stats.chi2.logsf(x * df1, df1)
    return stats.f.logsf(x, df1, df2)


def _f_logcdf(x, df1, df2):
    if np.isinf(df2):
        return stats.chi2.logcdf(x * df1, df1)
    return stats.f.logcdf(x, df1, df2)


def _zeroin(f, a: float, b: float, fa: float, fb: float, tol: float,
            max_iter: int = 1000) -> float:
    """Brent's root finder exactly as R's ``uniroot`` (``R_zeroin2``), for identical roots."""
    eps = np.finfo(float).eps
    if fa == 0:
        return a
    if fb == 0:
        return b
    c, fc = a, fa
    for _ in range(max_iter):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * eps * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q, r, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


def ebayes(
    sigma2: np.ndarray,
    df_residual: np.ndarray,
    *,
    covariate: np.ndarray | None = None,
    robust: bool = False,
    winsor_tail_p: tuple[float, float] = (0.05, 0.1),
) -> EBayes:
    """limma's ``squeezeVar`` plus the df bookkeeping of ``eBayes``.

    Parameters
    ----------
    sigma2, df_residual
        Residual variance and df of every feature (NaN variance where df is 0).
    covariate
        Average expression for ``trend=True``; ``None`` for a constant prior variance.
    robust
        limma's ``robust=TRUE`` (not combined with a covariate here).
    winsor_tail_p
        Tail proportions Winsorized by the robust fit.

    Returns
    -------
    EBayes
        Features with zero residual df get the prior variance as their posterior variance;
        ``df_total`` is capped at the pooled residual df, as in limma.
    """
    df_residual = np.asarray(df_residual, dtype=np.float64)
    variances = np.where(df_residual == 0, 0.0, sigma2)
    if robust:
        if covariate is not None:
            raise OmicsInputError("ebayes", "trend together with robust",
                                  "one of trend or robust")
        s2_prior, _, df_prior = fit_f_dist_robustly(variances, df_residual, winsor_tail_p)
    else:
        s2_prior, df_prior = fit_f_dist(variances, df_residual, covariate)
    if np.any(np.isnan(df_prior)):
        raise OmicsInputError("design", "no feature with residual df > 0",
                              "more samples than design columns for some features")
    s2_post = _posterior_variance(variances, df_residual, s2_prior, df_prior)
    df_total = np.minimum(df_residual + df_prior, np.nansum(df_residual))
    return EBayes(s2_prior, df_prior, s2_post, df_total)


def _posterior_variance(variances, df, s2_prior, df_prior) -> np.ndarray:
    """limma's ``.squeezeVar``: prior and observed variances weighted by their df."""
    prior = np.broadcast_to(s2_prior, variances.shape)
    d0 = np.broadcast_to(df_prior, variances.shape)
    finite = np.isfinite(d0)
    post = np.array(prior, dtype=np.float64)
    post[finite] = ((df[finite] * variances[finite] + d0[finite] * prior[finite])
                    / (df[finite] + d0[finite]))
    return post
