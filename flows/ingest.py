"""Prefect flow: read a study's inputs into a staging store, then swap it in atomically.

The transaction and the steps are :mod:`omics.steps.ingest`'s, shared with ``omics ingest``;
here the steps run as parallel tasks.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.futures import wait

from flows.runtime import IO_RETRIES, records_flow_run
from omics.io.study import load_study
from omics.steps.ingest import IngestStep, IngestTransaction, plan_ingest, run_ingest_step

__all__ = ["ingest_study"]


@task(**IO_RETRIES)
@records_flow_run
def stage_input(study_yaml: str, step: IngestStep, staged: str, previous: str) -> dict:
    """Read one input into the staging store, or copy its group from the ``previous`` store
    when its files and parameters are unchanged."""
    return run_ingest_step(load_study(study_yaml), step, staged, previous or None)


@flow(name="omics-ingest")
@records_flow_run
def ingest_study(study_yaml: str, store: str, keep_results: bool = True) -> dict:
    """Ingest every input of ``study_yaml`` into the Zarr store at ``store``.

    Inputs are read in parallel tasks into a staging store beside ``store``; only when all
    succeed does it replace ``store``. Inputs whose files and parameters are unchanged are
    copied from the existing store instead of read again, and the old store's results move
    along unless ``keep_results`` is false (each records the input key it was computed
    from, so the analysis flow recomputes only those whose inputs changed). Returns the
    shape of each modality and which were reused.
    """
    study = load_study(study_yaml)
    with IngestTransaction(study, store, keep_results=keep_results) as transaction:
        futures = [stage_input.submit(study_yaml, step, str(transaction.staged),
                                      transaction.previous) for step in plan_ingest(study)]
        wait(futures)  # all finished before a failure discards the staging store
        return transaction.commit([f.result() for f in futures])
