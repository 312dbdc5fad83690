"""The report's figure encoder: the pool's PNG is the figure's, a figure that does not
pickle is saved in the process, and the pool's workers end with the process."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
from matplotlib.ticker import FuncFormatter

from omics.pl.figures import new_figure, to_data_uri
from omics.report.figure_encoder import EncodedFigure, encode_later


def _figure():
    figure, axes = new_figure(figsize=(3, 2))
    axes.scatter([0, 1, 2], [2, 0, 1])
    axes.set_title("three points")
    return figure


def test_pool_gives_the_figures_own_png():
    figures = [_figure() for _ in range(4)]
    encoded = [encode_later(figure) for figure in figures]
    assert all(isinstance(e, EncodedFigure) and e._future is not None for e in encoded)
    assert [str(e) for e in encoded] == [to_data_uri(figure) for figure in figures]


def test_a_figure_that_does_not_pickle_is_saved_here():
    figure = _figure()
    figure.axes[0].xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}!"))
    assert encode_later(figure).__html__() == to_data_uri(figure)


def test_pool_workers_end_with_the_process(tmp_path):
    script = tmp_path / "encode.py"
    script.write_text(textwrap.dedent("""
        import os
        from omics.pl.figures import new_figure
        from omics.report.figure_encoder import encode_later
        if __name__ == "__main__":
            figure, axes = new_figure(figsize=(2, 2))
            axes.plot([0, 1])
            assert str(encode_later(figure)).startswith("data:image/png")
            print(os.getpid())
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=True)
    pid = int(done.stdout.split()[-1])
    left = [p for p in psutil.process_iter(["ppid", "cmdline"])
            if p.info["ppid"] == pid or str(script) in " ".join(p.info["cmdline"] or [])]
    assert left == []


def test_pool_workers_end_when_the_process_is_killed(tmp_path):
    """SIGKILL leaves no time for exit handlers: the workers notice and end by themselves."""
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent("""
        import time
        from omics.report.figure_encoder import _pool, start_encoder
        if __name__ == "__main__":
            start_encoder()
            pool, _ = _pool()
            print(*[p.pid for p in pool._processes.values()], flush=True)
            time.sleep(120)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                               text=True)
    try:
        workers = [psutil.Process(int(pid)) for pid in process.stdout.readline().split()]
        assert len(workers) == 2 and all(w.is_running() for w in workers)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers):
        assert time.monotonic() < deadline, "a pool worker outlived its killed parent"
        time.sleep(0.2)


def _encode_in_daemon(queue) -> None:
    figure = _figure()
    queue.put(str(encode_later(figure)) == to_data_uri(figure))


def test_a_daemonic_process_saves_its_figures_itself():
    """A daemonic process (a Dask worker's, say) may not start children: no pool, same PNG."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_encode_in_daemon, args=(queue,), daemon=True)
    process.start()
    try:
        assert queue.get(timeout=120) is True
    finally:
        process.join(timeout=30)
    assert process.exitcode == 0


def test_a_script_without_main_guard_runs_once(tmp_path):
    """Spawned workers import their parent's main script unless told otherwise: a script
    without ``if __name__ == "__main__":`` ran again in a worker (its whole analysis)."""
    script, log = tmp_path / "unguarded.py", tmp_path / "runs.log"
    script.write_text(textwrap.dedent(f"""
        from omics.pl.figures import new_figure, to_data_uri
        from omics.report.figure_encoder import encode_later
        with open({str(log)!r}, "a") as runs:
            runs.write("ran\\n")
        figure, axes = new_figure(figsize=(2, 2))
        axes.plot([0, 1])
        encoded = encode_later(figure)
        assert str(encoded) == to_data_uri(figure)
        print(encoded._future.exception() is None)  # saved by a pool worker
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["True"]
    assert log.read_text() == "ran\n"


def test_pool_workers_import_matplotlib_not_the_analysis_stack():
    """The workers' process class once lived in :mod:`omics.report`, and a spawned worker
    imports the module of its own class: each worker imported the whole analysis stack
    (3,450 modules, 365 MB resident) before its first figure. With matplotlib and a figure
    saved, a worker now holds about 75 MB."""
    from omics.report.figure_encoder import _pool

    str(encode_later(_figure()))  # the pool is started and has saved a figure
    pool, _ = _pool()
    status = [pool.submit(Path("/proc/self/status").read_text).result(timeout=120)
              for _ in range(4)]
    resident_mb = [int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) / 1024
                   for text in status]
    assert max(resident_mb) < 150, resident_mb
