"""Which Dask cluster a run uses: configuration (``deploy/clusters.yaml`` or flags), never
code edits.

A clusters file names cluster specs; ``kind`` chooses how a run gets its scheduler:

* ``local``: a LocalCluster for the run (dashboard on a free 127.0.0.1 port): worker threads
  in the run's own process for a small study, worker processes for a large one
  (:meth:`LocalSpec.decided`);
* ``address``: an existing scheduler (``dask scheduler`` + ``dask worker``, a Kubernetes
  ``DaskCluster`` service, ...), optionally over TLS (distributed's ``Security``);
* ``slurm``: a dask-jobqueue ``SLURMCluster`` started for the run and scaled to ``jobs``
  batch jobs (install ``omics-axis[hpc]``).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "clusters.yaml"
>>> _ = p.write_text("clusters:\\n  lab: {kind: address, address: 'tcp://10.0.0.5:8786'}\\n")
>>> load_cluster_spec("lab", p).address
'tcp://10.0.0.5:8786'
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import dask
import yaml
from distributed import LocalCluster, as_completed, get_client
from distributed.security import Security
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from omics.errors import OmicsInputError

__all__ = ["DEFAULT_CLUSTERS", "NUMPY_WORKER_CONFIG", "ClusterSpec", "RunCluster",
           "clusters_file", "compute_reporting", "load_cluster_spec", "open_cluster"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TlsFiles(_Spec):
    """Client-side TLS for a scheduler started with ``--tls-ca-file/--tls-cert/--tls-key``."""

    ca_file: str
    cert: str
    key: str

    def security(self) -> Security:
        """distributed's Security object, encryption required."""
        return Security(tls_ca_file=self.ca_file, tls_client_cert=self.cert,
                        tls_client_key=self.key, require_encryption=True)


class LocalSpec(_Spec):
    """A LocalCluster for the duration of the run."""

    kind: Literal["local"] = "local"
    n_workers: int = Field(default=2, ge=1)
    threads_per_worker: int = Field(default=1, ge=1)
    memory_limit: str = "auto"
    #: Worker processes (true) or worker threads in the run's own process (false). Unset,
    #: the run decides: threads for a study whose input files total less than
    #: ``threads_below_mb`` (no worker process to start: a process imports the analysis
    #: stack, ~6 s of the demo), processes for a larger one (each worker's memory limited
    #: and watched by its nanny).
    processes: bool | None = None
    threads_below_mb: float = Field(default=100, ge=0)
    #: Modules each worker imports as it starts (:mod:`flows.worker_stack`: the pipeline's
    #: tasks and the analysis stack); ``[]`` to import them at the first task instead.
    preload: list[str] = Field(default_factory=lambda: ["flows.worker_stack"])

    @field_validator("preload")
    @classmethod
    def _importable(cls, modules: list[str]) -> list[str]:
        """Each entry a module this environment can import, or a ``.py`` file: a worker
        that cannot import its preload never starts ("Nanny failed to start")."""
        for name in modules:
            found = Path(name).is_file() if name.endswith(".py") else _module_exists(name)
            if not found:
                raise ValueError(f"{name!r} is neither an importable module nor a .py file")
        return modules

    def decided(self, input_bytes: int | None) -> LocalSpec:
        """This spec with ``processes`` decided for a study of ``input_bytes`` (None:
        unknown, processes) when it is unset.

        Examples
        --------
        >>> LocalSpec().decided(3_000_000).processes, LocalSpec().decided(None).processes
        (False, True)
        >>> LocalSpec(processes=True).decided(0).processes
        True
        """
        if self.processes is not None:
            return self
        small = input_bytes is not None and input_bytes < self.threads_below_mb * 1e6
        return self.model_copy(update={"processes": not small})


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package missing, or an empty name
        return False


class AddressSpec(_Spec):
    """An existing scheduler."""

    kind: Literal["address"]
    address: str
    tls: TlsFiles | None = None


class SlurmSpec(_Spec):
    """A dask-jobqueue SLURMCluster; ``jobqueue`` holds its keyword arguments."""

    kind: Literal["slurm"]
    jobs: int = Field(default=2, ge=1)
    jobqueue: dict = Field(default_factory=dict)


ClusterSpec = Annotated[LocalSpec | AddressSpec | SlurmSpec, Field(discriminator="kind")]


class RunCluster(BaseModel):
    """The scheduler a run talks to: its address and client keyword arguments."""

    address: str
    dashboard: str = ""
    client_kwargs: dict = Field(default_factory=dict)
    model_config = ConfigDict(arbitrary_types_allowed=True)


#: Worker settings for numpy-heavy tasks. The nanny's default ``MALLOC_TRIM_THRESHOLD_``
#: (64 KiB) fixes glibc's mmap threshold, so every large array is a fresh ``mmap`` (and page
#: faults): numpy-heavy tasks ran 18-25 % slower and a randomised network twice as long.
#: ``None`` leaves glibc's adaptive default (memory goes back to the OS less eagerly). For
#: ``dask worker`` processes started by hand set
#: ``DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__MALLOC_TRIM_THRESHOLD_=None``.
NUMPY_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}

#: The clusters file a run uses unless told otherwise.
DEFAULT_CLUSTERS = "deploy/clusters.yaml"


def clusters_file(path: str | Path = DEFAULT_CLUSTERS) -> Path:
    """``path``; for the default ``deploy/clusters.yaml`` when the working directory has
    none, the project's own (a source checkout) or the copy shipped in the package, so that
    ``--cluster local`` works from any directory.

    Examples
    --------
    >>> clusters_file().name
    'clusters.yaml'
    """
    path = Path(path)
    if path.exists() or str(path) != DEFAULT_CLUSTERS:
        return path
    checkout = Path(__file__).resolve().parents[1] / DEFAULT_CLUSTERS
    if checkout.exists():
        return checkout
    from importlib import resources

    return Path(str(resources.files("flows").joinpath("clusters.yaml")))


def load_cluster_spec(name: str, path: str | Path = DEFAULT_CLUSTERS
                      ) -> LocalSpec | AddressSpec | SlurmSpec:
    """The spec called ``name`` in the clusters file at ``path`` (:func:`clusters_file`)."""
    path = clusters_file(path)
    if not path.exists():
        raise OmicsInputError(path, "no such file", "a clusters YAML (see deploy/clusters.yaml)")
    specs = (yaml.safe_load(path.read_text()) or {}).get("clusters", {})
    if name not in specs:
        raise OmicsInputError(path, f"no cluster {name!r}",
                              "one of " + ", ".join(map(repr, specs)))
    try:
        return TypeAdapter(ClusterSpec).validate_python(specs[name])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OmicsInputError(path, f"clusters.{name}.{where}: {first['msg']}",
                              "a cluster spec as documented in deploy/README.md") from None


@contextmanager
def open_cluster(spec: LocalSpec | AddressSpec | SlurmSpec) -> Iterator[RunCluster]:
    """Start (local, slurm) or reach (address) the cluster; stop what was started on exit."""
    if isinstance(spec, AddressSpec):
        kwargs = {"security": spec.tls.security()} if spec.tls else {}
        yield RunCluster(address=spec.address, client_kwargs=kwargs)
        return
    if isinstance(spec, LocalSpec):
        processes = spec.decided(None).processes  # unset and no study size: processes
        # worker threads share the process: no per-worker share of the machine's memory
        memory_limit = spec.memory_limit if processes or spec.memory_limit != "auto" else 0
        with dask.config.set(NUMPY_WORKER_CONFIG), _without_nanny_trim():
            cluster = LocalCluster(n_workers=spec.n_workers,
                                   threads_per_worker=spec.threads_per_worker,
                                   memory_limit=memory_limit, processes=processes,
                                   protocol="tcp://", host="127.0.0.1",  # also for threads
                                   dashboard_address="127.0.0.1:0", preload=spec.preload)
    else:
        from dask_jobqueue import SLURMCluster  # optional: omics-axis[hpc]

        cluster = SLURMCluster(**spec.jobqueue)
        cluster.scale(jobs=spec.jobs)
    with cluster:
        try:
            yield RunCluster(address=cluster.scheduler_address,
                             dashboard=cluster.dashboard_link or "")
        finally:
            _close_worker_clients(cluster)


def _close_worker_clients(cluster) -> None:
    """Close the clients that tasks opened on in-process workers (``get_client()``) before
    the scheduler stops: otherwise it logged each one's closed connection with a traceback."""
    if getattr(cluster, "processes", True):  # worker processes close their own
        return
    for worker in cluster.workers.values():
        if worker._client is not None:
            worker._client.close()


@contextmanager
def _without_nanny_trim() -> Iterator[None]:
    """Worker processes inherit this process's environment, into which an earlier nanny in
    the same process (any default LocalCluster) has written its ``MALLOC_TRIM_THRESHOLD_``;
    that value is left out while workers spawn (a different value, the user's, is kept)."""
    inherited = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    if inherited == "65536":
        del os.environ["MALLOC_TRIM_THRESHOLD_"]
    try:
        yield
    finally:
        if inherited == "65536":
            os.environ["MALLOC_TRIM_THRESHOLD_"] = inherited


def compute_reporting(*delayed_objects, report: Callable[[int, int], None]) -> tuple:
    """Like ``dask.compute`` on the current distributed client; ``report(done, total)`` is
    called as each task finishes. The results come back in order.

    Examples
    --------
    >>> import dask
    >>> from distributed import Client
    >>> seen = []
    >>> with Client(processes=False, n_workers=1, dashboard_address="127.0.0.1:0"):
    ...     results = compute_reporting(dask.delayed(sum)([1, 2]), dask.delayed(max)([3, 4]),
    ...                                 report=lambda done, total: seen.append((done, total)))
    >>> results, seen[-1]
    ((3, 4), (2, 2))
    """
    client = get_client()
    futures = client.compute(list(delayed_objects))
    for done, _ in enumerate(as_completed(futures), start=1):
        report(done, len(futures))
    return tuple(client.gather(futures))
