"""Progress bars for Dask computations on a distributed cluster (rich).

Examples
--------
>>> import dask
>>> from distributed import Client
>>> with Client(processes=False, n_workers=1, dashboard_address="127.0.0.1:0") as client:
...     results = compute_with_progress(dask.delayed(sum)([1, 2]), dask.delayed(max)([3, 4]))
>>> results
(3, 4)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from flows.clusters import compute_reporting
from omics.cli.console import err_console

__all__ = ["compute_with_progress", "run_status"]


def compute_with_progress(*delayed_objects, description: str = "computing",
                          console: Console | None = None) -> tuple:
    """:func:`flows.clusters.compute_reporting` with a bar that advances as each task
    finishes (shown on a terminal only)."""
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    console = console or err_console
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        bar = progress.add_task(description, total=len(delayed_objects))
        return compute_reporting(*delayed_objects, report=lambda done, total: progress.update(
            bar, completed=done, total=total))


class _LatestStep(logging.Handler):
    """Shows each Prefect run-log message (INFO and above) as the status line."""

    def __init__(self, status) -> None:
        super().__init__(logging.INFO)
        self.status = status

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        if message.startswith(("View at ", "Finished in state")):
            return
        flow = re.search(r"for flow '([^']+)'", message)
        self.status.update(f"omics run: {flow.group(1) if flow else message[:100]}")


@contextmanager
def run_status(console: Console) -> Iterator[None]:
    """A spinner with the pipeline's latest step (its Prefect run logs, which the console
    otherwise shows only with -v) and the elapsed time, on a terminal only; gone when the
    block ends."""
    if not console.is_terminal or console.quiet:
        yield
        return
    loggers = [logging.getLogger(name) for name in ("prefect.flow_runs", "prefect.task_runs")]
    with console.status("omics run: starting") as status:
        handler = _LatestStep(status)
        for logger in loggers:
            logger.addHandler(handler)
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeHandler(handler)
