"""One pass over a block of correlations: p-value bin counts and the screened candidates.

For a block of complete-data correlations (one ``n`` for every pair) everything
``correlate`` needs from the full block is, per value: its bin (for the streaming FDR) and
whether ``|r|`` reaches the screen (a candidate for the top-k, the strong pairs or the kept
p-values). numpy needs five passes and two block-sized temporaries for that (``abs``, a
comparison, ``nonzero``, the bin index, ``bincount``); this numba kernel makes one pass,
without the global interpreter lock, so that Dask's threads run it in parallel.

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

__all__ = ["screen_and_count", "top_k_per_row"]


@numba.njit(cache=True, nogil=True)
def _kernel(r, rows, within, screen, n_bins, counts, cand_i, cand_j):  # pragma: no cover
    found = 0
    for a in range(r.shape[0]):
        own = rows[a]
        for b in range(r.shape[1]):
            value = abs(r[a, b])
            if not value <= 1.0:  # NaN
                continue
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
    a candidate: a feature's top partners lie on both sides). NaN is skipped.
    """
    r = np.ascontiguousarray(r, dtype=np.float64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    capacity = max(1024, r.size // 8)
    while True:
        start = counts.copy()
        cand_i = np.empty(capacity, dtype=np.int64)
        cand_j = np.empty(capacity, dtype=np.int64)
        found = _kernel(r, rows, within, screen, n_bins, counts, cand_i, cand_j)
        if found >= 0:
            return cand_i[:found], cand_j[:found]
        counts[:] = start
        capacity = r.size


@numba.njit(cache=True, nogil=True)
def _top_kernel(i, strength, k, best):  # pragma: no cover
    found = 0
    buffer = np.empty(k, dtype=np.int64)  # positions, strongest first
    start = 0
    while start < i.size:
        row = i[start]
        stop = start
        while stop < i.size and i[stop] == row:
            stop += 1
        if stop - start >= k:
            filled = 0
            for position in range(start, stop):
                value = strength[position]
                if filled == k and not value > strength[buffer[k - 1]]:
                    continue
                slot = filled if filled < k else k - 1
                # move weaker entries down; equal strength keeps the earlier position first
                while slot > 0 and value > strength[buffer[slot - 1]]:
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


def top_k_per_row(i: np.ndarray, strength: np.ndarray, n_rows: int, k: int) -> np.ndarray:
    """Positions of each row's ``k`` strongest entries, for the rows that have at least
    ``k``: row by row, strongest first, equal strengths in their given order (the first
    ``k`` of each row after ``np.lexsort((-strength, i))``, without sorting everything).

    ``i`` (each entry's row) must be sorted, as the screening pass emits it.

    Examples
    --------
    >>> i = np.array([0, 0, 0, 1, 2, 2])
    >>> top_k_per_row(i, np.array([0.5, 0.9, 0.5, 0.7, 0.6, 0.8]), 3, 2).tolist()
    [1, 0, 5, 4]
    """
    i = np.ascontiguousarray(i, dtype=np.int64)
    best = np.empty(min(i.size, n_rows * k), dtype=np.int64)
    found = _top_kernel(i, np.ascontiguousarray(strength, dtype=np.float64), k, best)
    return best[:found]
