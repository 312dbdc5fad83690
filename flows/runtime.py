"""Runtime glue for flows: the run's Dask task runner, cluster computation, flow-run ids."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dask
from distributed import rejoin, secede
from distributed.worker import get_worker
from prefect import get_run_logger
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run
from prefect_dask import DaskTaskRunner, get_dask_client

from flows.clusters import (
    DEFAULT_CLUSTERS,
    AddressSpec,
    LocalSpec,
    load_cluster_spec,
    open_cluster,
)
from omics.errors import OmicsInputError
from omics.store.provenance import flow_run_recorded

__all__ = ["IO_RETRIES", "cluster_compute", "in_task_compute", "records_flow_run",
           "retry_transient_io", "run_cluster"]


def retry_transient_io(task, task_run, state) -> bool:  # noqa: ARG001 - Prefect's signature
    """Prefect ``retry_condition_fn``: retry operating-system I/O errors (a network file
    system hiccup, a file being replaced); never a user's input error
    (:class:`~omics.errors.OmicsInputError`) or a bug, which fail at once."""
    try:
        state.result()
    except OmicsInputError:
        return False
    except OSError:
        return True
    except Exception:  # noqa: BLE001 - any other failure is permanent
        return False
    return False


#: Task options of every task that reads or writes files: 2 retries, 2 s apart, transient
#: I/O errors only.
IO_RETRIES = {"retries": 2, "retry_delay_seconds": 2, "retry_condition_fn": retry_transient_io}


def _logger() -> logging.Logger | logging.LoggerAdapter:
    """The flow run's logger inside a run (shown in the UI), this module's outside one."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@contextmanager
def run_cluster(dask_address: str = "", cluster: str = "",
                cluster_config: str = DEFAULT_CLUSTERS) -> Iterator[DaskTaskRunner]:
    """The Dask task runner of a run: the scheduler at ``dask_address``, else the cluster
    named ``cluster`` in ``cluster_config``, else a LocalCluster (2 worker processes).
    Clusters started here stop on exit; the dashboard URL is logged."""
    if dask_address:
        spec = AddressSpec(kind="address", address=dask_address)
    elif cluster:
        spec = load_cluster_spec(cluster, cluster_config)
    else:
        spec = LocalSpec()
    with open_cluster(spec) as running:
        _logger().info("Dask scheduler %s (%s), dashboard %s", running.address, spec.kind,
                       running.dashboard or "-")
        yield DaskTaskRunner(address=running.address, client_kwargs=running.client_kwargs)


def records_flow_run(function: Callable) -> Callable:
    """Decorate a flow or task body (under ``@flow``/``@task``) so that provenance written
    while it runs records its Prefect flow-run id (:mod:`omics` never imports prefect). The
    id lives in a context variable for the call only: never the process environment, never
    left behind for the next run in the same thread."""

    @functools.wraps(function)
    def recorded(*args, **kwargs):
        with flow_run_recorded(flow_run.get_id()):
            return function(*args, **kwargs)

    return recorded


@contextmanager
def in_task_compute() -> Iterator[None]:
    """Inside a task on small data: compute any lazy (dask-backed) store reads in the task's
    own thread (synchronous scheduler) instead of on the cluster."""
    with flow_run_recorded(flow_run.get_id()), dask.config.set(scheduler="synchronous"):
        yield


@contextmanager
def cluster_compute() -> Iterator[None]:
    """Inside a task: route ``dask.compute`` to the whole cluster.

    The task's own worker thread leaves the worker's thread pool while it waits (``secede``),
    so tasks waiting on cluster work never starve the cluster of threads.
    """
    with flow_run_recorded(flow_run.get_id()), get_dask_client():
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
