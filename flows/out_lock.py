"""One pipeline run per results folder: an exclusive lock on ``<out>/.omics-run.lock``.

Two runs writing the same ``--out`` would interleave their store groups, tables and report.
The lock is an ``flock`` on a file in the folder: the kernel drops it when its process
ends, however it ends, so a killed run never leaves a stale lock behind. The lock file
names the holder's process id, for the refusal message.

Examples
--------
>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> with exclusive_out(out):
...     try:
...         check_out_free(out)
...     except OmicsInputError as refused:
...         print(str(refused).split(": found ")[1][:37])
another omics run writing this folder
>>> check_out_free(out)  # released
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from omics.errors import OmicsInputError

__all__ = ["check_out_free", "exclusive_out"]

LOCK_NAME = ".omics-run.lock"


def _lock(out: Path, handle) -> None:
    """Take the lock on the open lock file, or refuse in one line naming its holder."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        raise OmicsInputError(out, f"another omics run writing this folder (process {holder})",
                              "one run per results folder at a time: wait for it to finish or "
                              "choose another --out") from None


@contextmanager
def exclusive_out(out: str | Path) -> Iterator[None]:
    """Hold the results folder ``out`` for the block; refuse at once if a run holds it."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK_NAME, "a+") as handle:
        _lock(out, handle)
        try:
            handle.truncate(0)
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_out_free(out: str | Path) -> None:
    """Refuse in one line when a run holds ``out`` now (checked before any server starts)."""
    out = Path(out)
    if not (out / LOCK_NAME).exists():
        return
    with open(out / LOCK_NAME, "a+") as handle:
        _lock(out, handle)
        fcntl.flock(handle, fcntl.LOCK_UN)
