"""Ingestion: read a study's inputs with their readers and write them into a study store.

Each ``stage_*`` function reads one input and writes one group of a *staging* store; the
staging store replaces the real one only when every input was read
(:class:`IngestTransaction`, used by :func:`ingest_study` and by the Prefect flow
``flows.ingest``, which runs the steps of :func:`plan_ingest` as tasks). A bad input
therefore never changes an existing store.

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> d = tempfile.mkdtemp()
>>> store = ingest_study(simulate_cohort(d, scale="small"), d + "/study.zarr")
>>> sorted(p.name for p in store.iterdir() if not p.name.startswith("."))
['clinical', 'proteomics', 'ptm', 'sample_map', 'tables', 'transcriptomics', 'zarr.json']
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import zarr

from omics.io import read_source
from omics.io.study import StudyConfig, load_study
from omics.steps.sample_map import link_samples
from omics.store import layout
from omics.store.atomic import discard_staging, new_staging_dir, replace_directory
from omics.store.input_keys import input_key, mark_group, recorded_key
from omics.store.provenance import provenance
from omics.store.writer import (
    create_store,
    ensure_parent_groups,
    feature_chunk_size,
    write_anndata,
    write_dataset,
    write_table,
)

__all__ = [
    "IngestStep",
    "IngestTransaction",
    "ingest_study",
    "plan_ingest",
    "ingest_source",
    "run_ingest_step",
    "stage_clinical",
    "stage_proteomics",
    "stage_ptm",
    "stage_table",
    "stage_transcriptomics",
]


@dataclass(frozen=True)
class IngestStep:
    """One input to read into one group of the store.

    ``kind`` is ``proteomics``, ``transcriptomics``, ``ptm``, ``clinical`` or ``table``;
    ``name`` the modality or table name (``None`` for proteomics and clinical); ``group``
    the store group.
    """

    kind: str
    name: str | None
    group: str

    @property
    def description(self) -> str:
        """``kind name``, for progress bars and logs."""
        return f"{self.kind} {self.name}" if self.name else self.kind


def plan_ingest(study: StudyConfig) -> list[IngestStep]:
    """The steps that ingest a study: one per input, in reading order.

    Examples
    --------
    >>> import tempfile
    >>> from omics.simulate import simulate_cohort
    >>> study = load_study(simulate_cohort(tempfile.mkdtemp(), scale="small"))
    >>> [step.group for step in plan_ingest(study)][:4]
    ['proteomics', 'transcriptomics/cells', 'transcriptomics/tumours', 'ptm/diglycine']
    >>> plan_ingest(study)[-1].description
    'table mechanism_assays'
    """
    steps = [IngestStep("proteomics", None, layout.PROTEOMICS)] if study.proteomics else []
    steps += [IngestStep("transcriptomics", m, layout.transcriptomics_group(m))
              for m in study.transcriptomics]
    steps += [IngestStep("ptm", m, layout.ptm_group(m)) for m in study.ptm]
    if study.clinical:
        steps.append(IngestStep("clinical", None, layout.CLINICAL))
    steps += [IngestStep("table", name, layout.table_group(name)) for name in study.tables]
    return steps


def _input_files(source) -> list[Path]:
    """The source's input files, recorded with their sha256 in provenance."""
    return [p for p in source.files() if p.is_file()]


def stage_proteomics(study: StudyConfig, staged: Path) -> dict:
    """Read the proteomics table into ``staged/proteomics``; returns its shape."""
    return _stage_dataset(study, study.proteomics, layout.PROTEOMICS, "proteomics", staged)


def stage_ptm(study: StudyConfig, modality: str, staged: Path) -> dict:
    """Read one PTM modality (sites) into ``staged/ptm/<modality>``; returns its shape."""
    return _stage_dataset(study, study.ptm[modality], layout.ptm_group(modality),
                          f"ptm/{modality}", staged)


def _stage_dataset(study: StudyConfig, source, group: str, label: str, staged: Path) -> dict:
    """Read a feature x sample Dataset input (proteins, sites) into ``staged/<group>``."""
    dataset = read_source(source)
    attrs = provenance(step=f"reader:{source.reader}", sources=_input_files(source),
                       parameters=source.model_dump(mode="json"))
    dataset.attrs.update(attrs)
    dataset["intensity"].attrs.update(attrs | {"units": "intensity (linear, as reported)"})
    rows = feature_chunk_size(dataset.sizes["sample"],
                              target_bytes=int(study.chunk_mb * 2**20))
    write_dataset(staged, group, dataset, chunk_size=rows)
    return {"modality": label, "features": dataset.sizes["feature"],
            "samples": dataset.sizes["sample"]}


def stage_transcriptomics(study: StudyConfig, modality: str, staged: Path) -> dict:
    """Read one expression modality into ``staged/transcriptomics/<modality>``."""
    source = study.transcriptomics[modality]
    adata = read_source(source)
    attrs = provenance(step=f"reader:{source.reader}", sources=_input_files(source),
                       parameters=source.model_dump(mode="json"))
    write_anndata(staged, layout.transcriptomics_group(modality), adata, attrs)
    return {"modality": f"transcriptomics/{modality}", "features": adata.n_vars,
            "samples": adata.n_obs}


def stage_clinical(study: StudyConfig, staged: Path) -> dict:
    """Read the clinical table into ``staged/clinical`` (dim ``subject``)."""
    source = study.clinical
    table = read_source(source)
    attrs = provenance(step=f"reader:{source.reader}", sources=_input_files(source),
                       parameters=source.model_dump(mode="json"))
    write_table(staged, layout.CLINICAL, table, dim="subject", index=source.id_column,
                attrs=attrs)
    return {"modality": "clinical", "features": table.shape[1], "samples": table.shape[0]}


def stage_table(study: StudyConfig, name: str, staged: Path) -> dict:
    """Read an extra table (e.g. viability) into ``staged/tables/<name>`` (dim ``row``)."""
    source = study.tables[name]
    table = read_source(source)
    attrs = provenance(step=f"reader:{source.reader}", sources=_input_files(source),
                       parameters=source.model_dump(mode="json"))
    write_table(staged, layout.table_group(name), table, dim="row", index=source.id_column,
                attrs=attrs)
    return {"modality": f"tables/{name}", "features": table.shape[1], "samples": table.shape[0]}


_STAGES = {"proteomics": stage_proteomics, "transcriptomics": stage_transcriptomics,
           "ptm": stage_ptm, "clinical": stage_clinical, "table": stage_table}
_NAMED_SOURCES = {"transcriptomics": "transcriptomics", "ptm": "ptm", "table": "tables"}


def ingest_source(study: StudyConfig, step: IngestStep):
    """The study input that ``step`` reads."""
    if step.kind == "proteomics":
        return study.proteomics
    if step.kind == "clinical":
        return study.clinical
    return getattr(study, _NAMED_SOURCES[step.kind])[step.name]


def run_ingest_step(study: StudyConfig, step: IngestStep, staged: str | Path,
                    previous: str | Path | None = None) -> dict:
    """Read one input into the staging store, or copy its group from the ``previous`` store
    when that group was read from the same files with the same parameters (same input key).

    Returns the step's summary (``modality``, ``features``, ``samples``, ``reused``).
    """
    staged = Path(staged)
    source = ingest_source(study, step)
    key = input_key(f"stage_{step.kind}", {"source": source.model_dump(mode="json"),
                                           "chunk_mb": study.chunk_mb},
                    [p for p in source.files() if p.exists()])
    if previous and recorded_key(previous, step.group) == key:
        ensure_parent_groups(staged, step.group)
        shutil.copytree(Path(previous) / step.group, staged / step.group)
        summary = json.loads(zarr.open_group(str(staged / step.group), mode="r")
                             .attrs["omics_stage_summary"])
        return {**summary, "reused": True}
    extra = (step.name,) if step.name else ()
    summary = _STAGES[step.kind](study, *extra, staged)
    mark_group(staged, step.group, key, omics_stage_summary=summary)
    return {**summary, "reused": False}


class IngestTransaction:
    """One staged-store transaction: inputs are read into a staging store beside ``store``,
    which replaces ``store`` only on :meth:`commit`; leaving the ``with`` block without a
    commit (an error, Ctrl-C) discards the staging store and leaves ``store`` as it was.

    The command line runs the steps in a loop, the Prefect flow as parallel tasks (passing
    :attr:`staged` and :attr:`previous`); both commit the same way, so a rerun behaves the
    same: unchanged inputs are copied, and the existing results move along (each records the
    input key it was computed from, so the analyses recompute only what changed).

    Examples
    --------
    >>> import tempfile
    >>> from omics.simulate import simulate_cohort
    >>> d = tempfile.mkdtemp()
    >>> study = load_study(simulate_cohort(d, scale="small"))
    >>> with IngestTransaction(study, d + "/s.zarr") as transaction:
    ...     done = [transaction.run(step) for step in plan_ingest(study)]
    ...     summary = transaction.commit(done)
    >>> summary["proteomics"]
    {'features': 674, 'samples': 22, 'reused': False}
    """

    def __init__(self, study: StudyConfig, store: str | Path, *,
                 keep_results: bool = True) -> None:
        self.study, self.store, self.keep_results = study, Path(store), keep_results
        self.previous: str = str(self.store) if (self.store / "zarr.json").exists() else ""
        self.staged: Path | None = None

    def __enter__(self) -> IngestTransaction:
        self.staged = new_staging_dir(self.store)
        create_store(self.staged, study_name=self.study.name)
        return self

    def run(self, step: IngestStep) -> dict:
        """Run one step in this process (the command line's way)."""
        return run_ingest_step(self.study, step, self.staged, self.previous or None)

    def commit(self, done: list[dict]) -> dict:
        """Link samples to subjects, carry the results over, swap the staging store in.

        Returns each modality's shape and whether it was reused, and the number of
        clinical subjects missing from each linked modality.
        """
        links = link_samples(self.study, self.staged)
        results = self.store / layout.RESULTS
        if self.keep_results and self.previous and results.exists():
            shutil.copytree(results, self.staged / layout.RESULTS)
        replace_directory(self.staged, self.store)
        self.staged = None
        summary = {s["modality"]: {"features": s["features"], "samples": s["samples"],
                                   "reused": s["reused"]} for s in done}
        summary["subjects_missing"] = {m: len(v) for m, v in links["missing"].items()}
        return summary

    def __exit__(self, *exc_info) -> None:
        if self.staged is not None:
            discard_staging(self.staged)
            self.staged = None


def ingest_study(study_path: str | Path, store: str | Path,
                 on_step: Callable[[str, int, int], None] | None = None) -> Path:
    """Read every input of ``study.yaml`` and replace ``store`` with the result, atomically.

    ``on_step(description, done, total)`` is called before each input (for progress bars).
    Groups whose input files and parameters are unchanged are copied from the existing store
    rather than read again; existing results are kept.
    """
    study = load_study(study_path)
    steps = plan_ingest(study)
    with IngestTransaction(study, store) as transaction:
        done = []
        for count, step in enumerate(steps):
            if on_step:
                on_step(step.description, count, len(steps))
            done.append(transaction.run(step))
        transaction.commit(done)
    return Path(store)
