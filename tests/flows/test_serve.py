"""``omics serve`` for real: server + UI on a free 127.0.0.1 port, work pool, every deployment,
a worker; the pipeline deployment run with ``prefect deployment run --watch``; everything
stopped by SIGTERM with no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from flows.prefect_api import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _descendants(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def _alive(pids: set[int]) -> set[int]:
    return {p for p in pids if psutil.pid_exists(p)
            and psutil.Process(p).status() != psutil.STATUS_ZOMBIE}


def test_serve_runs_the_pipeline_deployment_and_stops_cleanly(tmp_path):
    port = free_port()
    serve = subprocess.Popen([str(BIN / "omics"), "serve", "--port", str(port), "--home",
                              str(tmp_path / "home"), "--project", str(ROOT)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        output = ""
        while "Prefect UI:" not in output:
            assert serve.poll() is None and time.monotonic() < deadline, output
            output += serve.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/api/health", timeout=10) as response:
            assert json.loads(response.read()) is True
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            assert response.status == 200 and b"<!DOCTYPE html>" in response.read()[:200]
        env = {**os.environ, "PREFECT_API_URL": f"{base}/api",
               "PREFECT_HOME": str(tmp_path / "home")}
        request = urllib.request.Request(f"{base}/api/deployments/filter", data=b"{}",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            deployments = {d["name"]: d for d in json.loads(response.read())}
        assert set(deployments) == {"omics-pipeline", "omics-ingest", "omics-analysis",
                                    "omics-network"}
        form = deployments["omics-ingest"]["parameter_openapi_schema"]  # the UI's run form
        assert form["required"] == ["study_yaml", "store"]
        assert form["properties"]["dask_address"]["type"] == "string"
        assert all(d["work_pool_name"] == "omics-process" for d in deployments.values())
        out = tmp_path / "run"
        seen |= _descendants(serve.pid)
        run = subprocess.Popen([str(BIN / "prefect"), "deployment", "run",
                                "omics-pipeline/omics-pipeline", "--param", "scale=small",
                                "--param", f"out_dir={out}", "--watch"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        while run.poll() is None:  # record the worker's flow-run processes while they run
            seen |= _descendants(serve.pid)
            time.sleep(1)
        log = run.stdout.read()
        assert run.returncode == 0, log[-3000:]
        assert "Flow run finished successfully in 'Completed'" in log
        summary = json.loads((out / "summary.json").read_text())
        fdr = summary["analyses"]["differential_proteomics"]["resistant_vs_sensitive_exosomes"]
        assert any(row["feature"] == "ANXA6" and row["fdr"] < 0.05 for row in fdr["top"])
        assert (out / "report.html").exists() and (out / "results" / "network" /
                                                   "axis_network.graphml").exists()
    finally:
        seen |= _descendants(serve.pid)
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            raise
    assert serve.returncode == 0
    assert len(seen) >= 2  # at least the server and the worker
    assert _alive(seen) == set(), [psutil.Process(p).cmdline() for p in _alive(seen)]
