"""Ingestion: read a study's inputs with their readers and write them into a study store.

Each ``stage_*`` function reads one input and writes one group of a *staging* store; the
staging store replaces the real one only when every input was read
(:func:`ingest_study`, or the Prefect flow ``flows.ingest``, which runs the same steps as
tasks). A bad input therefore never changes an existing store.

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> d = tempfile.mkdtemp()
>>> store = ingest_study(simulate_cohort(d, scale="small"), d + "/study.zarr")
>>> sorted(p.name for p in store.iterdir() if not p.name.startswith("."))
['clinical', 'proteomics', 'sample_map', 'tables', 'transcriptomics', 'zarr.json']
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
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
    "begin_ingest",
    "ingest_study",
    "run_step",
    "stage_clinical",
    "stage_proteomics",
    "stage_table",
    "stage_transcriptomics",
    "staging_steps",
    "validate_study",
]


def begin_ingest(study: StudyConfig, store: str | Path) -> Path:
    """Create an empty staging store beside ``store`` and return its path."""
    staged = new_staging_dir(store)
    create_store(staged, study_name=study.name)
    return staged


def _input_files(source) -> list[Path]:
    """The source's input files, recorded with their sha256 in provenance."""
    return [p for p in source.files() if p.is_file()]


def stage_proteomics(study: StudyConfig, staged: Path) -> dict:
    """Read the proteomics table into ``staged/proteomics``; returns its shape."""
    source = study.proteomics
    dataset = read_source(source)
    attrs = provenance(step=f"reader:{source.reader}", sources=_input_files(source),
                       parameters=source.model_dump(mode="json"))
    dataset.attrs.update(attrs)
    dataset["intensity"].attrs.update(attrs | {"units": "intensity (linear, as reported)"})
    rows = feature_chunk_size(dataset.sizes["sample"],
                              target_bytes=int(study.chunk_mb * 2**20))
    write_dataset(staged, layout.PROTEOMICS, dataset, chunk_size=rows)
    return {"modality": "proteomics", "features": dataset.sizes["feature"],
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


def staging_steps(study: StudyConfig) -> list[tuple[str, tuple]]:
    """The staging steps a study needs, as ``(function name, extra arguments)`` pairs."""
    steps: list[tuple[str, tuple]] = []
    if study.proteomics:
        steps.append(("stage_proteomics", ()))
    steps += [("stage_transcriptomics", (m,)) for m in study.transcriptomics]
    if study.clinical:
        steps.append(("stage_clinical", ()))
    steps += [("stage_table", (name,)) for name in study.tables]
    return steps


def _step_source(study: StudyConfig, name: str, extra: tuple):
    if name == "stage_proteomics":
        return layout.PROTEOMICS, study.proteomics
    if name == "stage_transcriptomics":
        return layout.transcriptomics_group(extra[0]), study.transcriptomics[extra[0]]
    if name == "stage_clinical":
        return layout.CLINICAL, study.clinical
    return layout.table_group(extra[0]), study.tables[extra[0]]


def run_step(study: StudyConfig, name: str, extra: tuple, staged: Path,
             previous: str | Path | None = None) -> dict:
    """Run one staging step, or copy its group from the ``previous`` store when that group
    was read from the same files with the same parameters (same input key).

    Returns the step's summary (``modality``, ``features``, ``samples``, ``reused``).
    """
    group, source = _step_source(study, name, extra)
    key = input_key(name, {"source": source.model_dump(mode="json"),
                           "chunk_mb": study.chunk_mb}, [p for p in source.files()
                                                         if p.exists()])
    if previous is not None and recorded_key(previous, group) == key:
        ensure_parent_groups(staged, group)
        shutil.copytree(Path(previous) / group, staged / group)
        summary = json.loads(zarr.open_group(str(staged / group), mode="r")
                             .attrs["omics_stage_summary"])
        return {**summary, "reused": True}
    summary = globals()[name](study, *extra, staged)
    mark_group(staged, group, key, omics_stage_summary=summary)
    return {**summary, "reused": False}


def ingest_study(study_path: str | Path, store: str | Path,
                 on_step: Callable[[str, int, int], None] | None = None) -> Path:
    """Read every input of ``study.yaml`` and replace ``store`` with the result, atomically.

    ``on_step(description, done, total)`` is called before each input (for progress bars).
    Groups whose input files and parameters are unchanged are copied from the existing store
    rather than read again.
    """
    study = load_study(study_path)
    staged = begin_ingest(study, store)
    steps = staging_steps(study)
    try:
        for done, (name, extra) in enumerate(steps):
            if on_step:
                on_step(f"{name.removeprefix('stage_')} {' '.join(extra)}".strip(), done,
                        len(steps))
            run_step(study, name, extra, staged, store if Path(store).exists() else None)
        link_samples(study, staged)
    except BaseException:
        discard_staging(staged)
        raise
    replace_directory(staged, Path(store))
    return Path(store)


def validate_study(study_path: str | Path) -> list[dict]:
    """Run every reader and check of ``study.yaml`` without writing anything.

    Returns one ``{"input", "reader", "shape"}`` per input; the first problem raises
    :class:`~omics.errors.OmicsInputError`, as ``omics ingest`` would.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "v.csv").write_text("dose,viability\\n0,100\\n1,50\\n")
    >>> _ = (d / "study.yaml").write_text("name: x\\ntables: {viability: {table: v.csv}}\\n")
    >>> validate_study(d / "study.yaml")
    [{'input': 'tables/viability', 'reader': 'table', 'shape': (2, 2)}]
    """
    study = load_study(study_path)
    sources = ([("proteomics", study.proteomics)] if study.proteomics else []) + [
        (layout.transcriptomics_group(m), s) for m, s in study.transcriptomics.items()] + (
        [(layout.CLINICAL, study.clinical)] if study.clinical else []) + [
        (layout.table_group(name), s) for name, s in study.tables.items()]
    report = []
    for name, source in sources:
        value = read_source(source)
        shape = tuple(value.sizes.values()) if hasattr(value, "sizes") else tuple(value.shape)
        report.append({"input": name, "reader": source.reader, "shape": shape})
    return report
