"""``omics serve``: a local Prefect server with the UI, the process work pool, every deployment
of ``prefect.yaml`` and a worker, stopped together on Ctrl-C or SIGTERM.

Every process is started in its own process group and stopped by group (SIGTERM, then
SIGKILL after a grace period), worker first, so no flow-run process, worker or uvicorn
survives. This module does not import Prefect: it drives the ``prefect`` command line.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from flows.prefect_api import server_environment, start_server, stop_process_group
from omics.errors import OmicsInputError

__all__ = ["WORK_POOL", "serve"]

#: The process work pool the deployments of ``prefect.yaml`` use.
WORK_POOL = "omics-process"
_PREFECT = str(Path(sys.executable).with_name("prefect"))


def _prefect(*arguments: str, env: dict, cwd: Path, log: Path) -> None:
    with open(log, "ab") as handle:
        done = subprocess.run([_PREFECT, *arguments], env=env, cwd=cwd, stdout=handle,
                              stderr=subprocess.STDOUT, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"prefect {' '.join(arguments)} failed; see {log}")


def serve(project: str | Path = ".", home: str | Path = ".omics/serve", host: str = "127.0.0.1",
          port: int = 4200, on_ready: Callable[[str], None] = print,
          stop: threading.Event | None = None) -> None:
    """Serve the deployments of ``project``'s ``prefect.yaml`` until ``stop`` is set or the
    process gets SIGINT/SIGTERM; then stop the worker and the server.

    ``on_ready`` receives the UI URL once the server is healthy, the pool exists, the
    deployments are registered and the worker runs.
    """
    project = Path(project).resolve()
    if not (project / "prefect.yaml").exists():
        raise OmicsInputError(project / "prefect.yaml", "no such file",
                              "the omics-axis project folder (with prefect.yaml)")
    home = Path(home).resolve()
    stop = stop or threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)} \
        if threading.current_thread() is threading.main_thread() else {}
    env = server_environment(home, f"http://{host}:{port}/api", ui=True)
    log = home / "serve.log"
    try:
        with ExitStack() as running:
            server = start_server(home, host, port, ui=True)
            running.callback(stop_process_group, server)
            pools = subprocess.run([_PREFECT, "work-pool", "inspect", WORK_POOL], env=env,
                                   cwd=project, capture_output=True, timeout=120)
            if pools.returncode != 0:
                _prefect("work-pool", "create", WORK_POOL, "--type", "process", env=env,
                         cwd=project, log=log)
            _prefect("--no-prompt", "deploy", "--all", env=env, cwd=project, log=log)
            with open(home / "worker.log", "ab") as worker_log:
                worker = subprocess.Popen(
                    [_PREFECT, "worker", "start", "--pool", WORK_POOL], env=env, cwd=project,
                    stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
            running.callback(stop_process_group, worker, 30)
            on_ready(f"http://{host}:{port}")
            while not stop.wait(1.0):
                if worker.poll() is not None:
                    raise RuntimeError(f"the Prefect worker exited; see {home / 'worker.log'}")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
