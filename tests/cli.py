"""``omics`` commands run inside the test process: the console script's ``main`` with its
exit code, stdout and stderr, as ``subprocess.run`` would return them, without paying the
3-4 s of a new interpreter's imports per call. The tests of what only a real process shows
(exit status of the script, no traceback, signals, stray processes) keep ``subprocess``."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

from omics.cli.main import main


def run_omics(*args: str | Path, cwd: str | Path | None = None) -> subprocess.CompletedProcess:
    """Run ``omics ARGS`` in this process (in ``cwd``); the working directory, ``sys.argv``,
    the environment and the SIGTERM handler are restored afterwards."""
    argv, folder, environment = sys.argv, os.getcwd(), dict(os.environ)
    handler = signal.getsignal(signal.SIGTERM)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    sys.argv = ["omics", *map(str, args)]
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.argv = argv
        os.chdir(folder)
        os.environ.clear()
        os.environ.update(environment)
        signal.signal(signal.SIGTERM, handler)
    return subprocess.CompletedProcess(["omics", *map(str, args)], code, out.getvalue(),
                                       err.getvalue())
