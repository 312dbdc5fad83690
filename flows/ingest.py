"""Prefect flow: read a study's inputs into a staging store, then swap it in atomically."""

from __future__ import annotations

import shutil
from pathlib import Path

from prefect import flow, task

from flows.runtime import IO_RETRIES, record_flow_run
from omics.io.study import load_study
from omics.steps import ingest
from omics.steps.sample_map import link_samples
from omics.store import layout
from omics.store.atomic import discard_staging, replace_directory

__all__ = ["ingest_study"]


@task(**IO_RETRIES)
def stage_input(study_yaml: str, step: str, extra: tuple, staged: str, previous: str) -> dict:
    """Read one input into the staging store, or copy its group from the ``previous`` store
    when its files and parameters are unchanged."""
    record_flow_run()
    study = load_study(study_yaml)
    return ingest.run_step(study, step, extra, Path(staged), previous or None)


@flow(name="omics-ingest")
def ingest_study(study_yaml: str, store: str, keep_results: bool = False) -> dict:
    """Ingest every input of ``study_yaml`` into the Zarr store at ``store``.

    Inputs are read in parallel tasks into a staging store beside ``store``; only when all
    succeed does it replace ``store``. Inputs whose files and parameters are unchanged are
    copied from the existing store instead of read again. With ``keep_results``, the old
    store's results move along (each records the input key it was computed from, so the
    analysis flow recomputes only those whose inputs changed). Returns the shape of each
    modality and which were reused.
    """
    record_flow_run()
    study = load_study(study_yaml)
    staged = ingest.begin_ingest(study, store)
    previous = store if (Path(store) / "zarr.json").exists() else ""
    try:
        futures = [stage_input.submit(study_yaml, step, extra, str(staged), previous)
                   for step, extra in ingest.staging_steps(study)]
        shapes = [f.result() for f in futures]
        links = link_samples(study, staged)
        if keep_results and previous and (Path(store) / layout.RESULTS).exists():
            shutil.copytree(Path(store) / layout.RESULTS, staged / layout.RESULTS)
    except BaseException:
        discard_staging(staged)
        raise
    replace_directory(staged, Path(store))
    summary = {s["modality"]: {"features": s["features"], "samples": s["samples"],
                               "reused": s["reused"]} for s in shapes}
    summary["subjects_missing"] = {m: len(v) for m, v in links["missing"].items()}
    return summary
