"""Flow fixtures: one pipeline run on the small cohort (LocalCluster), shared by the modules
that check its results and compare other runs with it; and a real multi-process Dask cluster
(``dask scheduler`` + ``dask worker`` processes on 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from distributed import Client

from flows.prefect_api import stop_process_group


def marked_processes(marker: str) -> list[psutil.Process]:
    """Live processes whose environment has ``OMICS_TEST_MARKER=marker`` (set by a test on
    the command it starts, inherited by everything that command starts)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("OMICS_TEST_MARKER") == marker:
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


@pytest.fixture(scope="session")
def pipeline_run(prefect_api, tmp_path_factory):
    from flows.pipeline import omics_pipeline

    out = tmp_path_factory.mktemp("pipeline")
    summary = omics_pipeline(out_dir=str(out), scale="small")
    return out, summary


@contextmanager
def dask_processes(folder: Path, n_workers: int = 2) -> Iterator[tuple[str, list]]:
    """A scheduler and ``n_workers`` single-threaded workers (no nanny: a killed worker stays
    dead), each in its own process group; all stopped on exit."""
    dask = str(Path(sys.executable).with_name("dask"))
    scheduler_file = folder / "scheduler.json"
    log = open(folder / "dask.log", "ab")  # noqa: SIM115 - closed below
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--dashboard-address", "127.0.0.1:0", "--scheduler-file",
                                   str(scheduler_file)], stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, (folder / "dask.log").read_text()
            time.sleep(0.2)
        time.sleep(0.5)
        address = json.loads(scheduler_file.read_text())["address"]
        workers = [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-nanny",
                                     "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0",
                                     "--name", f"worker-{i}"], stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
                   for i in range(n_workers)]
        processes += workers
        with Client(address, timeout=60) as client:
            client.wait_for_workers(n_workers, timeout=120)
        yield address, workers
    finally:
        for process in reversed(processes):
            stop_process_group(process)
        log.close()
