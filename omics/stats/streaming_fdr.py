"""Benjamini-Hochberg over more p-values than fit in memory, exact where it matters.

BH's adjusted value of the i-th smallest of ``m`` p-values is
``q_(i) = min(1, min_{j >= i} m p_(j) / j)``. Streaming over blocks, each block

* keeps *every* p-value at or below its own cut-off ``c`` (at most ``budget`` of them), and
* counts all its p-values in fixed bins (:class:`PValueBins`: uniform in ``|r|``, so that a
  correlation is binned without computing its p-value).

With ``c*`` the smallest cut-off of all blocks, the kept values are *all* p-values ``<= c*``,
so their exact ranks are known and ``min_{j >= i}`` over them is exact. What is unknown is
the minimum of ``m p_(j) / j`` over the values above ``c*`` (the tail). In a bin whose
p-values lie in ``[lo, hi]``, every tail value has ``p >= max(lo, c*)`` and a rank no larger
than the number of p-values ``<= hi``, so ``m max(lo, c*) / count(<= hi)`` bounds it from
below; the largest value of the bin has rank at least ``count(< lo)`` plus the bin, which
bounds the minimum from above. Hence, with ``L`` the smallest lower bound over the tail bins:

* every adjusted value ``<= L`` computed from the kept values is **exact** (``L`` is reported
  as ``exact_up_to``; it is ``>= c*``, and 1 when every p-value was kept);
* a larger one is reported as an upper bound (never below the exact value): the kept values
  are evaluated only where an adjusted value at or below ``L`` might lie, so such a value
  may be looser than the kept values alone would allow.

Under a null-like tail ``m p / rank`` stays near 1, so ``L`` is close to 1; in practice every
FDR anyone would call significant is exact.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> bins = PValueBins(n_samples=30)
>>> r = [np.tanh(rng.normal(0, 0.3, 2000)) for _ in range(4)]
>>> p = [two_sided_p(block, 30) for block in r]
>>> parts = [keep_smallest(pb, budget=400, cutoff=0.05, counts=bins.count_abs_r(np.abs(rb)))
...          for pb, rb in zip(p, r)]
>>> bh = StreamingBH.combine(parts, bins)
>>> from omics.stats.multiple_testing import bh_fdr
>>> everything = np.concatenate(p)
>>> exact, q = bh_fdr(everything), bh.adjust(everything)
>>> ok = q <= bh.exact_up_to
>>> round(bh.cutoff, 3), round(bh.exact_up_to, 3)  # kept p <= 0.042; exact FDR <= 0.223
(0.042, 0.223)
>>> bool(np.allclose(q[ok], exact[ok], rtol=1e-12))
True
>>> bool(np.all(q[~ok] >= exact[~ok] * (1 - 1e-12)))  # above: never below the exact value
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numba
import numpy as np

from omics.stats.correlation_p_table import (
    p_from_tables,
    tables_for,
    two_sided_p_many_n,
    two_sided_p_one_n,
)
from omics.stats.ufunc_threads import in_threads

__all__ = [
    "KeptPValues",
    "PValueBins",
    "StreamingBH",
    "keep_smallest",
    "keep_strongest",
    "two_sided_p",
]

_SAFETY = 1e-9  # relative slack on bin edges against rounding at the boundaries


def two_sided_p(r: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """Two-sided p-value of a correlation by the t distribution with ``n - 2`` df (NaN
    where ``n < 3``).

    ``I_{1-r^2}((n-2)/2, 1/2)``, as ``scipy.stats.pearsonr`` computes it with
    ``scipy.special.betainc``, here from the table of each ``n``
    (:mod:`omics.stats.correlation_p_table`: within about 1e-13 of ``betainc``, 4-10 times
    faster), so a pair's p-value is the same in whatever call it is computed.

    Examples
    --------
    >>> float(two_sided_p(np.array(0.5), 20).round(6))
    0.02477
    """
    r = np.asarray(r, dtype=np.float64)
    n = np.asarray(n)
    shape = np.broadcast_shapes(r.shape, n.shape)
    one_n = _single_sample_size(n)
    if one_n is not None:
        return two_sided_p_one_n(np.broadcast_to(r, shape), one_n)
    return two_sided_p_many_n(np.broadcast_to(r, shape), np.broadcast_to(n, shape))


def _single_sample_size(n: np.ndarray) -> int | None:
    """The one integer ``n >= 3`` every entry of ``n`` holds, else None."""
    if n.size == 0 or not np.issubdtype(n.dtype, np.number):
        return None
    low, high = n.min(), n.max()
    if low != high or low < 3 or low != int(low):
        return None
    return int(low)


@dataclass(frozen=True)
class PValueBins:
    """Bins of p-values defined by ``|r|`` edges ``k / n_bins`` at ``n_samples``.

    Bin ``k < n_bins`` holds ``|r|`` in ``[k/B, (k+1)/B)``, i.e. p-values in
    ``[p((k+1)/B), p(k/B)]``; bin ``B`` holds ``|r| = 1`` (p = 0). Correlations with another
    ``n`` (pairs with missing values) are binned by their p-value.

    ``slack > 0``: the ``|r|`` were binned from approximations within ``slack`` of the exact
    values (a single-precision screen), so a value may sit one bin off. The bin's p-value
    range is widened by ``slack`` on both sides, and :class:`StreamingBH` uses its counts
    one bin more cautiously (``shift``); every bound stays a bound.

    Examples
    --------
    >>> bins = PValueBins(20, n_bins=10, slack=0.01)
    >>> bool(bins.upper[3] > PValueBins(20, n_bins=10).upper[3]), bins.shift
    (True, 1)
    """

    n_samples: int
    n_bins: int = 4096
    slack: float = 0.0
    upper: np.ndarray = field(init=False, repr=False)  # largest p-value of each bin
    lower: np.ndarray = field(init=False, repr=False)  # smallest p-value of each bin

    def __post_init__(self) -> None:
        if not 0 <= self.slack < 0.5 / self.n_bins:
            raise ValueError(f"slack {self.slack} is not within [0, half a bin)")
        edges = np.arange(self.n_bins + 1) / self.n_bins
        object.__setattr__(self, "upper", two_sided_p(np.clip(edges - self.slack, 0, 1),
                                                      self.n_samples))
        object.__setattr__(self, "lower", np.append(
            two_sided_p(np.clip(edges[1:] + self.slack, 0, 1), self.n_samples), 0.0))

    @property
    def shift(self) -> int:
        """Bins by which a counted value may be off its exact bin (0 or 1)."""
        return int(self.slack > 0)

    @property
    def size(self) -> int:
        """Number of bins (including the one for ``|r| = 1``)."""
        return self.n_bins + 1

    def count_abs_r(self, abs_r: np.ndarray) -> np.ndarray:
        """Counts per bin of ``|r|`` values at ``n_samples``.

        Values must not be NaN or negative; values above 1 (a sentinel for pairs not
        tested) are not counted.
        """
        index = (abs_r.ravel() * self.n_bins).astype(np.intp)
        return np.bincount(index, minlength=self.size)[: self.size]

    def count_pairs(self, abs_r: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Counts per bin of ``|r|`` values with their own sample sizes ``n`` (integers, same
        shape): at ``n_samples`` by ``|r|`` as :meth:`count_abs_r`, at other ``n`` by their
        p-value (the bin whose p-value range holds it), in one compiled pass (no p-value
        array). NaN and values above 1 (pairs not tested) are not counted."""
        abs_r = np.ascontiguousarray(abs_r, dtype=np.float64).reshape(-1)
        n = np.ascontiguousarray(n, dtype=np.int64).reshape(-1)
        counts = np.zeros(self.size, dtype=np.int64)
        _count_pairs(abs_r, n, self.n_samples, self.n_bins, np.ascontiguousarray(
            self.upper[::-1]), *tables_for(n), counts)
        return counts


@numba.njit(cache=True, nogil=True)
def _count_pairs(abs_r, n, n_samples, n_bins, ascending, table_of, a, tables, counts
                 ):  # pragma: no cover
    for index in range(abs_r.size):
        value = abs_r[index]
        if not value <= 1.0:  # NaN, or not tested
            continue
        if n[index] == n_samples:
            counts[int(value * n_bins)] += 1
            continue
        p = p_from_tables(value, n[index], table_of, a, tables)
        if p != p:
            continue
        base, length = 0, ascending.size  # searchsorted(ascending, p, side="left"),
        while length > 1:  # without branches to mispredict
            half = length // 2
            base = base + half if ascending[base + half - 1] < p else base
            length -= half
        position = base + (1 if ascending[base] < p else 0)
        counts[min(max(n_bins - position, 0), n_bins)] += 1


@dataclass
class KeptPValues:
    """One block's contribution: its kept values, its counts per bin, how many it tested.

    ``kind == "p"``: ``values`` are p-values, and every p-value ``<= cutoff`` is among them.
    ``kind == "abs_r"``: ``values`` are ``|r|`` of pairs with ``n_samples`` samples, and
    every pair with ``|r| >= cutoff`` is among them (p-values are computed later, and only
    where needed: they are the costly part).
    """

    values: np.ndarray
    kind: str
    cutoff: float
    counts: np.ndarray
    n_tested: int
    n_samples: int = 0

    def as_p_values(self) -> KeptPValues:
        """The same values as p-values (``kind == "p"``)."""
        if self.kind == "p":
            return self
        cutoff = 1.0 if self.cutoff <= 0 else float(two_sided_p(self.cutoff, self.n_samples))
        return KeptPValues(two_sided_p(self.values, self.n_samples), "p", cutoff, self.counts,
                           self.n_tested)


def keep_smallest(p_values: np.ndarray, budget: int, cutoff: float, counts: np.ndarray,
                  n_tested: int | None = None) -> KeptPValues:
    """Keep the p-values ``<= cutoff``; if more than ``budget``, only the ``budget`` smallest
    (lowering the cut-off so that every value at or below it is still kept).

    ``p_values`` may be only the block's candidates (e.g. pairs screened by ``|r|``) as long
    as every p-value ``<= cutoff`` is among them; ``n_tested`` is then the block's total.
    """
    p = np.asarray(p_values, dtype=np.float64)
    p = p[np.isfinite(p)]
    n_tested = p.size if n_tested is None else n_tested
    kept = p[p <= cutoff]
    if kept.size > budget:
        boundary = np.partition(kept, budget)[budget]
        kept = kept[kept < boundary]
        cutoff = float(np.nextafter(boundary, 0.0))
    return KeptPValues(kept, "p", cutoff if kept.size < n_tested else 1.0, counts, n_tested)


def keep_strongest(abs_r: np.ndarray, budget: int, cutoff: float, n_samples: int,
                   counts: np.ndarray, n_tested: int) -> KeptPValues:
    """Keep the ``|r| >= cutoff`` (all pairs with ``n_samples``); if more than ``budget``,
    only the ``budget`` largest (raising the cut-off)."""
    kept = abs_r[abs_r >= cutoff]
    if kept.size > budget:
        boundary = np.partition(kept, kept.size - budget - 1)[kept.size - budget - 1]
        kept = kept[kept > boundary]
        cutoff = float(np.nextafter(boundary, 2.0))
    return KeptPValues(kept, "abs_r", cutoff if kept.size < n_tested else 0.0, counts,
                       n_tested, n_samples)


class _SortedKept:
    """Kept values in p-value order, with p-values computed on demand."""

    def __init__(self, parts: list[KeptPValues], budget: int | None, consume=None) -> None:
        by_r = bool(parts) and all(part.kind == "abs_r" for part in parts) and len(
            {part.n_samples for part in parts}) == 1
        if not by_r:
            parts = [part.as_p_values() for part in parts]
            consume = None  # new arrays: the buffer no longer holds them
        self.n_samples = parts[0].n_samples if parts else 0
        self.by_r = by_r
        sign = -1.0 if by_r else 1.0  # keys ascend with the p-value
        cutoff = sign * (max if by_r else min)((part.cutoff for part in parts),
                                               default=-1.0 if by_r else 1.0)
        keys = _keys_within(parts, sign, cutoff, consume)
        if budget is not None and keys.size > budget:
            boundary = np.partition(keys, budget)[budget]
            keys = keys[keys < boundary]
            cutoff = float(np.nextafter(boundary, -np.inf))
        keys.sort()  # values only: any sort gives the same array, and numpy's default is SIMD
        self.keys = keys
        self.cutoff_p = (1.0 if cutoff >= 0 else float(two_sided_p(-cutoff, self.n_samples))
                         ) if by_r else cutoff
        if keys.size == sum(part.n_tested for part in parts):
            self.cutoff_p = 1.0

    @property
    def size(self) -> int:
        return self.keys.size

    @functools.cache  # noqa: B019 - one object per correlate() call
    def chunk_bounds(self, m: int, chunk: int) -> tuple[np.ndarray, ...]:
        """Starts, ends, and lower/upper bounds of ``m p / rank`` per chunk of kept values.

        Both bounds come from the p-values at the chunks' starts: a chunk's values lie
        between its first p-value and the next chunk's first (its last value for the last
        chunk), so one p-value per chunk is computed."""
        starts = np.arange(-(-self.size // chunk)) * chunk
        ends = np.minimum(starts + chunk, self.size)
        p = self.p_at(np.append(starts, self.size - 1))
        return starts, ends, m * p[:-1] / ends, m * p[1:] / ends

    def p_at(self, positions: np.ndarray) -> np.ndarray:
        """p-values of the kept values at ``positions`` (computed in parallel threads)."""
        if not self.by_r:
            return self.keys[positions]
        return in_threads(lambda abs_r: two_sided_p(abs_r, self.n_samples),
                          -self.keys[positions])

    def positions(self, p: np.ndarray, abs_r: np.ndarray | None) -> np.ndarray:
        """Positions (0-based ranks) of the last kept value equal to each value; the values
        come in rank order (ascending ``p``, or descending ``|r|``)."""
        if self.by_r and abs_r is not None:
            return _last_at_or_below(self.keys, -abs_r)
        if self.by_r:
            raise ValueError("|r| is needed to place values kept as |r|")
        return _last_at_or_below(self.keys, p)


def _keys_within(parts: list[KeptPValues], sign: float, cutoff: float,
                 consume=None) -> np.ndarray:
    """``sign *`` the kept values at or below ``cutoff`` (as keys), of all parts, in one
    array: millions of values, so no temporary copies of the whole (a part is filtered only
    if its own cut-off lets in values beyond the common one). ``consume``: a
    :class:`~omics.stats.kept_buffer.KeptBuffer` holding the parts' values, used in place
    (the parts' values are overwritten) where its ``merges_in_place`` says it can be."""
    if consume is not None and consume.merges_in_place(parts):
        keys = consume.values[:consume.used]
        np.multiply(keys, sign, out=keys)
        return keys
    chosen = [part.values if sign * part.cutoff == cutoff else
              part.values[sign * part.values <= cutoff] for part in parts]
    keys = np.empty(sum(values.size for values in chosen))
    start = 0
    for values in chosen:
        np.multiply(values, sign, out=keys[start:start + values.size])
        start += values.size
    return keys


@dataclass
class StreamingBH:
    """BH adjustment from the blocks' kept values and bin counts (see the module doc)."""

    kept: _SortedKept
    n_tested: int
    cutoff: float  # c*: every p-value <= cutoff is kept
    exact_up_to: float  # L: adjusted values <= L are exact
    bins: PValueBins
    tail_upper: np.ndarray  # per bin k: upper bound of min m p / rank over bins 0..k
    at_least_rank: np.ndarray  # per bin: number of p-values in bins with smaller p-values

    @classmethod
    def combine(cls, parts: list[KeptPValues], bins: PValueBins,
                budget: int | None = None, consume=None) -> StreamingBH:
        """Merge the blocks' kept values (those within every block's cut-off) and counts;
        hold at most ``budget`` of them (tightening the cut-off again if needed).
        ``consume``: the :class:`~omics.stats.kept_buffer.KeptBuffer` the parts' values
        were written to; its array becomes the merged one (the parts' values are then
        overwritten), where its ``merges_in_place`` says it can."""
        kept = _SortedKept(parts, budget, consume)
        m = sum(part.n_tested for part in parts)
        cutoff = kept.cutoff_p
        counts = np.sum([part.counts for part in parts], axis=0) if parts else np.zeros(
            bins.size, dtype=np.int64)
        at_most = np.cumsum(counts[::-1])[::-1]  # p-values in bins >= k: p <= upper[k]
        # p-values in bins > k (+ 1 with slack): certainly smaller than any p of bin k
        smaller = np.append(at_most[1 + bins.shift:], np.zeros(1 + bins.shift, dtype=np.int64))
        tail = (counts > 0) & (bins.upper > cutoff) & (cutoff < 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            # bins >= k - 1: one bin of room for rounding at the edges, or for the slack
            rank_cap = np.append(at_most[0], at_most[:-1])
            lower = m * np.maximum(bins.lower, cutoff) * (1 - _SAFETY) / rank_cap
            upper = m * bins.upper * (1 + _SAFETY) / at_most
        exact_up_to = float(min(1.0, lower[tail].min())) if tail.any() else 1.0
        tail_upper = np.minimum.accumulate(np.where(counts > 0, upper, np.inf))
        # a p-value of bin k ranks within the counts of bins >= k, or >= k - 1 with slack
        tail_upper = np.append(np.full(bins.shift, np.inf),
                               tail_upper[:tail_upper.size - bins.shift])
        return cls(kept, m, cutoff, exact_up_to, bins, tail_upper, smaller)

    def adjust(self, p_values: np.ndarray, abs_r: np.ndarray | None = None,
               order: np.ndarray | None = None) -> np.ndarray:
        """BH-adjusted values of some of the tested p-values (exact up to ``exact_up_to``).

        ``abs_r`` (the pairs' ``|r|``) places values among kept ``|r|`` without rounding.
        ``order``: positions of ``abs_r`` from the largest to the smallest, if the caller
        already has them; used where they are the rank order (every p-value finite, the
        kept values ``|r|`` of one sample size).
        """
        p = np.asarray(p_values, dtype=np.float64)
        finite = np.isfinite(p)
        every = bool(finite.all())  # arrays of millions: copied only where needed
        pf = p if every else p[finite]
        kept = pf <= self.cutoff
        ranked_abs_r = None
        if abs_r is not None and self.kept.by_r:
            ranked_abs_r = np.asarray(abs_r, dtype=np.float64)
            ranked_abs_r = ranked_abs_r if every else ranked_abs_r[finite]
        if order is None or not every or ranked_abs_r is None:
            order = np.argsort(pf) if ranked_abs_r is None else np.argsort(ranked_abs_r)[::-1]
        if not kept.all():
            order = order[kept[order]]
        # in rank order (positions found by one merge, chunks visited in order), a few
        # million at a time: memory stays bounded however many values are asked for
        values = np.empty(pf.size)
        for first in range(0, order.size, _ADJUSTED_PER_PASS):
            part = order[first:first + _ADJUSTED_PER_PASS]
            ranked_p = pf[part]
            position = self.kept.positions(ranked_p, None if ranked_abs_r is None
                                           else ranked_abs_r[part])
            values[part] = _suffix_min_at(
                self.kept, self.n_tested, np.maximum(position, 0, out=position),
                known_p=ranked_p, exact_below=self.exact_up_to)
        del ranked_abs_r, order
        beyond = np.flatnonzero(~kept)
        if beyond.size:
            rank = np.maximum(self.kept.size, self.at_least_rank[self._bin_of(pf[beyond])]) + 1
            values[beyond] = self.n_tested * pf[beyond] / rank
        inexact = np.flatnonzero(values > self.exact_up_to)
        if inexact.size:
            values[inexact] = np.minimum(values[inexact],
                                         self.tail_upper[self._bin_of(pf[inexact])])
        np.minimum(values, 1.0, out=values)
        if every:
            return values
        q = np.full(p.shape, np.nan)
        q[finite] = values
        return q

    def _bin_of(self, p: np.ndarray) -> np.ndarray:
        """The bin of each p-value."""
        return np.clip(self.bins.n_bins - np.searchsorted(self.bins.upper[::-1], p,
                                                          side="left"), 0, self.bins.n_bins)


@numba.njit(cache=True, nogil=True)
def _merge_positions(keys, queries, out):  # pragma: no cover
    position = 0
    for index in range(queries.size):
        while position < keys.size and keys[position] <= queries[index]:
            position += 1
        out[index] = position - 1


def _last_at_or_below(keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``np.searchsorted(keys, queries, side="right") - 1`` for ascending ``queries``, by one
    merge of the two sorted arrays (millions of binary searches into a larger array miss
    the cache at every step)."""
    out = np.empty(queries.size, dtype=np.int64)
    _merge_positions(np.ascontiguousarray(keys, dtype=np.float64),
                     np.ascontiguousarray(queries, dtype=np.float64), out)
    return out


def _p_at_ranks(kept: _SortedKept, ranks: np.ndarray, positions: np.ndarray,
                known_p: np.ndarray) -> np.ndarray:
    """p-values of the kept values at ascending ``ranks``: ``known_p`` where a rank is one of
    the ascending ``positions``, computed elsewhere."""
    at, known = _found_in(positions, ranks)
    if not known.any():
        return kept.p_at(ranks)
    p = np.empty(ranks.size)
    p[known] = known_p[at[known]]
    unknown = np.flatnonzero(~known)
    p[unknown] = kept.p_at(ranks[unknown])
    return p


#: Values adjusted at once by :meth:`StreamingBH.adjust` (in rank order).
_ADJUSTED_PER_PASS = 1_000_000

#: Chunks of kept values evaluated at once by :func:`_suffix_min_at` (512 k p-values, 4 MB).
_CHUNKS_PER_PASS = 16384


#: Consecutive requested positions from which on a run is adjusted as a whole.
_RUN = 256


def _suffix_min_at(kept: _SortedKept, m: int, positions: np.ndarray,
                   known_p: np.ndarray, chunk: int = 32,
                   exact_below: float = np.inf) -> np.ndarray:
    """``min_{j >= i} m p_(j) / j`` over the kept values, at the given ascending 0-based
    positions: exact where it is below ``exact_below``, an upper bound elsewhere.

    Long runs of consecutive positions (e.g. the strong pairs, which are the top of the
    ranking) are adjusted as a whole: their p-values are all known, so within a run the
    minimum is a reversed cumulative minimum, and beyond it the minimum from the rank after
    the run (:func:`_suffix_min_in_chunks`, with that rank added to the requested ones).
    Every other position goes to :func:`_suffix_min_in_chunks`.
    """
    if positions.size == 0:
        return np.empty(0)
    step = np.diff(positions)
    breaks = np.flatnonzero(step > 1) + 1
    starts, stops = np.append(0, breaks), np.append(breaks, positions.size)
    long = stops - starts >= _RUN
    if not long.any():
        return _suffix_min_in_chunks(kept, m, positions, known_p, chunk, exact_below)
    in_run = np.zeros(positions.size, dtype=bool)
    for start, stop in zip(starts[long], stops[long], strict=True):
        in_run[start:stop] = True
    after = positions[stops[long] - 1] + 1  # the rank after each run, where its tail begins
    after = after[after < kept.size]
    others = positions[~in_run]
    extra = after[~_found_in(others, after)[1]]
    asked = np.concatenate([others, extra])
    asked_p = np.concatenate([known_p[~in_run], kept.p_at(extra)])
    order = np.argsort(asked, kind="stable")
    tails = np.empty(asked.size)
    tails[order] = _suffix_min_in_chunks(kept, m, asked[order], asked_p[order], chunk,
                                         exact_below)
    out = np.empty(positions.size)
    out[~in_run] = tails[:np.count_nonzero(~in_run)]
    for start, stop in zip(starts[long], stops[long], strict=True):
        ratio = m * known_p[start:stop] / (positions[start:stop] + 1.0)
        run = np.minimum.accumulate(ratio[::-1])[::-1]
        following = positions[stop - 1] + 1
        if following < kept.size:
            run = np.minimum(run, tails[_index_of(asked, following)])
        out[start:stop] = run
    return out


def _found_in(ascending: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ascending ``queries`` (integers or floats, as ``ascending``): where each has its
    last equal value in the ascending array ``ascending``, and whether it has one (one merge
    of the two sorted arrays, as :func:`_last_at_or_below`)."""
    at = np.empty(queries.size, dtype=np.int64)
    _merge_positions(ascending, queries, at)
    found = at >= 0
    found[found] = ascending[at[found]] == queries[found]
    return at, found


def _index_of(values: np.ndarray, value: int) -> int:
    """Where ``value`` is in ``values`` (its first occurrence)."""
    return int(np.flatnonzero(values == value)[0])


def _suffix_min_in_chunks(kept: _SortedKept, m: int, positions: np.ndarray,
                          known_p: np.ndarray, chunk: int = 32,
                          exact_below: float = np.inf) -> np.ndarray:
    """:func:`_suffix_min_at` by chunks of kept values, for positions in any pattern.

    p-values are computed only where needed. Per chunk of ``chunk`` kept values, the
    first p-value over the last rank bounds the chunk's minimum from below, and the next
    chunk's first p-value over the last rank from above. First, every chunk holding a
    requested position is evaluated (unless its lower bound is at or above
    ``exact_below``: then its positions keep their own value, an upper bound): this gives
    each requested position its minimum to the end of its chunk. Then another chunk is
    evaluated only if its lower bound is below ``exact_below``, below the best bound (or
    exact minimum) of the chunks after the last requested chunk before it, and below that
    requested chunk's last minimum: otherwise it cannot hold a minimum anyone needs below
    ``exact_below``, and its upper bound stands in for it. ``known_p`` are the p-values at
    ``positions``, used instead of computing them again. Chunks are evaluated a few
    thousand at a time, so that memory stays bounded however many positions are asked for.
    """
    if positions.size == 0:
        return np.empty(0)
    starts, ends, lower, upper = kept.chunk_bounds(m, chunk)
    n_chunks = starts.size
    chunk_of = positions // chunk
    requested = np.zeros(n_chunks, dtype=bool)
    requested[chunk_of] = True
    within_at = m * known_p / (positions + 1.0)  # to its chunk's end: its own value for now
    chunk_value = upper.copy()
    evaluated = np.flatnonzero(requested & (lower < exact_below))
    chunk_value[evaluated] = _evaluate_chunks(kept, m, evaluated, starts, ends, chunk,
                                              positions, known_p, within_at)
    last = np.append(chunk_of[1:] != chunk_of[:-1], True)  # each requested chunk's last one
    own_last = np.full(n_chunks + 1, np.inf)
    own_last[chunk_of[last]] = within_at[last]
    last_requested = np.maximum.accumulate(np.where(requested, np.arange(n_chunks), -1))
    previous = np.append(-1, last_requested[:-1])  # last requested chunk strictly before
    suffix_value = np.append(np.minimum.accumulate(chunk_value[::-1])[::-1], np.inf)
    needed = (previous >= 0) & ~requested & (lower < np.minimum(
        np.minimum(suffix_value[previous + 1], exact_below), own_last[previous]))
    evaluated = np.flatnonzero(needed)
    chunk_value[evaluated] = _evaluate_chunks(kept, m, evaluated, starts, ends, chunk,
                                              positions, known_p, within_at)
    return np.minimum(within_at, _minimum_after(chunk_value)[chunk_of])


def _minimum_after(values: np.ndarray) -> np.ndarray:
    """For each entry, the minimum of the entries after it (``inf`` after the last)."""
    return np.append(np.minimum.accumulate(values[::-1])[::-1][1:], np.inf)


def _evaluate_chunks(kept: _SortedKept, m: int, chunks: np.ndarray, starts: np.ndarray,
                     ends: np.ndarray, chunk: int, positions: np.ndarray, known_p: np.ndarray,
                     within_at: np.ndarray) -> np.ndarray:
    """The minimum of ``m p_(j) / j`` over each of the given (ascending) chunks of kept
    values; for every requested position (ascending) in them, the minimum from it to its
    chunk's end is written to ``within_at``. At requested positions ``known_p`` is used:
    the reported pairs' p-values are not computed twice."""
    minima = np.empty(chunks.size)
    offsets = np.arange(chunk)
    for first in range(0, chunks.size, _CHUNKS_PER_PASS):
        group = chunks[first:first + _CHUNKS_PER_PASS]
        ranks = starts[group][:, None] + offsets[None, :]
        real = ranks < ends[group][:, None]
        span = slice(*np.searchsorted(positions, [starts[group[0]], ends[group[-1]]]))
        block = np.full(ranks.shape, np.inf)
        block[real] = m * _p_at_ranks(kept, ranks[real], positions[span], known_p[span]) / (
            ranks[real] + 1.0)
        minima[first:first + group.size] = block.min(axis=1)
        within = np.minimum.accumulate(block[:, ::-1], axis=1)[:, ::-1]
        row_of = np.full(int(group[-1] - group[0]) + 1, -1)
        row_of[group - group[0]] = np.arange(group.size)
        rows = row_of[positions[span] // chunk - group[0]]
        inside = np.flatnonzero(rows >= 0)
        within_at[span][inside] = within[rows[inside], positions[span][inside] % chunk]
    return minima
