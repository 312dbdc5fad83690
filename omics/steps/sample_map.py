"""The study's sample map: which sample of which modality belongs to which subject.

Like MultiAssayExperiment's ``sampleMap``: every modality whose sample metadata has the
study's subject column (``subject_id`` by default) is linked to the clinical table's subjects.
A sample naming a subject the clinical table lacks is an error; subjects without a sample in
some modality are kept and reported. The map is stored as the ``sample_map`` table group.

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> from omics.steps.ingest import ingest_study
>>> d = tempfile.mkdtemp()
>>> store = ingest_study(simulate_cohort(d, scale="small"), d + "/s.zarr")
>>> from omics.store import open_table
>>> open_table(store, "sample_map").groupby("modality").size().to_dict()
{'transcriptomics/tumours': 90}
>>> subjects_missing(store)
{'transcriptomics/tumours': []}
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from omics.errors import OmicsInputError
from omics.io.study import StudyConfig
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_proteomics, open_table, open_transcriptomics
from omics.store.writer import write_table

__all__ = ["SAMPLE_MAP", "link_samples", "subjects_missing"]

#: Store group of the sample map.
SAMPLE_MAP = "sample_map"


def _sample_metadata(study: StudyConfig, staged: Path):
    """``(modality, samples table)`` for every modality in the staging store."""
    if study.proteomics:
        data = open_proteomics(staged)
        columns = {name: data[name].values for name, coord in data.coords.items()
                   if coord.dims == ("sample",)}
        yield layout.PROTEOMICS, pd.DataFrame(columns).set_index("sample")
    for modality in study.transcriptomics:
        yield layout.transcriptomics_group(modality), open_transcriptomics(staged, modality).obs


def link_samples(study: StudyConfig, staged: Path) -> dict:
    """Build, check and store the sample map; returns subjects per modality and the
    subjects missing from each linked modality."""
    column = study.subject_column
    rows = []
    for modality, samples in _sample_metadata(study, staged):
        if column in samples.columns:
            rows += [{"modality": modality, "sample": str(sample), "subject": str(subject)}
                     for sample, subject in samples[column].items()]
    table = pd.DataFrame(rows, columns=["modality", "sample", "subject"])
    summary: dict = {"linked": sorted(set(table["modality"])), "missing": {}}
    if table.empty:
        return summary
    if study.clinical:
        subjects = set(open_table(staged, layout.CLINICAL).index)
        unknown = table[~table["subject"].isin(subjects)]
        if len(unknown):
            row = unknown.iloc[0]
            source = dict(_sources(study))[row["modality"]]
            raise OmicsInputError(source, f"subject {row['subject']!r} of sample "
                                  f"{row['sample']!r}",
                                  f"a subject listed in {Path(study.clinical.table).name}")
    table.index = pd.Index([f"{m}:{s}" for m, s in zip(table["modality"], table["sample"],
                                                        strict=True)], name="row")
    attrs = provenance(step="ingest:sample_map", parameters={"subject_column": column})
    write_table(staged, SAMPLE_MAP, table.reset_index(), dim="row", index="row", attrs=attrs)
    summary["missing"] = subjects_missing(staged)
    return summary


def subjects_missing(store: str | Path) -> dict[str, list[str]]:
    """Per linked modality, the clinical subjects that have no sample in it."""
    store = Path(store)
    if not (store / SAMPLE_MAP / "zarr.json").exists() or \
            not (store / layout.CLINICAL / "zarr.json").exists():
        return {}
    table = open_table(store, SAMPLE_MAP)
    subjects = set(open_table(store, layout.CLINICAL).index)
    return {modality: sorted(subjects - set(members["subject"]))
            for modality, members in table.groupby("modality")}


def _sources(study: StudyConfig):
    if study.proteomics:
        yield layout.PROTEOMICS, study.proteomics.sample_file()
    for modality, source in study.transcriptomics.items():
        yield layout.transcriptomics_group(modality), source.sample_file()
