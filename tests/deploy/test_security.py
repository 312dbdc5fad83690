"""Security defaults for real: a Dask scheduler and worker speaking TLS only, reached through a
``tls`` cluster spec; a Prefect server that requires its API auth string."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dask
import pytest
from distributed import Client
from distributed.security import Security

from flows.clusters import AddressSpec, TlsFiles, open_cluster
from flows.prefect_api import free_port, stop_process_group

BIN = Path(sys.executable).parent


def test_dask_over_tls_only(tmp_path):
    pem = Security.temporary()  # a self-signed CA and certificate (cryptography)
    files = {}
    for name, text in {"ca": pem.tls_ca_file, "cert": pem.tls_scheduler_cert,
                       "key": pem.tls_scheduler_key}.items():
        files[name] = tmp_path / f"{name}.pem"
        files[name].write_text(text)
    tls = ["--tls-ca-file", str(files["ca"]), "--tls-cert", str(files["cert"]),
           "--tls-key", str(files["key"])]
    port = free_port()
    address = f"tls://127.0.0.1:{port}"
    log = open(tmp_path / "dask.log", "ab")  # noqa: SIM115 - closed below
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--protocol", "tls",
                                  "--host", "127.0.0.1", "--port", str(port),
                                  "--dashboard-address", "127.0.0.1:0", *tls], stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    worker = subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1",
                               "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0", *tls],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        spec = AddressSpec(kind="address", address=address,
                           tls=TlsFiles(ca_file=str(files["ca"]), cert=str(files["cert"]),
                                        key=str(files["key"])))
        with open_cluster(spec) as running, Client(running.address, timeout=60,
                                                   **running.client_kwargs) as client:
            client.wait_for_workers(1, timeout=60)
            assert client.submit(sum, [1, 2, 3]).result() == 6
            assert all(w.startswith("tls://") for w in client.scheduler_info()["workers"])
            assert dask.delayed(max)([4, 5]).compute() == 5  # the active client
        with pytest.raises(OSError):  # plain TCP is not served
            Client(f"tcp://127.0.0.1:{port}", timeout=3)
    finally:
        stop_process_group(worker)
        stop_process_group(scheduler)
        log.close()


def _get(url: str, auth: str | None = None) -> int:
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:  # not listening yet
        return 0


@pytest.mark.slow
def test_prefect_api_requires_its_auth_string(tmp_path):
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path), "PREFECT_SERVER_ANALYTICS_ENABLED":
           "false", "PREFECT_SERVER_API_AUTH_STRING": "omics:s3cret"}
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 90
        while _get(f"{base}/health", "omics:s3cret") != 200:
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.5)
        assert _get(f"{base}/flows/filter") in (401, 405)
        request = urllib.request.Request(f"{base}/flows/filter", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 401
        request.add_header("Authorization", "Basic " + base64.b64encode(b"omics:s3cret").decode())
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read()) == []
    finally:
        stop_process_group(server)


def test_local_cluster_dashboard_serves_on_loopback_only():
    """The LocalCluster dashboard listened on 0.0.0.0 and showed only "Dask needs
    bokeh>=3.1.0"."""
    import psutil

    from flows.clusters import LocalSpec

    with open_cluster(LocalSpec(kind="local", n_workers=1)) as running:
        assert running.dashboard.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(running.dashboard, timeout=30) as response:
            page = response.read().decode()
        assert response.status == 200 and "needs bokeh" not in page and "Dask" in page
        ours = {os.getpid(), *(child.pid for child in psutil.Process().children(recursive=True))}
        bound = {c.laddr.ip for c in psutil.net_connections("inet")
                 if c.status == psutil.CONN_LISTEN and c.pid in ours}
    assert bound == {"127.0.0.1"}


def test_serve_beyond_loopback_without_auth_warns(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_SERVER_API_AUTH_STRING"}
    result = subprocess.run([str(BIN / "omics"), "serve", "--host", "0.0.0.0", "--project",
                             str(tmp_path)], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 2  # no prefect.yaml there: stops before any server starts
    assert result.stderr.splitlines() == [
        "warning: serving the Prefect API and UI on 0.0.0.0:4200 without authentication: "
        "anyone who reaches this port can run flows here (set PREFECT_SERVER_API_AUTH_STRING, "
        "see deploy/README.md)",
        f"error: {tmp_path / 'prefect.yaml'}: found no such file; expected the omics-axis "
        "project folder (with prefect.yaml)"]
    quiet = subprocess.run([str(BIN / "omics"), "serve", "--project", str(tmp_path)],
                           capture_output=True, text=True, env=env, timeout=60)
    assert "warning" not in quiet.stderr and quiet.returncode == 2


def test_local_workers_keep_glibcs_adaptive_malloc_for_numpy_work():
    """The nanny's MALLOC_TRIM_THRESHOLD_=65536 made numpy-heavy tasks 18-25 % slower; the
    run's LocalCluster workers start without it, with the rest of the nanny's environment."""
    from distributed import Client

    from flows.clusters import LocalSpec

    with open_cluster(LocalSpec(kind="local", n_workers=1)) as running, \
            Client(running.address) as client:
        seen = client.run(lambda: (os.environ.get("MALLOC_TRIM_THRESHOLD_"),
                                   os.environ.get("OMP_NUM_THREADS")))
    assert list(seen.values()) == [(None, "1")]
