"""The report's figures saved as PNG by two worker processes while the report is built.

Saving a figure (drawn twice for the tight bounding box, then compressed) is about 7 of
the 12 s a report of the built-in cohort takes in one thread: matplotlib's drawing holds
the global interpreter lock. So each figure is handed, pickled, to a small process pool as
soon as it is made (the workers run matplotlib's own ``Figure.savefig`` and import nothing
else), and the report goes on reading results and making the next figures; the template
reads each figure's data URI at the end (:class:`EncodedFigure` turns into it).

The pool is started once per process (spawned, so safe from any thread; the pipeline starts
it with :func:`start_encoder` once its Dask cluster has stopped) and closed at exit; its
workers end with this process, also when it is killed
(:func:`omics.orphan_guard.exit_with_parent`), and do not import the starting script
(:class:`~omics.spawn_context.SpawnWithoutMain`). Where no process can be started or a
figure does not pickle, the figure is saved in this process, as before. The PNG is the same
either way.

Examples
--------
>>> from omics.pl.figures import new_figure, to_data_uri
>>> figure, axes = new_figure(figsize=(2, 2))
>>> _ = axes.plot([0, 1], [1, 0])
>>> str(encode_later(figure)) == to_data_uri(figure)
True
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import count
from pathlib import Path

from matplotlib.figure import Figure

from omics.orphan_guard import exit_with_parent
from omics.pl.figures import PNG_OPTIONS, png_data_uri, to_data_uri
from omics.spawn_context import SpawnWithoutMain

__all__ = ["EncodedFigure", "encode_later", "start_encoder"]

#: Worker processes of the pool (no more than the machine's cores).
_WORKERS = 2

_NUMBERS = count()


class EncodedFigure:
    """A figure's PNG data URI, being saved by the pool; ``str()`` waits for it."""

    def __init__(self, figure: Figure, future: Future | None = None,
                 path: Path | None = None) -> None:
        self._figure, self._future, self._path = figure, future, path

    @functools.cached_property
    def uri(self) -> str:
        if self._future is not None:
            try:
                self._future.result()
                return png_data_uri(self._path.read_bytes())
            except Exception:  # noqa: BLE001 - pool gone, figure not picklable, ...: saved
                pass  # here instead, where a real error in the figure is raised again
            finally:
                self._path.unlink(missing_ok=True)
        return to_data_uri(self._figure)

    def __str__(self) -> str:
        return self.uri

    def __html__(self) -> str:  # a data URI needs no escaping (Jinja's autoescape)
        return self.uri


@functools.cache
def _pool() -> tuple[ProcessPoolExecutor, Path] | None:
    workers = min(_WORKERS, os.cpu_count() or 1)
    if workers < 2 or multiprocessing.current_process().daemon:  # no children allowed
        return None
    try:
        pool = ProcessPoolExecutor(workers, mp_context=SpawnWithoutMain(),
                                   initializer=exit_with_parent, initargs=(os.getpid(),))
    except (OSError, ValueError):
        return None
    folder = Path(tempfile.mkdtemp(prefix="omics-figures-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool, folder


def start_encoder() -> None:
    """Start the pool and have each worker import matplotlib now (without waiting), so that
    a report built later in this process finds them ready: the pipeline calls it once its
    Dask cluster has stopped, before exporting the results."""
    started = _pool()
    if started is not None:
        for _ in range(_WORKERS):
            started[0].submit(Figure)


def encode_later(figure: Figure) -> EncodedFigure:
    """Start saving ``figure`` as a PNG in the pool; its data URI, when read, is
    :func:`omics.pl.figures.to_data_uri` of it."""
    started = _pool()
    if started is None:
        return EncodedFigure(figure)
    pool, folder = started
    path = folder / f"{next(_NUMBERS)}.png"
    try:
        future = pool.submit(figure.savefig, path, **PNG_OPTIONS)
    except Exception:  # noqa: BLE001 - a pool that cannot take work: saved here instead
        return EncodedFigure(figure)
    return EncodedFigure(figure, future, path)
