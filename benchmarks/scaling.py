"""Benchmark: how the steps scale with the size of the built-in cohort.

For each scale (``omics simulate --scale``: small, default, large; ``--xlarge`` adds the
largest), every step runs in its own process, timed from outside, with the peak resident
memory of that process and its children sampled every 20 ms:

* **ingest**: ``omics ingest`` of every input into a Zarr store;
* **differential**: the proteome's limma moderated t of the study plan, from the store
  (``omics.steps.analysis.differential_proteomics``, Dask's threaded scheduler);
* **correlation**: the proteome within itself (``correlate``, top-10 partners and every pair
  with |r| >= 0.9, BH over all pairs);
* **network**: ``omics graph`` on the store (curated axis layer, the study's evidence, seeds
  ANXA6 + EGFR, 1,000 randomisations on a 2-worker LocalCluster; an empty randomisation
  cache, so they are computed);
* **pipeline**: the whole ``omics run`` of the study (its own Prefect server, LocalCluster
  and report), peak RSS summed over all of its processes.

Each line gives wall time, peak RSS and the ratio of the time to the previous scale's.

    python benchmarks/scaling.py [--xlarge] [--steps ingest differential correlation network
                                                      pipeline]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
OMICS = Path(sys.executable).with_name("omics")

_DIFFERENTIAL = """
import dask
from omics.io.study import load_study
from omics.steps.analysis import differential_proteomics
with dask.config.set(scheduler="threads", num_workers=2):
    differential_proteomics({store!r}, load_study({study!r}).analysis.proteomics)
"""

_CORRELATION = """
import dask
from omics.stats.correlation import correlate
from omics.steps.analysis import normalised_proteomics
values, _ = normalised_proteomics({store!r})
with dask.config.set(scheduler="threads", num_workers=2):
    found = correlate(values, top_k=10, min_abs_r=0.9)
print(found.n_tested, len(found.strong))
"""


def measured(command: list[str], env: dict | None = None, cwd: Path = ROOT
             ) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the process and its children) of a command."""
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    while process.poll() is None:
        try:
            rss = process.memory_info().rss + sum(
                child.memory_info().rss for child in process.children(recursive=True))
            peak = max(peak, rss)
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode:
        sys.exit(f"{' '.join(command[:3])} failed: {process.stderr.read()[-2000:]}")
    return seconds, peak / 2**20


def steps(folder: Path) -> dict[str, list[str]]:
    """The command of each step on the cohort in ``folder``."""
    study, store = str(folder / "study.yaml"), str(folder / "study.zarr")
    python = [sys.executable, "-c"]
    return {"ingest": [str(OMICS), "ingest", study, "--store", store],
            "differential": python + [_DIFFERENTIAL.format(store=store, study=study)],
            "correlation": python + [_CORRELATION.format(store=store)],
            "network": [str(OMICS), "graph", "--store", store, "--out",
                        str(folder / "network"), "--seeds", "ANXA6,EGFR", "--workers", "2"],
            "pipeline": [str(OMICS), "run", "--study", study, "--out", str(folder / "run")]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xlarge", action="store_true")
    parser.add_argument("--steps", nargs="+", default=["ingest", "differential", "correlation",
                                                       "network", "pipeline"])
    args = parser.parse_args()
    scales = ["small", "default", "large"] + (["xlarge"] if args.xlarge else [])
    previous: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="omics-scaling-"))
    try:
        for scale in scales:
            folder = work / scale
            seconds, _ = measured([str(OMICS), "simulate", str(folder), "--scale", scale])
            size = (folder / "proteomics_tmt.tsv").stat().st_size / 2**20
            print(f"{scale}: simulated in {seconds:.0f} s (proteome table {size:.0f} MB)",
                  flush=True)
            for name, command in steps(folder).items():
                if name not in args.steps and name != "ingest":  # the others read its store
                    continue
                # a fresh randomisation cache (and Prefect home: ./.omics) per step and scale
                environment = {**os.environ, "OMICS_AXIS_CACHE": str(folder / f"cache-{name}")}
                seconds, peak = measured(command, environment, cwd=folder)
                ratio = f", {seconds / previous[name]:.1f}x the previous scale" \
                    if name in previous else ""
                print(f"  {name}: {seconds:.1f} s, peak RSS {peak:.0f} MB{ratio}", flush=True)
                previous[name] = seconds
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
