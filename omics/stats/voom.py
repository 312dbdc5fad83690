"""RNA-seq counts for linear models: edgeR's TMM and ``filterByExpr``, limma's ``voom``.

Ports of edgeR 3.40 ``calcNormFactors(method="TMM")`` and ``filterByExpr`` and of limma 3.54
``voom``, tested against R on the same counts. The usual workflow is

    keep = filter_by_expr(counts, group=group)
    factors = tmm_factors(counts[keep])
    voomed = voom(counts[keep], design, lib_size=library_sizes(counts[keep]) * factors)
    fit = lm_fit(voomed.values, design, weights=voomed.weights).contrasts_fit(...).ebayes()

Counts may be non-integer (RSEM or Salmon expected counts), never negative or missing.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> counts = rng.poisson(rng.gamma(2, 50, size=(400, 1)), size=(400, 6)).astype(float)
>>> design = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
>>> keep = filter_by_expr(counts, group=np.array(list("aaabbb")))
>>> factors = tmm_factors(counts[keep])
>>> bool(np.isclose(np.prod(factors), 1.0))
True
>>> voomed = voom(counts[keep], design, lib_size=library_sizes(counts[keep]) * factors)
>>> voomed.weights.shape == voomed.values.shape, bool((voomed.weights > 0).all())
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.stats import rankdata
from statsmodels.nonparametric.smoothers_lowess import lowess

from omics.errors import OmicsInputError
from omics.stats.limma import estimable_columns, lm_fit_block

__all__ = [
    "VoomResult",
    "array_weights",
    "check_counts",
    "counts_values",
    "effective_library_sizes",
    "filter_by_expr",
    "library_sizes",
    "tmm_factors",
    "voom",
    "voom_with_quality_weights",
]


def check_counts(counts: np.ndarray, what: str = "counts") -> np.ndarray:
    """``counts`` as float64, refusing missing or negative values (edgeR's and voom's rule).

    Examples
    --------
    >>> check_counts(np.array([[1, 2.5]])).dtype
    dtype('float64')
    """
    counts = np.asarray(counts, dtype=np.float64)
    if not np.isfinite(counts).all():
        raise OmicsInputError(what, "missing or infinite counts", "complete counts (edgeR and "
                              "voom do not model missing counts)")
    if counts.size and counts.min() < 0:
        raise OmicsInputError(what, "negative values", "counts (not log values)")
    return counts


def library_sizes(counts: np.ndarray) -> np.ndarray:
    """Column sums accumulated in extended precision, as R's ``colSums``: the trimming of TMM
    compares log-ratios, so a last-bit difference in a library size can move a tie.

    Examples
    --------
    >>> library_sizes(np.array([[0.1, 1.0], [0.2, 2.0]])).tolist()
    [0.30000000000000004, 3.0]
    """
    return np.asarray(counts, dtype=np.longdouble).sum(axis=0).astype(np.float64)


#: Largest value of a matrix of non-integers that is taken for log values, not counts.
_LOG_SCALE_MAX = 50.0


def counts_values(matrix: xr.DataArray) -> np.ndarray:
    """The counts of a DataArray as float64, refusing what cannot be counts: missing or
    negative values, and non-integers that all stay below 50 (log values).
    Non-integer expected counts (RSEM, Salmon) are accepted.

    Examples
    --------
    >>> counts_values(xr.DataArray([[20.47, 300.0]])).tolist()
    [[20.47, 300.0]]
    """
    values = check_counts(np.asarray(matrix.values), "counts")
    if values.size and values.max() <= _LOG_SCALE_MAX and not np.allclose(
            values, np.round(values)):
        raise OmicsInputError("counts", f"non-integer values no larger than {values.max():.3g}"
                              " (log values?)", "raw or expected counts; log-scale values "
                              "are analysed as they are (scale: log2)")
    return values


def effective_library_sizes(matrix: xr.DataArray) -> np.ndarray:
    """Column sums times the TMM ``norm_factor`` coordinate when there is one."""
    sizes = library_sizes(counts_values(matrix))
    if "norm_factor" in matrix.coords:
        sizes = sizes * np.asarray(matrix["norm_factor"].values, dtype=np.float64)
    return sizes


def tmm_factors(counts: np.ndarray, lib_size: np.ndarray | None = None, *,
                ref_column: int | None = None, logratio_trim: float = 0.3,
                sum_trim: float = 0.05, do_weighting: bool = True,
                a_cutoff: float = -1e10) -> np.ndarray:
    """edgeR's ``calcNormFactors(method="TMM")``: trimmed mean of M-values factors.

    Parameters
    ----------
    counts
        Genes x samples counts.
    lib_size
        Library sizes (default the column sums).
    ref_column
        Reference sample (default: the one whose upper-quartile factor is nearest the mean,
        as edgeR).
    logratio_trim, sum_trim, do_weighting, a_cutoff
        edgeR's ``logratioTrim``, ``sumTrim``, ``doWeighting``, ``Acutoff``.

    Returns
    -------
    ndarray
        One factor per sample, scaled to a geometric mean of 1; the effective library size
        is ``lib_size * factor``.

    Examples
    --------
    >>> counts = np.array([[10, 20], [20, 40], [30, 60], [40, 80.0], [1, 2]])
    >>> tmm_factors(counts).round(4).tolist()
    [1.0, 1.0]
    """
    x = check_counts(counts)
    n_samples = x.shape[1]
    lib_size = library_sizes(x) if lib_size is None else np.asarray(lib_size, dtype=np.float64)
    x = x[(x > 0).any(axis=1)]
    if x.shape[0] == 0 or n_samples == 1:
        return np.ones(n_samples)
    if ref_column is None:
        upper_quartile = np.quantile(x, 0.75, axis=0) / lib_size
        if np.median(upper_quartile) < 1e-20:
            ref_column = int(np.argmax(np.sqrt(x).sum(axis=0)))
        else:
            ref_column = int(np.argmin(np.abs(upper_quartile - upper_quartile.mean())))
    factors = np.array([
        _tmm_factor(x[:, i], x[:, ref_column], lib_size[i], lib_size[ref_column],
                    logratio_trim, sum_trim, do_weighting, a_cutoff)
        for i in range(n_samples)
    ])
    return factors / np.exp(np.mean(np.log(factors)))


def _tmm_factor(obs, ref, n_obs, n_ref, logratio_trim, sum_trim, do_weighting,
                a_cutoff) -> float:
    """edgeR's ``.calcFactorTMM`` for one sample against the reference."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log2((obs / n_obs) / (ref / n_ref))
        abs_expr = (np.log2(obs / n_obs) + np.log2(ref / n_ref)) / 2
        variance = (n_obs - obs) / n_obs / obs + (n_ref - ref) / n_ref / ref
    finite = np.isfinite(log_ratio) & np.isfinite(abs_expr) & (abs_expr > a_cutoff)
    log_ratio, abs_expr, variance = log_ratio[finite], abs_expr[finite], variance[finite]
    if np.max(np.abs(log_ratio)) < 1e-6:
        return 1.0
    n = log_ratio.size
    low_ratio = np.floor(n * logratio_trim) + 1
    low_sum = np.floor(n * sum_trim) + 1
    ratio_rank, sum_rank = rankdata(log_ratio), rankdata(abs_expr)
    keep = ((ratio_rank >= low_ratio) & (ratio_rank <= n + 1 - low_ratio)
            & (sum_rank >= low_sum) & (sum_rank <= n + 1 - low_sum))
    if do_weighting:
        f = np.nansum(log_ratio[keep] / variance[keep]) / np.nansum(1 / variance[keep])
    else:
        f = np.nanmean(log_ratio[keep])
    return float(2 ** (0.0 if np.isnan(f) else f))


def filter_by_expr(counts: np.ndarray, *, group: np.ndarray | None = None,
                   design: np.ndarray | None = None, lib_size: np.ndarray | None = None,
                   min_count: float = 10, min_total_count: float = 15, large_n: int = 10,
                   min_prop: float = 0.7) -> np.ndarray:
    """edgeR's ``filterByExpr``: genes with enough counts in enough samples to be tested.

    A gene is kept when its CPM reaches ``min_count`` at the median library size in at least
    as many samples as the smallest group (or the design's smallest effective group, or all
    samples), and its total count reaches ``min_total_count``.

    Parameters
    ----------
    counts
        Genes x samples counts.
    group
        Sample groups (the smallest sets the required number of samples).
    design
        A design matrix instead of ``group``: ``1 / max(leverage)`` samples are required.
    lib_size
        Library sizes (default the column sums).
    min_count, min_total_count, large_n, min_prop
        edgeR's ``min.count``, ``min.total.count``, ``large.n``, ``min.prop``.

    Returns
    -------
    ndarray of bool
        One per gene: kept.

    Examples
    --------
    >>> counts = np.array([[100, 90, 120, 80], [0, 0, 30, 0], [1, 0, 2, 1.0]]) * 1000
    >>> filter_by_expr(counts, group=np.array(list("aabb"))).tolist()
    [True, False, True]
    """
    y = check_counts(counts)
    lib_size = library_sizes(y) if lib_size is None else np.asarray(lib_size, dtype=np.float64)
    if group is not None:
        _, sizes = np.unique(np.asarray(group).astype(str), return_counts=True)
        min_samples = float(sizes[sizes > 0].min())
    elif design is not None:
        min_samples = 1 / np.max(_leverages(np.asarray(design, dtype=np.float64)))
    else:
        min_samples = float(y.shape[1])
    if min_samples > large_n:
        min_samples = large_n + (min_samples - large_n) * min_prop
    cutoff = min_count / np.median(lib_size) * 1e6
    cpm = y / lib_size * 1e6
    tolerance = 1e-14
    enough_cpm = (cpm >= cutoff).sum(axis=1) >= min_samples - tolerance
    return enough_cpm & (y.sum(axis=1) >= min_total_count - tolerance)


def _leverages(design: np.ndarray) -> np.ndarray:
    """R's ``hat(design)`` (intercept added): the diagonal of the hat matrix."""
    x = np.column_stack([np.ones(design.shape[0]), design])
    q, _ = np.linalg.qr(x[:, estimable_columns(x)])
    return (q**2).sum(axis=1)


@dataclass(frozen=True)
class VoomResult:
    """limma's ``EList`` from :func:`voom`.

    Attributes
    ----------
    values
        Genes x samples log2-CPM, ``log2((counts + 0.5) / (lib_size + 1) * 1e6)``.
    weights
        Genes x samples precision weights from the mean-variance trend.
    lib_size
        The library sizes used (effective sizes when normalisation factors were applied).
    trend_x, trend_y
        The lowess trend of sqrt(residual SD) on mean log2 count.
    """

    values: np.ndarray
    weights: np.ndarray
    lib_size: np.ndarray
    trend_x: np.ndarray
    trend_y: np.ndarray


def voom(counts: np.ndarray, design: np.ndarray, *, lib_size: np.ndarray | None = None,
         span: float = 0.5, sample_weights: np.ndarray | None = None) -> VoomResult:
    """limma's ``voom``: log2-CPM and precision weights from the mean-variance trend.

    Parameters
    ----------
    counts
        Genes x samples counts (non-integer expected counts accepted).
    design
        Samples x columns design matrix of the linear model to be fitted.
    lib_size
        Library sizes, e.g. ``counts.sum(0) * tmm_factors(counts)`` (default column sums).
    span
        Lowess span of the trend.
    sample_weights
        Sample (array) weights of the fit behind the trend (voom's ``weights``), as
        :func:`voom_with_quality_weights` passes them.

    Returns
    -------
    VoomResult
        Pass ``values`` and ``weights`` to :func:`omics.stats.limma_fit.lm_fit`.

    Examples
    --------
    >>> counts = np.random.default_rng(1).poisson(50, size=(100, 4)).astype(float)
    >>> out = voom(counts, np.ones((4, 1)))
    >>> out.values.shape, out.trend_x.size > 0
    ((100, 4), True)
    """
    counts = check_counts(counts)
    design = np.asarray(design, dtype=np.float64)
    if counts.shape[0] < 2:
        raise OmicsInputError("voom", f"{counts.shape[0]} gene(s)",
                              "at least two genes to fit a mean-variance trend")
    lib_size = library_sizes(counts) if lib_size is None \
        else np.asarray(lib_size, np.float64)
    values = np.log2((counts + 0.5) / (lib_size + 1) * 1e6)
    fit = lm_fit_block(values, design, None if sample_weights is None else
                       np.broadcast_to(np.asarray(sample_weights, float), values.shape))
    if np.sum(fit.df_residual > 0) < 2:
        raise OmicsInputError("voom", "a design without replication",
                              "residual degrees of freedom for the mean-variance trend")
    sx = fit.amean + np.mean(np.log2(lib_size + 1)) - np.log2(1e6)
    sy = np.sqrt(fit.sigma)
    expressed = counts.sum(axis=1) > 0
    sx, sy = sx[expressed], sy[expressed]
    trend = lowess(sy, sx, frac=span, it=3, delta=0.01 * np.ptp(sx), return_sorted=True)
    trend_x, trend_y = _mean_over_ties(trend[:, 0], trend[:, 1])
    keep = estimable_columns(design)
    fitted = np.nan_to_num(fit.coefficients[:, keep]) @ design[:, keep].T
    fitted_log_count = np.log2(2**fitted * 1e-6 * (lib_size + 1))
    weights = 1 / np.interp(fitted_log_count, trend_x, trend_y) ** 4
    return VoomResult(values, weights, lib_size, trend_x, trend_y)


def voom_with_quality_weights(counts: np.ndarray, design: np.ndarray, *,
                              lib_size: np.ndarray | None = None, span: float = 0.5,
                              prior_n: float = 10) -> tuple[VoomResult, np.ndarray]:
    """limma's ``voomWithQualityWeights``: voom, sample weights (``arrayWeights``, gene by
    gene), voom again with them, sample weights again; the precision weights are voom's
    times the sample weights.

    Parameters
    ----------
    counts, design, lib_size, span
        As :func:`voom`.
    prior_n
        ``arrayWeights``' prior weight (in genes) towards equal sample weights.

    Returns
    -------
    VoomResult, ndarray
        The voom result whose ``weights`` include the sample weights, and the sample weights.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> counts = rng.poisson(80, size=(300, 6)).astype(float)
    >>> counts[:, 5] = rng.poisson(rng.gamma(1.5, 55, size=300)).astype(float)  # a noisy sample
    >>> design = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> voomed, sample_weights = voom_with_quality_weights(counts, design)
    >>> int(np.argmin(sample_weights))
    5
    """
    first = voom(counts, design, lib_size=lib_size, span=span)
    weights = array_weights(first.values, design, first.weights, prior_n=prior_n)
    second = voom(counts, design, lib_size=lib_size, span=span, sample_weights=weights)
    weights = array_weights(second.values, design, second.weights, prior_n=prior_n)
    return (VoomResult(second.values, second.weights * weights[None, :], second.lib_size,
                       second.trend_x, second.trend_y), weights)


def array_weights(values: np.ndarray, design: np.ndarray, weights: np.ndarray | None = None,
                  *, prior_n: float = 10) -> np.ndarray:
    """limma's ``arrayWeights(method="genebygene")``: one weight per sample from how well it
    fits the model, updated gene by gene (Ritchie et al. 2006), each sample its own
    variance group.

    Parameters
    ----------
    values
        Genes x samples log values (NaN = missing).
    design
        Samples x columns design matrix.
    weights
        Genes x samples precision weights (e.g. voom's); 0 drops a value.
    prior_n
        Prior weight, in genes, towards equal sample weights.

    Returns
    -------
    ndarray
        One weight per sample (their geometric mean is 1).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=(500, 6)); y[:, 0] *= 3  # sample 0 is noisy
    >>> w = array_weights(y, np.ones((6, 1)))
    >>> int(np.argmin(w)), bool(w[0] < 0.3)
    (0, True)
    """
    values = np.asarray(values, dtype=np.float64).copy()
    n_genes, n_samples = values.shape
    design = np.asarray(design, dtype=np.float64)
    design = design[:, estimable_columns(design)]
    if n_genes < 2 or n_samples - design.shape[1] < 2:
        return np.ones(n_samples)
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64).copy()
        zero = weights == 0
        values[zero] = np.nan
        weights[zero] = 1.0
    values[np.isinf(values)] = np.nan
    contrast = np.vstack([np.eye(n_samples - 1), -np.ones((1, n_samples - 1))])  # contr.sum
    z = np.column_stack([np.ones(n_samples), contrast])
    gamma = np.zeros(n_samples - 1)
    sample_weights = np.ones(n_samples)
    info2 = prior_n * contrast.T @ contrast
    for i in range(n_genes):
        w = sample_weights if weights is None else sample_weights * weights[i]
        observed = np.isfinite(values[i])
        if observed.sum() <= 2:
            continue
        x, y, wo = design[observed], values[i, observed], w[observed]
        root = np.sqrt(wo)
        keep = estimable_columns(root[:, None] * x)
        q, r = np.linalg.qr(root[:, None] * x[:, keep])
        df = observed.sum() - keep.sum()
        if df < 2:
            continue
        beta = np.linalg.solve(r, q.T @ (root * y))
        residuals = y - x[:, keep] @ beta
        d = np.zeros(n_samples)
        h1 = np.zeros(n_samples)
        d[observed] = wo * residuals**2
        h1[observed] = 1 - (q**2).sum(axis=1)
        s2 = d.sum() / df
        if s2 < 1e-15:
            continue
        info = z.T @ (h1[:, None] * z)
        info2 = info2 + info[1:, 1:] - np.outer(info[1:, 0], info[0, 1:]) / info[0, 0]
        gamma = gamma + np.linalg.solve(info2, contrast.T @ (d / s2 - h1))
        sample_weights = np.exp(contrast @ -gamma)
    return sample_weights


def _mean_over_ties(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``approxfun(ties = list("ordered", mean))`` knots: sorted ``x``, tied y averaged."""
    unique, start = np.unique(x, return_index=True)
    sums = np.add.reduceat(y, start)
    return unique, sums / np.diff(np.append(start, x.size))
