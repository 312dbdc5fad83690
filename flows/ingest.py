"""Prefect flow: read a study's inputs into a staging store, then swap it in atomically."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task

from flows.runtime import IO_RETRIES, record_flow_run
from omics import ingest
from omics.io.study import load_study
from omics.sample_map import link_samples
from omics.store.atomic import discard_staging, replace_directory

__all__ = ["ingest_study"]


@task(**IO_RETRIES)
def stage_input(study_yaml: str, step: str, extra: tuple, staged: str) -> dict:
    """Read one input and write its group into the staging store."""
    record_flow_run()
    study = load_study(study_yaml)
    return getattr(ingest, step)(study, *extra, Path(staged))


@flow(name="omics-ingest")
def ingest_study(study_yaml: str, store: str) -> dict:
    """Ingest every input of ``study_yaml`` into the Zarr store at ``store``.

    Inputs are read in parallel tasks into a staging store beside ``store``; only when all
    succeed does it replace ``store``. Returns the shape of each modality.
    """
    record_flow_run()
    study = load_study(study_yaml)
    staged = ingest.begin_ingest(study, store)
    try:
        futures = [stage_input.submit(study_yaml, step, extra, str(staged))
                   for step, extra in ingest.staging_steps(study)]
        shapes = [f.result() for f in futures]
        links = link_samples(study, staged)
    except BaseException:
        discard_staging(staged)
        raise
    replace_directory(staged, Path(store))
    summary = {s["modality"]: {"features": s["features"], "samples": s["samples"]}
               for s in shapes}
    summary["subjects_missing"] = {m: len(v) for m, v in links["missing"].items()}
    return summary
