"""Scale-out on a real multi-process cluster (``dask scheduler`` + two ``dask worker``
processes on 127.0.0.1): identical results to the LocalCluster run, also when a worker is
killed (SIGKILL) in the middle of the analysis flow."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from distributed import Client

from omics.store import layout
from omics.store.results import read_result, result_names
from tests.flows.conftest import dask_processes

pytestmark = pytest.mark.slow


def _result_tables(store: Path) -> dict[tuple[str, str], pd.DataFrame]:
    results = store / layout.RESULTS
    return {(analysis.name, name): read_result(store, analysis.name, name)
            for analysis in sorted(results.iterdir()) if analysis.is_dir()
            for name in result_names(store, analysis.name)}


def _assert_same_results(store: Path, reference: Path, skip: tuple[str, ...] = ()) -> None:
    ours = _result_tables(store)
    theirs = {k: v for k, v in _result_tables(reference).items() if k[0] not in skip}
    assert set(ours) == set(theirs)
    for key, table in theirs.items():
        pd.testing.assert_frame_equal(ours[key], table, check_exact=True, obj=str(key))


def test_pipeline_on_scheduler_and_two_workers_equals_the_local_cluster_run(pipeline_run,
                                                                            tmp_path):
    from flows.pipeline import omics_pipeline

    reference, _ = pipeline_run
    with dask_processes(tmp_path) as (address, workers):
        summary = omics_pipeline(out_dir=str(tmp_path / "out"), scale="small",
                                 dask_address=address)
        pids = [w.pid for w in workers]
    _assert_same_results(Path(summary["paths"]["store"]), reference / "study.zarr")
    assert not any(psutil.pid_exists(p) for p in pids)


def test_worker_killed_mid_analysis_changes_no_result(pipeline_run, tmp_path):
    from flows.analysis import analyse_study
    from flows.runtime import run_cluster

    reference, _ = pipeline_run
    store = tmp_path / "study.zarr"
    shutil.copytree(reference / "study.zarr", store)
    shutil.rmtree(store / layout.RESULTS)
    study_yaml = str(reference / "inputs" / "study.yaml")
    killed: list[int] = []
    with dask_processes(tmp_path) as (address, workers):
        by_pid = {w.pid: w for w in workers}

        def kill_a_busy_worker() -> None:
            with Client(address) as client:
                pids = client.run(os.getpid)
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    busy = [a for a, keys in client.processing().items() if keys]
                    if busy:
                        os.kill(pids[busy[0]], signal.SIGKILL)
                        killed.append(pids[busy[0]])
                        return
                    time.sleep(0.05)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        with run_cluster(address) as runner:
            analyse_study.with_options(task_runner=runner)(str(store), study_yaml)
        killer.join()
        assert len(killed) == 1 and by_pid[killed[0]].wait(timeout=10) == -signal.SIGKILL
    _assert_same_results(store, reference / "study.zarr", skip=("network",))
