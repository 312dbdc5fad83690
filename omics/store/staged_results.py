"""Staged writes of a whole analysis: ``results/<analysis>`` is replaced in one rename.

An analysis writes several groups (one per contrast, table or figure data) and then records
its input key. Inside :func:`staged_results` every write to ``results/<analysis>`` goes to a
hidden staging group beside it; when the block ends without error the staging group, key
included, replaces the old one in one rename. A failure (a bad option, a crash, Ctrl-C)
leaves the previous results, and their key, exactly as they were; groups the new run does
not write (a contrast removed from the plan) do not survive next to new ones.

Examples
--------
>>> import tempfile
>>> import pandas as pd
>>> from omics.store.writer import write_table
>>> store = Path(tempfile.mkdtemp()) / "s.zarr"
>>> with staged_results(store, "demo"):
...     _ = write_table(store, "results/demo/t", pd.DataFrame({"x": [1]}), dim="row")
>>> sorted(p.name for p in (store / "results" / "demo").iterdir())
['t', 'zarr.json']
>>> try:
...     with staged_results(store, "demo"):
...         _ = write_table(store, "results/demo/u", pd.DataFrame({"x": [2]}), dim="row")
...         raise RuntimeError("the analysis failed")
... except RuntimeError:
...     pass
>>> sorted(p.name for p in (store / "results" / "demo").iterdir())
['t', 'zarr.json']
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import zarr

from omics.store import layout
from omics.store.atomic import discard_staging, new_staging_dir, replace_directory
from omics.store.parents import ensure_parent_groups

__all__ = ["group_path", "staged_results"]

_STAGED: ContextVar[tuple[tuple[Path, Path], ...]] = ContextVar("omics_staged_results",
                                                                default=())


@contextmanager
def staged_results(store: str | Path, analysis: str) -> Iterator[Path]:
    """Send writes to ``store/results/<analysis>`` to a staging group during the block; swap
    it in when the block succeeds, discard it when it fails."""
    target = (Path(store) / layout.RESULTS / analysis).absolute()
    staged = new_staging_dir(target)
    token = _STAGED.set((*_STAGED.get(), (target, staged)))
    try:
        zarr.open_group(str(staged), mode="w", zarr_format=3)
        # results/ (analyses running at once may all create it)
        ensure_parent_groups(target.parent.parent, f"{target.parent.name}/{target.name}")
        yield staged
    except BaseException:
        discard_staging(staged)
        raise
    finally:
        _STAGED.reset(token)
    replace_directory(staged, target)


def group_path(store: str | Path, group: str) -> tuple[Path, bool]:
    """Where ``store/group`` is written now, and whether that is inside a staged analysis.

    Examples
    --------
    >>> group_path("s.zarr", "results/x/t")
    (PosixPath('s.zarr/results/x/t'), False)
    """
    path = Path(store) / group
    absolute = path.absolute()
    for target, staged in reversed(_STAGED.get()):
        if absolute == target or target in absolute.parents:
            return staged / absolute.relative_to(target), True
    return path, False
