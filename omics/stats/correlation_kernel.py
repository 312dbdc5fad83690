"""One pass over a block of correlations: p-value bin counts and the screened candidates.

For a block of complete-data correlations (one ``n`` for every pair) everything
``correlate`` needs from the full block is, per value: its bin (for the streaming FDR) and
whether ``|r|`` reaches the screen (a candidate for the top-k, the strong pairs or the kept
p-values). numpy needs five passes and two block-sized temporaries for that (``abs``, a
comparison, ``nonzero``, the bin index, ``bincount``); this numba kernel makes one pass,
without the global interpreter lock, so that Dask's threads run it in parallel.

:func:`screen_exact_and_count` does the same for a block multiplied in float32 (half the
time of the float64 product): it screens with the float32 error bound as margin, then
computes the float64 value of every pair that passes, so what is reported or kept is the
float64 result.

Examples
--------
>>> r = np.array([[0.9, -0.2, np.nan], [0.1, -0.95, 0.3]])
>>> counts = np.zeros(11, dtype=np.int64)
>>> i, j = screen_and_count(r, np.array([0, 1]), False, 0.5, 10, counts)
>>> i.tolist(), j.tolist(), int(counts.sum()), int(counts[9])
([0, 1], [0, 1], 5, 2)
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["screen_and_count", "screen_exact_and_count", "single_precision_error",
           "strong_and_kept", "top_k_per_row"]


@numba.njit(cache=True, nogil=True)
def _kernel(r, rows, within, screen, n_bins, counts, cand_i, cand_j):  # pragma: no cover
    found = 0
    for a in range(r.shape[0]):
        own = rows[a]
        for b in range(r.shape[1]):
            value = abs(np.float64(r[a, b]))
            if value != value:  # NaN
                continue
            value = min(value, 1.0)  # float32 products may pass 1 by a rounding error
            if within and b == own:
                continue
            if not within or b > own:
                counts[int(value * n_bins)] += 1
            if value >= screen:
                if found == cand_i.size:
                    return -1  # the caller grows the buffers and runs again
                cand_i[found] = a
                cand_j[found] = b
                found += 1
    return found


def screen_and_count(r: np.ndarray, rows: np.ndarray, within: bool, screen: float,
                     n_bins: int, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add every tested ``|r|`` of the block to ``counts`` (bin ``int(|r| * n_bins)``) and
    return the positions ``(i, j)`` of the values with ``|r| >= screen``, row by row.

    ``rows`` are the block's row numbers in ``x``; with ``within`` the diagonal is neither
    counted nor a candidate and only pairs ``j > rows[i]`` are counted (every ``j`` may be
    a candidate: a feature's top partners lie on both sides). NaN is skipped. ``r`` may be
    float32 (its values are binned as they are, above 1 in the top bin).
    """
    r = np.ascontiguousarray(r, dtype=np.float32 if r.dtype == np.float32 else np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    capacity = max(1024, r.size // 8)
    while True:
        start = counts.copy()
        cand_i = np.empty(capacity, dtype=np.int32)  # 32-bit: half the fresh memory
        cand_j = np.empty(capacity, dtype=np.int32)
        found = _kernel(r, rows, within, screen, n_bins, counts, cand_i, cand_j)
        if found >= 0:
            return cand_i[:found], cand_j[:found]
        counts[:] = start
        capacity = r.size


def single_precision_error(n_samples: int) -> float:
    """A bound on ``|r32 - r|`` for a float32 product of float64 unit rows of ``n_samples``.

    Rounding each operand to float32 moves every product ``x_i y_i`` by at most ``2u|x_i y_i|``
    and summing ``n`` terms in float32 (any order, with or without FMA) by at most
    ``n u / (1 - n u)`` times ``sum |x_i y_i|``, itself at most 1 for unit rows
    (``u = 2**-24``); a margin covers the float64 value's own rounding.

    Examples
    --------
    >>> f"{single_precision_error(200):.2e}"
    '1.21e-05'
    """
    u = 2.0**-24
    n = n_samples + 3
    return n * u / (1 - n * u) * (1 + 1e-3) + 1e-12


@numba.njit(cache=True, nogil=True, fastmath=True)
def _exact_and_passing(x, y, cand_i, cand_j, tile, n_tiles, screen, exact
                       ):  # pragma: no cover
    """float64 ``x[i] . y[j]`` of every candidate, clipped to [-1, 1], visited tile of ``j``
    by tile (a counting sort on ``j // tile``) so that the rows of ``y`` come from the
    cache; then the candidates whose exact ``|r|`` reaches ``screen`` moved to the front of
    ``cand_i``, ``cand_j`` and ``exact`` in their order (in place: no new arrays). Returns
    how many passed."""
    starts = np.zeros(n_tiles + 1, dtype=np.int64)
    for b in cand_j:
        starts[b // tile + 1] += 1
    for t in range(n_tiles):
        starts[t + 1] += starts[t]
    order = np.empty(cand_j.size, dtype=np.int32)
    for position in range(cand_j.size):
        t = cand_j[position] // tile
        order[starts[t]] = position
        starts[t] += 1
    m = x.shape[1]
    for position in order:
        a = cand_i[position]
        b = cand_j[position]
        total = 0.0
        for k in range(m):
            total += x[a, k] * y[b, k]
        exact[position] = min(1.0, max(-1.0, total))
    passed = 0
    for position in range(cand_j.size):
        if abs(exact[position]) >= screen:
            cand_i[passed] = cand_i[position]
            cand_j[passed] = cand_j[position]
            exact[passed] = exact[position]
            passed += 1
    return passed


def screen_exact_and_count(r32: np.ndarray, x: np.ndarray, y: np.ndarray, rows: np.ndarray,
                           within: bool, screen: float, error: float, n_bins: int,
                           counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`screen_and_count` of a float32 block ``r32 ~ x @ y.T`` (``x``, ``y``: float64
    unit rows, complete), with float64 values for the candidates.

    A pair is screened in when its float32 ``|r|`` is within ``error`` (the float32 error
    bound, :func:`single_precision_error`) of ``screen``; its exact value is then computed
    from ``x`` and ``y`` and it is a candidate when that reaches ``screen``: the same
    candidates as the float64 screen, with their float64 values (to about 1e-15). Bins count
    the float32 values (each within ``error`` of the exact one). The exact values are
    computed a tile of ``y`` rows at a time, so that those rows come from the CPU cache.

    Returns
    -------
    i, j, r
        Candidates row by row (``j`` ascending within a row) and their float64 ``r``.
    """
    cand_i, cand_j = screen_and_count(r32, rows, within, screen - error, n_bins, counts)
    tile = max(16, 400_000 // (8 * max(x.shape[1], 1)))  # ~400 KB of y rows per tile
    exact = np.empty(cand_i.size)
    passed = _exact_and_passing(x, y, cand_i, cand_j, tile, -(-y.shape[0] // tile), screen,
                                exact)
    return cand_i[:passed], cand_j[:passed], exact[:passed]


@numba.njit(cache=True, nogil=True)
def _top_kernel(i, values, k, floor, best, usable):  # pragma: no cover
    found = 0
    buffer = np.empty(k, dtype=np.int64)  # positions, strongest first
    start = 0
    while start < i.size:
        row = i[start]
        stop = start
        count = 0
        while stop < i.size and i[stop] == row:
            if abs(values[stop]) >= floor:
                count += 1
            stop += 1
        usable[row] = count
        if count >= k:
            filled = 0
            for position in range(start, stop):
                value = abs(values[position])
                if value < floor or filled == k and not value > abs(values[buffer[k - 1]]):
                    continue
                slot = filled if filled < k else k - 1
                # move weaker entries down; equal strength keeps the earlier position first
                while slot > 0 and value > abs(values[buffer[slot - 1]]):
                    buffer[slot] = buffer[slot - 1]
                    slot -= 1
                buffer[slot] = position
                if filled < k:
                    filled += 1
            for slot in range(k):
                best[found] = buffer[slot]
                found += 1
        start = stop
    return found


def top_k_per_row(i: np.ndarray, values: np.ndarray, n_rows: int, k: int,
                  floor: float = -np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Positions of each row's ``k`` largest ``|values|`` at or above ``floor``, for the rows
    that have at least ``k`` of them: row by row, strongest first, equal strengths in their
    given order (the first ``k`` of each row after ``np.lexsort((-|values|, i))``, without
    sorting everything); and every row's number of entries at or above ``floor``.

    ``i`` (each entry's row) must be sorted, as the screening passes emit it.

    Examples
    --------
    >>> i = np.array([0, 0, 0, 1, 2, 2])
    >>> best, usable = top_k_per_row(i, np.array([0.5, -0.9, 0.5, 0.7, 0.6, 0.8]), 3, 2)
    >>> best.tolist(), usable.tolist()
    ([1, 0, 5, 4], [3, 1, 2])
    """
    i = _positions(i)
    best = np.empty(min(i.size, n_rows * k), dtype=np.int64)
    usable = np.zeros(n_rows, dtype=np.int64)
    found = _top_kernel(i, np.ascontiguousarray(values, dtype=np.float64), k, float(floor),
                        best, usable)
    return best[:found], usable


@numba.njit(cache=True, nogil=True)
def _select_kernel(i, j, values, rows, within, strong_floor, kept_floor, strong,
                   kept):  # pragma: no cover
    n_strong = 0
    n_kept = 0
    for position in range(i.size):
        if within and j[position] <= rows[i[position]]:
            continue
        value = abs(values[position])
        if value >= strong_floor:
            strong[n_strong] = position
            n_strong += 1
        if value >= kept_floor:
            kept[n_kept] = value
            n_kept += 1
    return n_strong, n_kept


def _positions(values: np.ndarray) -> np.ndarray:
    """Integer positions as the kernels take them: int32 as given (the screens emit it),
    anything else as int64."""
    return np.ascontiguousarray(values, dtype=np.int32 if values.dtype == np.int32
                                else np.int64)


def strong_and_kept(i: np.ndarray, j: np.ndarray, values: np.ndarray, rows: np.ndarray,
                    within: bool, strong_floor: float, kept_floor: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Among candidates in the tested region (``j > rows[i]`` within one matrix): the
    positions of those with ``|value| >= strong_floor`` and the ``|value|`` of those at or
    above ``kept_floor``, in one pass.

    Examples
    --------
    >>> at, kept = strong_and_kept(np.array([0, 0, 1]), np.array([0, 2, 2]),
    ...                            np.array([0.9, -0.6, 0.3]), np.array([0, 1]), True, 0.5, 0.2)
    >>> at.tolist(), kept.tolist()
    ([1], [0.6, 0.3])
    """
    strong = np.empty(i.size, dtype=np.int64)
    kept = np.empty(i.size)
    n_strong, n_kept = _select_kernel(
        _positions(i), _positions(j),
        np.ascontiguousarray(values, dtype=np.float64),
        np.ascontiguousarray(rows, dtype=np.int64), within, strong_floor, kept_floor, strong,
        kept)
    return strong[:n_strong], kept[:n_kept]
