"""Tasks that compute on the whole cluster from a worker (``flows.runtime.cluster_compute``):
many at once on the same workers, none handed a closed client (prefect-dask's per-task
default client was: PrefectHQ/prefect#17334), their work spread over the workers."""

from __future__ import annotations

import time

import dask
import pytest
from distributed import Client, LocalCluster, get_worker, rejoin, secede

from flows.runtime import _cluster_client


def _where(_: int) -> str:
    time.sleep(0.05)
    return get_worker().address


def _task_on_the_cluster(index: int) -> tuple[bool, list[str]]:
    time.sleep(0.01 * (index % 3))  # tasks enter and leave at different moments
    with _cluster_client() as on_worker:
        secede()
        try:
            places = dask.compute(*[dask.delayed(_where)(i) for i in range(6)])
        finally:
            rejoin()
    return on_worker, sorted(set(places))


def test_many_tasks_compute_on_every_worker_through_the_workers_client():
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        workers = sorted(client.scheduler_info()["workers"])
        results = client.gather([client.submit(_task_on_the_cluster, i, pure=False)
                                 for i in range(16)])
    assert all(on_worker and set(places) <= set(workers) for on_worker, places in results)
    assert sorted({place for _, places in results for place in places}) == workers


def _pipeline_modules() -> list[str]:
    import sys

    return [name for name in ("flows.analysis", "flows.ingest", "flows.network")
            if name in sys.modules]


@pytest.mark.parametrize(("preload", "expected"), [
    (None, ["flows.analysis", "flows.ingest", "flows.network"]),
    ([], [])])
def test_local_cluster_workers_import_the_pipeline_as_they_start(preload, expected):
    """The first task of each fresh worker waited ~5 s for Prefect and the analysis stack to
    import; the run's LocalCluster workers import them as they start (``preload``), while
    the flow simulates or checks its inputs; ``preload: []`` leaves it to the first task."""
    from flows.clusters import LocalSpec, open_cluster

    spec = LocalSpec(n_workers=1) if preload is None else LocalSpec(n_workers=1,
                                                                    preload=preload)
    with open_cluster(spec) as running, Client(running.address) as client:
        assert list(client.run(_pipeline_modules).values()) == [expected]
