"""A multiprocessing context whose spawned processes do not import the parent's main script.

multiprocessing runs the parent's ``__main__`` module (as ``__mp_main__``) in every spawned
process, so that functions defined there unpickle. Helper processes that only unpickle
library functions and data do not need it, and a user's script without an
``if __name__ == "__main__":`` guard (a notebook exported to ``.py``, say) would otherwise
run again in each of them. This module imports only the standard library: the process
class travels to the child pickled, and the child imports the module that defines it.

Examples
--------
>>> from concurrent.futures import ProcessPoolExecutor
>>> with ProcessPoolExecutor(1, mp_context=SpawnWithoutMain()) as pool:
...     pool.submit(abs, -3).result()
3
"""

from __future__ import annotations

from multiprocessing import spawn
from multiprocessing.context import SpawnContext, SpawnProcess

__all__ = ["SpawnWithoutMain"]


class _ProcessWithoutMain(SpawnProcess):
    """A spawned process whose preparation data leaves out the parent's main module.

    While it launches, :func:`multiprocessing.spawn.get_preparation_data` is wrapped to drop
    ``init_main_from_path`` / ``init_main_from_name`` (the window is this one launch).
    """

    @staticmethod
    def _Popen(process_obj):  # noqa: N802 - multiprocessing's name
        prepare = spawn.get_preparation_data

        def without_main(name: str) -> dict:
            data = prepare(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        spawn.get_preparation_data = without_main
        try:
            return SpawnProcess._Popen(process_obj)
        finally:
            spawn.get_preparation_data = prepare


class SpawnWithoutMain(SpawnContext):
    """The ``spawn`` context, its processes started without the parent's main module."""

    Process = _ProcessWithoutMain
