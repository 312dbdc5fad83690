"""Runtime glue for flows: the Dask task runner, cluster computation and flow-run ids."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import LocalCluster, rejoin, secede
from distributed.worker import get_worker
from prefect.runtime import flow_run
from prefect_dask import DaskTaskRunner, get_dask_client

from omics.store.provenance import FLOW_RUN_ENV

__all__ = ["cluster_compute", "dask_runner", "local_cluster", "record_flow_run"]


def local_cluster(n_workers: int = 2, threads_per_worker: int = 1) -> LocalCluster:
    """A LocalCluster of worker processes; the dashboard on a free port, printed by callers."""
    return LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                        processes=True, dashboard_address=":0")


def dask_runner(address: str) -> DaskTaskRunner:
    """Task runner on the Dask scheduler at ``address`` (tcp://host:port)."""
    return DaskTaskRunner(address=address)


def record_flow_run() -> None:
    """Expose the current Prefect flow-run id to :mod:`omics` provenance (no prefect import
    there)."""
    run_id = flow_run.get_id()
    if run_id:
        os.environ[FLOW_RUN_ENV] = str(run_id)


@contextmanager
def cluster_compute() -> Iterator[None]:
    """Inside a task: route ``dask.compute`` to the whole cluster.

    The task's own worker thread leaves the worker's thread pool while it waits (``secede``),
    so tasks waiting on cluster work never starve the cluster of threads.
    """
    record_flow_run()
    with get_dask_client():
        try:
            get_worker()
            on_worker = True
        except ValueError:
            on_worker = False
        if on_worker:
            secede()
        try:
            yield
        finally:
            if on_worker:
                rejoin()
