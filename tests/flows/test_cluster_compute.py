"""Tasks that compute on the whole cluster from a worker (``flows.runtime.cluster_compute``):
many at once on the same workers, none handed a closed client (prefect-dask's per-task
default client was: PrefectHQ/prefect#17334), their work spread over the workers."""

from __future__ import annotations

import logging
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


@pytest.mark.parametrize("processes", [True, False])
def test_many_tasks_compute_on_every_worker_through_the_workers_client(processes):
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=processes,
                      protocol="tcp://", host="127.0.0.1",
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


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_small_study_runs_on_worker_threads_a_large_one_on_processes(tmp_path):
    """Starting two worker processes (each importing the analysis stack) was 6 of the demo's
    ~40 s; a study whose inputs are under ``threads_below_mb`` now gets two worker threads
    in the run's process, listening on 127.0.0.1 only, without a per-worker memory limit
    (they share the process); the log says which and why."""
    import os

    from flows.runtime import run_cluster

    messages = _Messages()
    logger = logging.getLogger("flows.runtime")
    logger.addHandler(messages)
    logger.setLevel(logging.INFO)
    try:
        with run_cluster(input_bytes=lambda: 8_200_000) as runner, \
                Client(runner.address) as client:
            workers = client.scheduler_info()["workers"]
            pids = set(client.run(os.getpid).values())
        assert runner.address.startswith("tcp://127.0.0.1:")
        assert pids == {os.getpid()} and len(workers) == 2
        assert {w["memory_limit"] for w in workers.values()} == {0}
        assert messages.messages[-1].endswith("; 2 worker threads (inputs 8.2 MB, threads below "
                                            "100 MB; set processes in the cluster spec to choose)")
        with run_cluster(input_bytes=lambda: 150_000_000) as runner, \
                Client(runner.address) as client:
            assert os.getpid() not in set(client.run(os.getpid).values())
        assert "; 2 worker processes (inputs 150.0 MB" in messages.messages[-1]
        specs = tmp_path / "clusters.yaml"
        specs.write_text("clusters:\n  t: {kind: local, n_workers: 1, processes: false}\n")
        with run_cluster(cluster="t", cluster_config=str(specs),
                         input_bytes=lambda: 150_000_000) as runner, \
                Client(runner.address) as client:
            assert set(client.run(os.getpid).values()) == {os.getpid()}
        assert messages.messages[-1].endswith("; 1 worker thread (set in the cluster spec)")
    finally:
        logger.removeHandler(messages)


def test_a_studys_input_bytes_are_its_data_files(tmp_path):
    """The built-in small cohort: every data file but the plan, its truth and gene sets."""
    from omics.io.study import load_study
    from omics.simulate import simulate_cohort

    study = load_study(simulate_cohort(tmp_path, scale="small"))
    data = [p for p in tmp_path.iterdir()
            if p.name not in ("study.yaml", "truth.json", "gene_sets.gmt")]
    assert len(data) == 12
    assert study.input_bytes() == sum(p.stat().st_size for p in data)
