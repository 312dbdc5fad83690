"""A Prefect API for command-line runs: the configured one, or a private local server.

Prefect's ephemeral mode is not used: with Dask workers each worker would start its own
temporary server. When ``PREFECT_API_URL`` is unset, :func:`prefect_api` starts
``prefect server start`` on a free 127.0.0.1 port with a project-local ``PREFECT_HOME`` and
stops its whole process group on exit, also on error, Ctrl-C or SIGTERM.

A new home's server creates its SQLite database by running every Prefect migration (7-11 s
on a 2-core machine). Instead, a new home starts from a copy of :func:`template_database`:
the database of an earlier new home, snapshotted once its server answered (migrated, block
types registered, nothing else), kept with the installation for this Prefect version
(``make install`` makes it). The server still migrates whatever the copy lacks.

This module must not import prefect: the caller sets ``PREFECT_API_URL`` from its result
before Prefect is first imported.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "healthy", "is_loopback", "make_template_database", "prefect_api",
           "reap_previous_server", "redacted_url", "server_environment", "start_server",
           "stop_process_group", "template_database"]

_STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redacted_url(url: str) -> str:
    """``url`` safe to print: a password (``user:secret@``) and query values replaced by
    ``***``.

    Examples
    --------
    >>> redacted_url("http://user:s3cret@10.0.0.5:4200/api?token=abc")
    'http://user:***@10.0.0.5:4200/api?token=***'
    >>> redacted_url("http://127.0.0.1:4200/api")
    'http://127.0.0.1:4200/api'
    """
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = f"{parts.username}:***@{netloc.rpartition('@')[2]}"
    query = "&".join(f"{key}=***" for key, _ in urllib.parse.parse_qsl(
        parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=query))


def is_loopback(host: str) -> bool:
    """True when ``host`` (a name or address to bind) is this machine only.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def healthy(api_url: str) -> bool:
    """True when ``GET {api_url}/health`` answers 200."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop_process_group(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the process's group (it was started with ``start_new_session``), then SIGKILL
    what is left after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def server_environment(home: Path, api_url: str, ui: bool) -> dict[str, str]:
    """Environment of a private server and its clients: ``PREFECT_HOME``, API URL, no
    telemetry; the UI on or off."""
    return {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "true" if ui else "false", "PREFECT_API_URL": api_url}


def _stop_when_parent_dies() -> None:
    """In the child before ``exec``: SIGTERM when the process that started it dies (Linux
    ``PR_SET_PDEATHSIG``), so a killed ``omics run`` does not leave its server behind."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pid file reaps it on the next start
        pass


def _pid_file(home: Path, server_pid: int) -> Path:
    return home / f"server-{server_pid}.pid"


def reap_previous_server(home: Path) -> list[int]:
    """Stop the Prefect servers recorded in ``home/server-<pid>.pid`` whose starter (the pid
    in the file) is dead: left by a run killed before it could stop them. Servers of runs
    still going are left alone. Returns the process ids stopped."""
    import psutil

    stopped = []
    for pid_file in home.glob("server-*.pid"):
        try:
            server, starter = int(pid_file.stem.split("-")[1]), int(pid_file.read_text())
        except (OSError, ValueError):
            continue
        if psutil.pid_exists(starter):
            continue
        pid_file.unlink(missing_ok=True)
        try:
            command = " ".join(psutil.Process(server).cmdline())
        except psutil.Error:
            continue
        if "prefect" in command and "server start" in command:
            try:
                os.killpg(server, signal.SIGTERM)
                stopped.append(server)
            except ProcessLookupError:
                pass
    return stopped


def template_database() -> Path:
    """The migrated, empty Prefect database new homes start from: one per Prefect version,
    under the installation's ``share/omics-axis``."""
    from importlib.metadata import version

    return Path(sys.prefix) / "share" / "omics-axis" / f"prefect-{version('prefect')}.db"


def _sqlite_home() -> bool:
    """True when the server keeps its database in ``PREFECT_HOME/prefect.db`` (Prefect's
    default): no database URL configured."""
    return not any(os.environ.get(f"PREFECT_{part}_DATABASE_CONNECTION_URL")
                   for part in ("API", "SERVER"))


def _seed_from_template(home: Path) -> bool:
    """Copy the template into a new ``home``; False when there is none to copy."""
    template = template_database()
    if not _sqlite_home() or not template.is_file():
        return False
    staged = home / "prefect.db.seeding"
    shutil.copyfile(template, staged)
    os.replace(staged, home / "prefect.db")
    return True


def _save_template(home: Path) -> None:
    """Snapshot ``home``'s database (its server migrated it and answers, no run yet) as the
    template; quietly nothing where the installation is read-only."""
    template = template_database()
    if not _sqlite_home() or template.exists() or not (home / "prefect.db").is_file():
        return
    staged = template.with_name(f".{template.name}.{os.getpid()}")
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        source, target = sqlite3.connect(home / "prefect.db"), sqlite3.connect(staged)
        try:
            source.backup(target)  # a consistent copy while the server runs (WAL)
        finally:
            source.close()
            target.close()
        os.replace(staged, template)  # whole or absent, also with two runs at once
    except (OSError, sqlite3.Error):
        staged.unlink(missing_ok=True)


def make_template_database() -> Path:
    """Make :func:`template_database` (a server started once in a temporary home), unless
    it exists; returns its path. Run by ``make install``."""
    import tempfile

    if not template_database().exists():
        with tempfile.TemporaryDirectory(prefix="omics-prefect-") as home:
            stop_process_group(start_server(Path(home), "127.0.0.1", free_port()))
    return template_database()


def start_server(home: Path, host: str, port: int, ui: bool = False,
                 while_starting: Callable[[], object] | None = None) -> subprocess.Popen:
    """``prefect server start`` in its own process group, logging to ``home/server.log``;
    returns once ``/api/health`` answers (stops it and raises if it does not);
    ``while_starting()`` runs meanwhile (e.g. imports the flows). A new ``home`` starts from
    :func:`template_database`, or, without one, makes it once its server answers. ``home``
    (database, logs, cached results) is made readable by its owner only. The server gets
    SIGTERM when this process dies, and its pid is kept in ``home/server-<pid>.pid``: a
    server left by a killed run is stopped on the next start."""
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    reap_previous_server(home)
    # a new home: a copy of the template, or (without one) the template made from it
    makes_template = not (home / "prefect.db").exists() and not _seed_from_template(home)
    url = f"http://{host}:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    with open(home / "server.log", "ab") as log:
        process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", host, "--port", str(port)],
            env=server_environment(home, url, ui), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_stop_when_parent_dies)  # noqa: PLW1509
    _pid_file(home, process.pid).write_text(str(os.getpid()))
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    try:
        if while_starting is not None:
            while_starting()
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prefect server did not start; see {home / 'server.log'}")
            time.sleep(0.5)
        if makes_template:
            _save_template(home)
    except BaseException:  # also Ctrl-C while waiting: never leave the server behind
        stop_process_group(process)
        raise
    return process


@contextmanager
def prefect_api(home: str | Path, while_starting: Callable[[], object] | None = None
                ) -> Iterator[str]:
    """Yield a Prefect API URL and put it in ``os.environ['PREFECT_API_URL']``.

    Uses ``PREFECT_API_URL`` when set; otherwise runs a private server for the duration of
    the ``with`` block, its database and logs under ``home``. ``while_starting()`` runs
    while the server starts (the API URL already in the environment), so that, e.g., the
    flows are imported meanwhile (5 s of a run's start).
    """
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        if while_starting is not None:
            while_starting()
        yield configured
        return
    home = Path(home).resolve()
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    previous = {k: os.environ.get(k) for k in ("PREFECT_API_URL", "PREFECT_HOME",
                                                "PREFECT_SERVER_ANALYTICS_ENABLED")}
    os.environ.update({"PREFECT_API_URL": url, "PREFECT_HOME": str(home),
                       "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    process = None
    try:
        process = start_server(home, "127.0.0.1", port, while_starting=while_starting)
        yield url
    finally:
        if process is not None:
            stop_process_group(process)
            _pid_file(home, process.pid).unlink(missing_ok=True)
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
