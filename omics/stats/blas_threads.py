"""One BLAS thread while blockwise tasks run in parallel, restored once all are done.

A threaded Dask scheduler (or in-process Dask worker threads) runs several blockwise tasks
at once; each should multiply with one BLAS thread, the tasks being the parallelism. The BLAS
thread count is global to the process, and setting it from the tasks themselves does not
work: with ``threadpool_limits(1)`` in every task, OpenBLAS 0.3.31 reported (and restored) one
thread after the tasks had ended, and every later GEMM of the process ran single-threaded
(1.55 s instead of 0.9 s for 10,000 x 20,000 x 200). So the caller that submits the tasks and
waits for them sets one thread around that wait. Worker processes of a Dask cluster start with
one BLAS thread already (the nanny's ``OPENBLAS_NUM_THREADS=1``). Callers in several threads
may enter at once: the first sets one thread and remembers the original count; the last to
leave restores it.

Examples
--------
>>> from threadpoolctl import threadpool_info
>>> def blas_threads():
...     return sorted({pool["num_threads"] for pool in threadpool_info()
...                    if pool["user_api"] == "blas"})
>>> before = blas_threads()
>>> with one_blas_thread():
...     with one_blas_thread():  # nested or concurrent: still one, restored at the end
...         blas_threads()
[1]
>>> blas_threads() == before
True
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread"]

_lock = threading.Lock()
_state: dict = {"active": 0, "limiter": None}


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with one BLAS thread; may be entered from several threads at once."""
    with _lock:
        if _state["active"] == 0:
            _state["limiter"] = _controller().limit(limits=1, user_api="blas")
        _state["active"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["active"] -= 1
            if _state["active"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None


@functools.cache
def _controller() -> ThreadpoolController:
    """One controller per process: inspecting the loaded BLAS libraries is slow."""
    return ThreadpoolController()
