"""Give the memory of freed arrays back to the operating system.

Millions of small arrays made by Dask's threads (each block's kept values, say) are
freed into glibc's per-thread heaps, which keep them: the process's resident memory stays
at its peak, and the next large allocation adds to it. glibc's ``malloc_trim`` returns the
free pages of every heap (as Dask's own workers do when they trim memory). Elsewhere
(macOS, musl, Windows) this does nothing.

Examples
--------
>>> release_freed_memory() in (True, False)
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

__all__ = ["release_freed_memory"]


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """Return freed heap memory to the system (glibc); ``True`` if anything was released."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
