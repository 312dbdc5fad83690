"""Two-sided p-values of many correlations with one sample size, from a per-``n`` table.

The p-value of a correlation ``r`` with ``n`` samples is ``I_u(a, 1/2)`` with ``u = 1 - r^2``
and ``a = (n - 2) / 2`` (the t test with ``n - 2`` df). ``scipy.special.betainc`` takes about
0.3 µs per value, and a genome-scale ``correlate`` asks for millions of them, all with the
same ``n``. Written as ``p = u^a H(|r|)``, the factor ``H`` is smooth on ``[0, 1]`` (analytic
in ``|r|``: ``H = |r| 2F1(a + 1/2, 1; a + 1; u) / (a B(a, 1/2))``), so a piecewise Chebyshev
interpolant of ``H`` (1,024 intervals of degree 6, built from ``betainc`` once per ``n``)
gives ``p`` to within a few ulps of ``betainc`` times the conditioning both share: ``u^a``
carries ``u``'s rounding ``a``-fold. Measured against ``betainc`` on 2.2 M random ``r``
(2026-12-02), for p-values in ``(1e-100, 0.05]``, where the FDR is decided: at most 6e-15
relative for ``n <= 30``, 4.3e-14 at ``n = 200``, 1.7e-13 at ``n = 1000``, 1.5e-13 at
``n = 5000`` (down to 1e-300: 7.5e-12 at ``n = 5000``); 25-85 ns per value against about
290 ns. Near ``r = 0`` the table is the more accurate one: ``u = 1 - r^2`` rounds away what
decides ``betainc``'s value, and the table's nodes there come from ``1 - I_{r^2}(1/2, a)``.
Below about 1e-308, ``betainc`` gives 0 where the table gives a subnormal number.
Correlations with different sample sizes (pairs with missing values) are evaluated in one
pass over the tables of every ``n`` present (:func:`two_sided_p_many_n`), so a pair's p-value
does not depend on which other pairs it is computed with.

Examples
--------
>>> from scipy import special
>>> r = np.array([0.0, 0.3, -0.5, 0.999, 1.0, np.nan])
>>> p = two_sided_p_one_n(r, 20)
>>> exact = special.betainc(9.0, 0.5, (1 - r) * (1 + r))
>>> bool(np.allclose(p[:5], exact[:5], rtol=1e-13, atol=0)), bool(np.isnan(p[5]))
(True, True)
"""

from __future__ import annotations

import functools

import numba
import numpy as np
from scipy import special

__all__ = ["p_from_tables", "sample_sizes", "tables_for", "two_sided_p_many_n",
           "two_sided_p_one_n"]

#: Intervals of ``|r|`` in ``[0, 1]`` and the degree of the interpolant on each.
_INTERVALS = 1024
_DEGREE = 6


@functools.lru_cache(maxsize=1024)
def _coefficients(n: int) -> np.ndarray:
    """Chebyshev coefficients of ``H`` on each interval, ``(intervals, degree + 1)``: 57 KB,
    about 2 ms to build; kept for up to 1,024 sample sizes (pairs with missing values have
    many)."""
    a = (n - 2) / 2
    k = np.arange(_DEGREE + 1)
    nodes = np.cos(np.pi * (2 * k + 1) / (2 * (_DEGREE + 1)))  # in (-1, 1)
    r = (np.arange(_INTERVALS)[:, None] + (nodes[None, :] + 1) / 2) / _INTERVALS
    u = (1 - r) * (1 + r)
    p = special.betainc(a, 0.5, u)
    # near r = 0, u rounds away what matters; 1 - I_{r^2}(1/2, a) keeps it (p > 1/2 there)
    large = p > 0.5
    p[large] = 1 - special.betainc(0.5, a, r[large] ** 2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h = p / u**a
    # where p or u^a underflow: H from its hypergeometric form
    far = ~np.isfinite(h) | (p < 1e-280)
    h[far] = r[far] * special.hyp2f1(a + 0.5, 1.0, a + 1.0, u[far]) / (a * special.beta(a, 0.5))
    vandermonde = np.polynomial.chebyshev.chebvander(nodes, _DEGREE)
    return np.ascontiguousarray(np.linalg.solve(vandermonde, h.T).T)


@numba.njit(cache=True, nogil=True)
def _p_value(r, a, coefficients):  # pragma: no cover
    """p of one correlation ``r`` from the table of its sample size."""
    value = abs(r)
    if value != value:  # NaN
        return np.nan
    intervals = coefficients.shape[0]
    degree = coefficients.shape[1] - 1
    value = min(value, 1.0)
    scaled = value * intervals
    interval = min(int(scaled), intervals - 1)
    x = 2.0 * (scaled - interval) - 1.0
    b1 = 0.0
    b2 = 0.0
    for j in range(degree, 0, -1):  # Clenshaw
        b1, b2 = coefficients[interval, j] + 2.0 * x * b1 - b2, b1
    h = coefficients[interval, 0] + x * b1 - b2
    u = (1.0 - value) * (1.0 + value)
    power = u**a
    if power < 1e-280:  # u^a near underflow, H above 1: their product by logarithms
        return np.exp(a * np.log(u) + np.log(h)) if u > 0.0 else 0.0
    return min(1.0, power * h)


@numba.njit(cache=True, nogil=True)
def _from_table(r, a, coefficients, out):  # pragma: no cover
    for index in range(r.size):
        out[index] = _p_value(r[index], a, coefficients)


@numba.njit(cache=True, nogil=True)
def p_from_tables(r, size, table_of, a, tables):  # pragma: no cover
    """p of one correlation ``r`` with ``size`` samples, from :func:`tables_for`'s tables
    (NaN where ``size`` has none: fewer than 3 samples)."""
    table = table_of[size] if 0 <= size < table_of.size else -1
    return np.nan if table < 0 else _p_value(r, a[table], tables[table])


@numba.njit(cache=True, nogil=True)
def _from_tables(r, n, table_of, a, tables, out):  # pragma: no cover
    for index in range(r.size):
        out[index] = p_from_tables(r[index], n[index], table_of, a, tables)


def sample_sizes(n: np.ndarray) -> np.ndarray:
    """The distinct values of the array ``n`` of sample sizes (non-negative integers),
    ascending, by counting (one pass, no sort).

    Examples
    --------
    >>> sample_sizes(np.array([[5, 3], [5, 0]])).tolist()
    [0, 3, 5]
    """
    return np.flatnonzero(np.bincount(np.asarray(n).reshape(-1))) if np.size(n) else \
        np.zeros(0, dtype=np.int64)


def tables_for(n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tables of every sample size ``>= 3`` in the integer array ``n``, for
    :func:`p_from_tables`: ``table_of`` (size -> table, -1 for none), ``a`` and the
    stacked coefficients."""
    sizes = sample_sizes(np.clip(n, 0, None))  # a negative size has no table, as 0 to 2
    sizes = sizes[sizes >= 3]
    table_of = np.full(int(sizes[-1]) + 1 if sizes.size else 1, -1, dtype=np.int64)
    table_of[sizes] = np.arange(sizes.size)
    tables = np.stack([_coefficients(int(size)) for size in sizes]) if sizes.size else \
        np.zeros((1, _INTERVALS, _DEGREE + 1))
    return table_of, (sizes - 2) / 2.0, tables


def two_sided_p_one_n(r: np.ndarray, n: int) -> np.ndarray:
    """Two-sided p-values of correlations ``r``, all with ``n`` samples (``n >= 3``); NaN
    where ``r`` is NaN."""
    r = np.asarray(r, dtype=np.float64)
    out = np.empty(r.shape)
    _from_table(np.ascontiguousarray(r.reshape(-1)), (n - 2) / 2, _coefficients(int(n)),
                out.reshape(-1))  # a view: out is contiguous
    return out


def two_sided_p_many_n(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Two-sided p-values of correlations ``r`` with their own sample sizes ``n`` (same
    shape, integers); NaN where ``r`` is NaN or ``n < 3``. Each value equals
    :func:`two_sided_p_one_n` of its ``n``.

    Examples
    --------
    >>> r, n = np.array([0.5, 0.5, 0.9, 0.2]), np.array([20, 10, 2, 20])
    >>> p = two_sided_p_many_n(r, n)
    >>> bool(p[0] == two_sided_p_one_n(np.array([0.5]), 20)[0]), bool(np.isnan(p[2]))
    (True, True)
    """
    r = np.ascontiguousarray(r, dtype=np.float64)
    n = np.ascontiguousarray(np.broadcast_to(n, r.shape), dtype=np.int64)
    out = np.empty(r.shape)
    _from_tables(r.reshape(-1), n.reshape(-1), *tables_for(n), out.reshape(-1))
    return out
