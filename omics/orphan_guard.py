"""End a helper process when the process that started it is gone.

A ``ProcessPoolExecutor`` worker waits for work on a queue whose pipe it also holds open
for writing, so when its parent is killed (``SIGKILL``, out of memory) it never sees the end
of the pipe and lives on, an orphan. :func:`exit_with_parent`, given as the pool's
initializer, watches the parent from a daemon thread and ends the worker within a second
of the parent's death. It is a module of its own, importing only the standard library, so
that a worker starts without importing the analysis stack.

Examples
--------
>>> import os
>>> exit_with_parent(os.getppid())  # in a process whose parent is alive: nothing happens
"""

from __future__ import annotations

import os
import threading

__all__ = ["exit_with_parent"]


def exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """Start a daemon thread that ends this process (``os._exit``) once ``parent`` is no
    longer its parent (it died, and the process was handed to another)."""

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(interval)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
