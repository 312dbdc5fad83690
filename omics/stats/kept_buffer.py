"""One array for every block's kept values, so that merging them makes no new array.

``correlate``'s blocks each keep millions of ``|r|`` values for the streaming FDR
(:mod:`omics.stats.streaming_fdr`), and the merge sorts all of them in one array. Made after
the blocks, that array (72 MB at 10,000 x 20,000) is new memory, which costs the driver up to
0.2 s of page faults on a machine whose host reclaims freed memory. With a :class:`KeptBuffer`
every block copies its kept values into its own segment of one array as it finishes (in its
worker thread, so the page faults are spread over the threads), and the merge sorts that
array in place.

Blocks find the buffer by the key of :func:`shared_kept_buffer`, in this process only: a
block run by a worker process of a Dask cluster keeps its own array (as does a block that
finds the buffer full), and the merge then copies, as without a buffer.

Examples
--------
>>> from omics.stats.streaming_fdr import KeptPValues
>>> part = KeptPValues(np.array([0.9, 0.7]), "abs_r", 0.5, np.zeros(3, dtype=np.int64), 10, 20)
>>> with shared_kept_buffer(capacity=4) as (key, buffer):
...     moved = into_shared_buffer(key, part)
>>> bool(np.shares_memory(moved.values, buffer.values)), buffer.merges_in_place([moved])
(True, True)
>>> into_shared_buffer(key, part) is part  # the buffer is gone: the block keeps its own
True
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from omics.stats.streaming_fdr import KeptPValues

__all__ = ["KeptBuffer", "into_shared_buffer", "shared_kept_buffer"]

_BUFFERS: dict[int, KeptBuffer] = {}
_KEYS = itertools.count()


class KeptBuffer:
    """An array of ``capacity`` values, handed out in consecutive segments (thread-safe).

    Only the segments written take memory: the rest of the array is never touched.
    """

    def __init__(self, capacity: int) -> None:
        self.values = np.empty(max(int(capacity), 0))
        self.used = 0
        self._lock = threading.Lock()

    def reserve(self, size: int) -> np.ndarray | None:
        """The next ``size`` values of the array, or None if they do not fit."""
        with self._lock:
            if self.used + size > self.values.size:
                return None
            start = self.used
            self.used += size
        return self.values[start:start + size]

    def merges_in_place(self, parts: list[KeptPValues]) -> bool:
        """Whether the merge of ``parts`` can sort this array in place: their values are all
        the segments handed out, and nothing else, and they share one cut-off (no part
        needs filtering to the common one)."""
        return (sum(part.values.size for part in parts) == self.used
                and len({part.cutoff for part in parts}) < 2
                and all(np.may_share_memory(part.values, self.values) for part in parts))


@contextmanager
def shared_kept_buffer(capacity: int) -> Iterator[tuple[int, KeptBuffer]]:
    """A :class:`KeptBuffer` that blocks find by its key while the context lasts."""
    key = next(_KEYS)
    buffer = _BUFFERS[key] = KeptBuffer(capacity)
    try:
        yield key, buffer
    finally:
        del _BUFFERS[key]


def into_shared_buffer(key: int | None, kept: KeptPValues) -> KeptPValues:
    """``kept`` with its values copied into a segment of the shared buffer ``key``; ``kept``
    itself where there is none (another process, no key) or it is full."""
    buffer = _BUFFERS.get(key) if key is not None else None
    segment = buffer.reserve(kept.values.size) if buffer is not None else None
    if segment is None:
        return kept
    segment[:] = kept.values
    return replace(kept, values=segment)
