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

from distributed import as_completed, get_client
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from omics.cli.console import err_console

__all__ = ["compute_with_progress"]


def compute_with_progress(*delayed_objects, description: str = "computing",
                          console: Console | None = None) -> tuple:
    """Like ``dask.compute`` on the current distributed client, with a bar that advances as
    each task finishes (shown on a terminal only); the results come back in order."""
    client = get_client()
    futures = client.compute(list(delayed_objects))
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    console = console or err_console
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        bar = progress.add_task(description, total=len(futures))
        for _ in as_completed(futures):
            progress.advance(bar)
    return tuple(client.gather(futures))
