"""Provenance attributes carried by every array in the study store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import omics

__all__ = ["current_flow_run", "file_sha256", "flow_run_recorded", "provenance"]

#: The Prefect flow-run id of the work running in this context (a context variable, so two
#: flow runs in threads of one worker never see each other's id; set by :mod:`flows`).
_FLOW_RUN: ContextVar[str] = ContextVar("omics_flow_run_id", default="")


@contextmanager
def flow_run_recorded(run_id: str | None) -> Iterator[None]:
    """Record the flow-run id for provenance written inside the block, in this context only
    (thread or task); the previous value is restored on leaving.

    Examples
    --------
    >>> import threading
    >>> seen = {}
    >>> def work(name):
    ...     with flow_run_recorded(name):
    ...         seen[name] = provenance(step="x")["prefect_flow_run_id"]
    >>> threads = [threading.Thread(target=work, args=(n,)) for n in ("run-a", "run-b")]
    >>> for t in threads: t.start()
    >>> for t in threads: t.join()
    >>> with flow_run_recorded("run-c"):
    ...     inside = current_flow_run()
    >>> seen == {"run-a": "run-a", "run-b": "run-b"}, inside, current_flow_run()
    (True, 'run-c', '')
    """
    token = _FLOW_RUN.set(str(run_id or ""))
    try:
        yield
    finally:
        _FLOW_RUN.reset(token)


def current_flow_run() -> str:
    """The flow-run id recorded in this context (``""`` outside a flow)."""
    return _FLOW_RUN.get()


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
    >>> _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(
    *,
    step: str,
    sources: list[str | Path] = (),
    parameters: dict[str, Any] | None = None,
    flow_run_id: str | None = None,
) -> dict[str, str]:
    """Attributes describing how an array was made (all values are strings, JSON inside).

    Parameters
    ----------
    step
        Reader or analysis that made the array (e.g. ``"reader:wide_table"``).
    sources
        Input files; each is recorded with its name and sha256.
    parameters
        Parameters of the step.
    flow_run_id
        Prefect flow-run id; defaults to the one recorded by :func:`flow_run_recorded` in this
        context.

    Examples
    --------
    >>> attrs = provenance(step="reader:table", parameters={"id_column": "subject_id"})
    >>> sorted(attrs)  # doctest: +NORMALIZE_WHITESPACE
    ['created', 'omics_axis_version', 'parameters', 'prefect_flow_run_id', 'source_files',
     'step']
    """
    files = [{"file": Path(p).name, "sha256": file_sha256(p)} for p in sources]
    return {
        "step": step,
        "source_files": json.dumps(files),
        "parameters": json.dumps(parameters or {}, sort_keys=True, default=str),
        "omics_axis_version": omics.__version__,
        "prefect_flow_run_id": flow_run_id or current_flow_run(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
