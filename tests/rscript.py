"""Run a short R script on a CSV, for reference values (skips without Rscript/packages)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest


def run_r(tmp_path: Path, data: pd.DataFrame, script: str, packages: tuple[str, ...] = ()
          ) -> list[float]:
    """Write ``data`` to CSV as ``d`` in R, run ``script`` (which must ``cat`` numbers) and
    return the numbers printed."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed (.ci/run installs R and the reference packages)")
    for package in packages:
        if subprocess.run(["Rscript", "-e", f"library({package})"],
                          capture_output=True).returncode:
            pytest.skip(f"R package {package} not installed (.ci/run installs it)")
    data.to_csv(tmp_path / "d.csv", index=False)
    loads = "".join(f"suppressMessages(library({p}));" for p in packages)
    code = f"{loads} d <- read.csv('{tmp_path / 'd.csv'}'); {script}"
    out = subprocess.run(["Rscript", "-e", code], check=True, capture_output=True, text=True)
    return [float(x) for x in out.stdout.split()]
