"""Reduce one block of correlations to what ``correlate`` reports, in a few passes.

A block of ``r`` (rows of ``x`` against all of ``y``) is screened once against the smallest
``|r|`` anything needs (the top-k guess, ``min_abs_r``, the FDR cut-off); only the
candidates are sorted or given p-values. Every tested pair is also counted in the p-value
bins of :mod:`omics.stats.streaming_fdr`, which keeps the FDR exact.

Examples
--------
>>> from omics.stats.streaming_fdr import PValueBins
>>> r = np.array([[0.9, -0.2, 0.05], [0.1, -0.95, 0.3]])
>>> plan = BlockPlan(top_k=1, min_abs_r=0.5, within=False, budget=10, p_cutoff=1.0,
...                  n_samples=12, n_partners=3)
>>> summary = summarise_block(r, 12, np.array([0, 1]), plan, PValueBins(12))
>>> summary.top["b"].tolist(), summary.strong["r"].tolist(), summary.kept.n_tested
([0, 1], [0.9, -0.95], 6)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import special

from omics.stats.correlation_kernel import (
    screen_and_count,
    screen_exact_and_count,
    strong_and_kept,
    top_k_per_row,
)
from omics.stats.correlation_p_table import sample_sizes
from omics.stats.kept_buffer import into_shared_buffer
from omics.stats.streaming_fdr import (
    KeptPValues,
    PValueBins,
    keep_smallest,
    keep_strongest,
    two_sided_p,
)

__all__ = ["BlockPlan", "BlockSummary", "summarise_block", "summarise_screened"]

_NOT_TESTED = 2.0  # |r| sentinel: not counted in the bins (self-pairs, j <= i, NaN)


@dataclass(frozen=True)
class BlockPlan:
    """What every block must report."""

    top_k: int | None
    min_abs_r: float | None
    within: bool  # pairs i < j of one matrix
    budget: int  # p-values a block may keep for the FDR
    p_cutoff: float  # initial FDR cut-off (an expected-null guess)
    n_samples: int
    n_partners: int  # features of y
    kept_into: int | None = None  # key of a shared KeptBuffer for the kept values

    def top_screen(self) -> float:
        """|r| above which a row's top-k partners are expected (null guess: 4k per row)."""
        guess = min(1.0, 4.0 * (self.top_k or 0) / max(self.n_partners, 1))
        return abs_r_at_p(guess, self.n_samples)

    def screen(self) -> float:
        """The smallest |r| any output needs, for complete pairs."""
        levels = [abs_r_at_p(self.p_cutoff, self.n_samples)]
        if self.min_abs_r is not None:
            levels.append(self.min_abs_r)
        if self.top_k:
            levels.append(self.top_screen())
        return min(levels)


@dataclass
class BlockSummary:
    """One block's contribution to the result."""

    top: dict[str, np.ndarray]
    strong: dict[str, np.ndarray]
    kept: KeptPValues


@functools.lru_cache(maxsize=4096)
def abs_r_at_p(p: float, n: int) -> float:
    """The |r| whose two-sided p-value with ``n`` samples is ``p``, minus a hair so that a
    screen ``|r| >= value`` keeps every pair with p-value ``<= p`` (kept per ``(p, n)``: every
    block asks again for the same ones).

    Examples
    --------
    >>> round(abs_r_at_p(0.05, 20), 4)
    0.4438
    """
    if n <= 2 or p >= 1:
        return 0.0
    t = -special.stdtrit(n - 2, p / 2)
    return float(t / np.sqrt(n - 2 + t * t)) * (1 - 1e-9)


def summarise_block(r: np.ndarray, n: np.ndarray | int, rows: np.ndarray, plan: BlockPlan,
                    bins: PValueBins, may_have_nan: bool = True) -> BlockSummary:
    """Top-k partners, strong pairs, kept p-values and bin counts of one block.

    ``rows`` are the block's row numbers in ``x``; with ``plan.within`` the tested pairs
    are ``j > i`` and a feature is never its own partner. ``may_have_nan=False`` promises
    that every correlation is finite (skips a pass).
    """
    if np.ndim(n) == 0:
        counts = np.zeros(bins.size, dtype=np.int64)
        i, j = screen_and_count(r, rows, plan.within, plan.screen(), bins.n_bins, counts)
        return _summarise_candidates(i, j, r[i, j], lambda short: r[short], r.shape, int(n),
                                     rows, plan, counts)
    abs_r = np.abs(r)
    if plan.within:
        abs_r[np.arange(r.shape[0]), rows] = np.nan
    i, j = np.nonzero(abs_r >= 0.0)
    cand_abs, cand_r, cand_n = abs_r[i, j], r[i, j], n[i, j]
    top = _top_partners(_partner_rows(lambda short: r[short], rows, plan.within),
                        lambda a, b: n[a, b], rows, i, j, cand_r, -np.inf, plan.top_k,
                        r.shape) if plan.top_k else _no_pairs(rank=True)
    region, strong, n_strong = _strong_pairs(plan, rows, i, j, cand_abs, cand_r, cand_n)
    counts, n_tested = _count_tested(abs_r, n, rows, plan, bins, may_have_nan)
    # every p-value <= p_cutoff is among the pairs with |r| >= the screen of their n
    near = region & (cand_abs >= _abs_r_at_p_by_n(plan.p_cutoff, cand_n))
    kept = keep_smallest(two_sided_p(cand_r[near], cand_n[near]), plan.budget + n_strong,
                         plan.p_cutoff, counts, n_tested=n_tested)
    return BlockSummary(top, strong, kept)


def _abs_r_at_p_by_n(p: float, n: np.ndarray) -> np.ndarray:
    """:func:`abs_r_at_p` of ``p`` for each entry of the integer array ``n`` (computed once
    per distinct ``n``)."""
    sizes = sample_sizes(n)
    if sizes.size == 0:
        return np.zeros(n.shape)
    screen = np.zeros(sizes[-1] + 1)
    screen[sizes] = [abs_r_at_p(p, int(size)) for size in sizes]
    return screen[n]


def summarise_screened(r32: np.ndarray, x: np.ndarray, y: np.ndarray, rows: np.ndarray,
                       plan: BlockPlan, bins: PValueBins) -> BlockSummary:
    """:func:`summarise_block` of complete data from a single-precision product.

    ``r32`` is ``x @ y.T`` in float32 of the unit rows ``x`` (the block) and ``y`` (float64);
    ``bins.slack`` bounds its error. The screen keeps every pair whose float32 value is
    within that error of what any output needs, and gives it its float64 value
    (:func:`~omics.stats.correlation_kernel.screen_exact_and_count`); rows ranked in full
    for the top-k are recomputed in float64. So every reported ``r`` and every kept value is
    the float64 one; only the bin counts come from float32 (``bins.slack``).
    """
    counts = np.zeros(bins.size, dtype=np.int64)
    i, j, cand_r = screen_exact_and_count(r32, x, y, rows, plan.within, plan.screen(),
                                          bins.slack, bins.n_bins, counts)
    return _summarise_candidates(
        i, j, cand_r, lambda short: np.clip(x[short] @ y.T, -1.0, 1.0), r32.shape,
        plan.n_samples, rows, plan, counts)


def _summarise_candidates(i: np.ndarray, j: np.ndarray, cand_r: np.ndarray, rows_of,
                          shape: tuple[int, int], n: int, rows: np.ndarray, plan: BlockPlan,
                          counts: np.ndarray) -> BlockSummary:
    """The block's summary from its screened candidates (every pair with ``n`` samples):
    positions ``i, j`` row by row, values ``cand_r``; ``rows_of(short)`` gives whole rows
    of the block (for rows with fewer than ``top_k`` candidates). p-values are computed
    later, and only where needed."""
    top = _top_partners(_partner_rows(rows_of, rows, plan.within),
                        lambda a, b: np.full(a.size, n), rows, i, j, cand_r,
                        plan.top_screen(), plan.top_k, shape) if plan.top_k \
        else _no_pairs(rank=True)
    # the strong pairs are reported anyway: keeping their |r| too costs little and keeps
    # the budget for the pairs below them
    cutoff = abs_r_at_p(plan.p_cutoff, plan.n_samples)
    if plan.min_abs_r is not None:
        cutoff = min(cutoff, plan.min_abs_r)
    at, kept_abs = strong_and_kept(i, j, cand_r, rows, plan.within,
                                   np.inf if plan.min_abs_r is None else plan.min_abs_r, cutoff)
    strong_r, strong_n = cand_r[at], np.full(at.size, n)
    strong = _pairs(rows[i[at]], j[at], strong_r, strong_n, two_sided_p(strong_r, strong_n))
    kept = into_shared_buffer(plan.kept_into, keep_strongest(
        kept_abs, plan.budget + at.size, cutoff, plan.n_samples, counts, int(counts.sum())))
    return BlockSummary(top, strong, kept)


def _strong_pairs(plan: BlockPlan, rows, i, j, cand_abs, cand_r, cand_n
                  ) -> tuple[np.ndarray, dict[str, np.ndarray], int]:
    """The tested region among the candidates (``j > i`` within one matrix), the strong
    pairs with their p-values, and how many they are."""
    region = j > rows[i] if plan.within else np.ones(i.size, dtype=bool)
    chosen = region & (cand_abs >= plan.min_abs_r) if plan.min_abs_r is not None \
        else np.zeros(i.size, dtype=bool)
    strong = _pairs(rows[i[chosen]], j[chosen], cand_r[chosen], cand_n[chosen],
                    two_sided_p(cand_r[chosen], cand_n[chosen]))
    return region, strong, int(chosen.sum())


def _count_tested(abs_r: np.ndarray, n, rows: np.ndarray, plan: BlockPlan,
                  bins: PValueBins, may_have_nan: bool) -> tuple[np.ndarray, int]:
    """Bin counts and number of the block's tested pairs (``abs_r`` is overwritten)."""
    if plan.within:
        stop = min(int(rows[-1]) + 1, abs_r.shape[1])
        lower = rows[:, None] >= np.arange(stop)[None, :]
        abs_r[:, :stop][lower] = _NOT_TESTED
    if np.ndim(n):  # pairs with missing values binned by their p-value, in one pass
        counts = bins.count_pairs(abs_r, n)
        return counts, int(counts.sum())
    if may_have_nan or plan.within:
        np.nan_to_num(abs_r, copy=False, nan=_NOT_TESTED)
    counts = bins.count_abs_r(abs_r)
    return counts, int(counts.sum())


def _partner_rows(rows_of, rows: np.ndarray, within: bool):
    """``partners(short)`` for :func:`_top_partners`: the signed r of block rows ``short``
    (``rows_of(short)``, a new array), NaN where not a partner (itself, within one matrix;
    NaN r)."""

    def partners(short: np.ndarray) -> np.ndarray:
        values = np.asarray(rows_of(short), dtype=np.float64)
        if within:
            values[np.arange(short.size), rows[short]] = np.nan
        return values

    return partners


def _top_partners(partners, n_at, rows, i, j, cand_r, floor, k,
                  shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Each row's ``k`` largest |r| among its candidates at or above ``floor`` (``i``
    sorted, as both screens give it); rows with too few are ranked in full
    (``partners(rows)``: their signed r, NaN where not a partner). ``n_at(i, j)``: the
    pairs' sample sizes."""
    n_rows, n_cols = shape
    k = min(k, n_cols)
    best, usable = top_k_per_row(i, cand_r, n_rows, k, floor)
    short = np.flatnonzero(usable < k)
    top_i, top_j, top_r = i[best], j[best], cand_r[best]
    if short.size:
        values = partners(short)
        strength = np.nan_to_num(np.abs(values), nan=-1.0)
        full = np.argpartition(-strength, k - 1, axis=1)[:, :k]
        finite = (np.take_along_axis(strength, full, axis=1) >= 0).ravel()
        top_i = np.concatenate([top_i, np.repeat(short, k)[finite]])
        top_j = np.concatenate([top_j, full.ravel()[finite]])
        top_r = np.concatenate([top_r, np.take_along_axis(values, full, axis=1).ravel()[finite]])
    order = np.lexsort((-np.abs(top_r), top_i))
    top_i, top_j, top_r = top_i[order], top_j[order], top_r[order]
    top_n = n_at(top_i, top_j)
    pairs = _pairs(rows[top_i], top_j, top_r, top_n, two_sided_p(top_r, top_n))
    starts = np.searchsorted(top_i, top_i, side="left")
    pairs["rank"] = np.arange(top_i.size) - starts + 1
    return pairs


def _pairs(a, b, r, n, p) -> dict[str, np.ndarray]:
    """Pairs as columns; indices and sizes as int32 (millions of pairs may be reported)."""
    return {"a": np.asarray(a, dtype=np.int32), "b": np.asarray(b, dtype=np.int32),
            "r": np.asarray(r, dtype=np.float64), "n": np.asarray(n, dtype=np.int32),
            "p": np.asarray(p, dtype=np.float64)}


def _no_pairs(rank: bool = False) -> dict[str, np.ndarray]:
    empty = np.empty(0, dtype=np.int64)
    pairs = _pairs(empty, empty, np.empty(0), empty, np.empty(0))
    if rank:
        pairs["rank"] = empty
    return pairs
