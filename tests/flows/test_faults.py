"""Faults and the CLI run end to end: the pipeline process killed (SIGKILL, with every
process it started) during ingest leaves the store as it was; a rerun completes as a user's
``omics run`` must; a second run on the same folder is refused; a killed run takes its
server with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from omics.simulate import simulate_cohort
from omics.steps.ingest import ingest_study
from tests.editing import file_tree
from tests.flows.conftest import marked_processes

pytestmark = pytest.mark.slow
OMICS = str(Path(sys.executable).with_name("omics"))


def _kill_during_ingest(out: Path, env: dict) -> None:
    """Start ``omics run`` and SIGKILL it and all its processes once ingest has begun
    writing the staging store (a power cut or OOM kill of the whole run)."""
    run = subprocess.Popen([OMICS, "run", "--scale", "small", "--out", str(out)], env=env,
                           cwd=out.parent, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while not any(p.name.startswith(".study.zarr.staging-") and (p / "zarr.json").exists()
                      for p in out.glob(".study.zarr.*")):
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)  # some groups are being written
    finally:
        for process in [psutil.Process(run.pid), *marked_processes(env["OMICS_TEST_MARKER"])]:
            try:
                process.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        run.wait(timeout=30)


def test_kill_during_ingest_keeps_previous_store_and_rerun_completes(tmp_path):
    """The rerun is also the end-to-end check of ``omics run`` as a user runs it: its own
    Prefect server and LocalCluster, findings printed, no run logs on the terminal by
    default, the server home private, and no process left behind."""
    marker = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["OMICS_TEST_MARKER"] = marker
    out = tmp_path / "demo"
    previous = ingest_study(simulate_cohort(tmp_path / "cohort", scale="small"),
                            out / "study.zarr")
    before = file_tree(previous)
    _kill_during_ingest(out, env)
    assert file_tree(out / "study.zarr") == before  # the previous version, untouched
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    _kill_during_ingest(fresh, env)
    assert not (fresh / "study.zarr").exists()  # no previous version: absent, not half-written
    done = subprocess.run([OMICS, "run", "--scale", "small", "--out", str(out)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "report.html").exists()
    assert [p.name for p in out.glob(".study.zarr.*")] == []  # the killed run's staging cleaned
    assert "Prefect API: http://127.0.0.1:" in done.stdout
    assert "| INFO" not in done.stderr  # Prefect's run logs go to the UI; -v prints them
    assert "Traceback" not in done.stderr  # a closed worker client's, at the cluster's stop
    assert "serum_exo_anxa6_ng_ml by response" in done.stdout
    assert (out / "results" / "network" / "axis_network.graphml").exists()
    home = tmp_path / ".omics" / "prefect"
    assert (home / "server.log").exists()
    # the server database and the cached results (JSON) are the user's alone
    assert home.stat().st_mode & 0o777 == 0o700 and any((home / "storage").iterdir())
    leftover = marked_processes(marker)
    assert leftover == [], [p.cmdline() for p in leftover]


def test_second_run_is_refused_and_a_killed_run_leaves_no_old_report_nor_server(tmp_path):
    """Two runs on one --out interleaved their writes; a run killed after start left the
    previous run's report beside new results; SIGKILL of the omics process alone (not its
    group) left its Prefect server running."""
    marker = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["OMICS_TEST_MARKER"] = marker
    out = tmp_path / "demo"
    (out / "results").mkdir(parents=True)
    (out / "report.html").write_text("the previous run's report")
    (out / "results" / "previous.tsv").write_text("a\n1\n")
    first = subprocess.Popen([OMICS, "run", "--scale", "small", "--out", str(out)], env=env,
                             cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not (out / "inputs" / "study.yaml").exists():  # server up, --out held by now
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        assert not (out / "report.html").exists()
        second = subprocess.run([OMICS, "run", "--scale", "small", "--out", str(out)],
                                env=env, cwd=tmp_path, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 2
        holder = (out / ".omics-run.lock").read_text()
        assert second.stderr.strip().splitlines() == [
            f"error: {out}: found another omics run writing this folder (process {holder}); "
            "expected one run per results folder at a time: wait for it to finish or choose "
            "another --out"]
        servers = [p for p in marked_processes(marker) if "server" in " ".join(p.cmdline())]
        assert servers
        first.send_signal(signal.SIGKILL)  # the omics process alone
        first.wait(timeout=30)
        _, alive = psutil.wait_procs(servers, timeout=60)
        assert alive == []  # the server got SIGTERM when its parent died
    finally:
        for process in marked_processes(marker):
            try:
                process.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        if first.poll() is None:
            first.kill()
            first.wait(timeout=30)
    assert (out / "results" / "previous.tsv").read_text() == "a\n1\n"  # results/ not half-new
    assert not (out / "report.html").exists()
    home = tmp_path / ".omics" / "prefect"
    assert len(list(home.glob("server-*.pid"))) == 1  # the killed run could not remove it
    from flows.prefect_api import reap_previous_server

    assert reap_previous_server(home) == []  # already stopped; its pid file is cleared
    assert list(home.glob("server-*.pid")) == []
    assert marked_processes(marker) == []
