"""The CLI run starts its own Prefect server and LocalCluster and leaves no process behind."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.flows.conftest import marked_processes

pytestmark = pytest.mark.slow


def test_demo_run_leaves_no_server_scheduler_or_worker(tmp_path):
    marker = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["OMICS_TEST_MARKER"] = marker
    omics = Path(sys.executable).with_name("omics")
    result = subprocess.run([str(omics), "run", "--scale", "small", "--out", "demo"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Prefect API: http://127.0.0.1:" in result.stdout
    assert "| INFO" not in result.stderr  # Prefect's run logs go to the UI; -v prints them
    assert "serum_exo_anxa6_ng_ml by response" in result.stdout
    assert (tmp_path / "demo" / "results" / "network" / "axis_network.graphml").exists()
    assert (tmp_path / ".omics" / "prefect" / "server.log").exists()
    # the server database and the cached results (JSON) are the user's alone
    assert (tmp_path / ".omics" / "prefect").stat().st_mode & 0o777 == 0o700
    assert any((tmp_path / ".omics" / "prefect" / "storage").iterdir())
    leftover = marked_processes(marker)
    assert leftover == [], [p.cmdline() for p in leftover]
