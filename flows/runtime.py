"""Runtime glue for flows: the run's Dask task runner, cluster computation, flow-run ids."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dask
from distributed import get_client, rejoin, secede
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
from omics.io.study import load_study
from omics.store.provenance import flow_run_recorded

__all__ = ["IO_RETRIES", "cluster_compute", "in_task_compute", "records_flow_run",
           "retry_transient_io", "run_cluster", "study_input_bytes"]


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
                cluster_config: str = DEFAULT_CLUSTERS,
                input_bytes: Callable[[], int | None] | None = None
                ) -> Iterator[DaskTaskRunner]:
    """The Dask task runner of a run: the scheduler at ``dask_address``, else the cluster
    named ``cluster`` in ``cluster_config``, else a LocalCluster (2 workers). A local spec
    that leaves ``processes`` unset gets threads for a study whose inputs (``input_bytes()``,
    called only then) are under its ``threads_below_mb``, else processes. Clusters started
    here stop on exit; the dashboard URL and the kind of workers are logged."""
    if dask_address:
        spec = AddressSpec(kind="address", address=dask_address)
    elif cluster:
        spec = load_cluster_spec(cluster, cluster_config)
    else:
        spec = LocalSpec()
    workers = ""
    if isinstance(spec, LocalSpec):
        why = "set in the cluster spec"
        if spec.processes is None:
            size = input_bytes() if input_bytes is not None else None
            spec = spec.decided(size)
            inputs = "unknown" if size is None else f"{size / 1e6:.1f} MB"
            why = (f"inputs {inputs}, threads below {spec.threads_below_mb:g} MB; set "
                   "processes in the cluster spec to choose")
        kind = ("process", "processes") if spec.processes else ("thread", "threads")
        workers = f"; {spec.n_workers} worker {kind[spec.n_workers != 1]} ({why})"
    with open_cluster(spec) as running:
        _logger().info("Dask scheduler %s (%s), dashboard %s%s", running.address, spec.kind,
                       running.dashboard or "-", workers)
        yield DaskTaskRunner(address=running.address, client_kwargs=running.client_kwargs)


def study_input_bytes(study_yaml: str) -> int | None:
    """The size of a study's data files (None without a study), for :func:`run_cluster`'s
    ``input_bytes``."""
    return load_study(study_yaml).input_bytes() if study_yaml else None


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
    with flow_run_recorded(flow_run.get_id()), _cluster_client() as on_worker:
        if on_worker:
            secede()
        try:
            yield
        finally:
            if on_worker:
                rejoin()


#: Serialises the first ``get_client()`` of a worker's tasks (see :func:`_cluster_client`).
_WORKER_CLIENT_LOCK = threading.Lock()


@contextmanager
def _cluster_client() -> Iterator[bool]:
    """Make the cluster's client this task's ``dask.compute`` scheduler; yields whether the
    task runs on a Dask worker.

    On a worker that client is the worker's own (``distributed.get_client``), started once
    under a lock and shared by all its tasks. prefect-dask's ``get_dask_client`` instead
    made a new default client per task and closed it at the task's end, and another task of
    the same worker could pick up that closing client (``AttributeError: 'NoneType' object
    has no attribute 'address'``, PrefectHQ/prefect#17334; it failed an analysis here when a
    worker was killed mid-run)."""
    try:
        get_worker()
    except ValueError:
        with get_dask_client():
            yield False
        return
    with _WORKER_CLIENT_LOCK:
        get_client()
    yield True
