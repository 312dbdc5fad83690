"""Provenance attributes carried by every array in the study store."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import omics

__all__ = ["FLOW_RUN_ENV", "file_sha256", "provenance"]

#: Environment variable the flows set to the Prefect flow-run id (read here, never imported).
FLOW_RUN_ENV = "OMICS_FLOW_RUN_ID"


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
        Prefect flow-run id; defaults to the ``OMICS_FLOW_RUN_ID`` environment variable.

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
        "prefect_flow_run_id": flow_run_id or os.environ.get(FLOW_RUN_ENV, ""),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
