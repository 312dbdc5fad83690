"""The input key of every analysis of a study's plan: its plan section and the keys of the
store groups (and upstream analyses) it reads. An analysis whose result group records the
same key is up to date.

Examples
--------
>>> import tempfile, pathlib
>>> from omics.simulate import simulate_cohort
>>> from omics.steps.ingest import ingest_study
>>> from omics.io import load_study
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> study = simulate_cohort(d / "c", scale="small")
>>> store = ingest_study(study, d / "s.zarr")
>>> keys = analysis_keys(store, load_study(study).analysis)
>>> keys["differential_proteomics"][0], len(keys["differential_proteomics"][1])
('results/differential_proteomics', 64)
"""

from __future__ import annotations

from pathlib import Path

from omics.io.study import AnalysisPlan
from omics.steps.analysis import differential_transcriptomics_name
from omics.steps.pathways import pathway_files
from omics.steps.ptm import ptm_analysis_name
from omics.steps.sample_map import SAMPLE_MAP
from omics.store import layout
from omics.store.input_keys import input_key, recorded_key
from omics.store.provenance import file_sha256

__all__ = ["analysis_keys"]


def _groups(store: Path, parent: str) -> list[str]:
    folder = store / parent
    return sorted(f"{parent}/{p.name}" for p in folder.iterdir() if (p / "zarr.json").exists()) \
        if folder.exists() else []


def analysis_keys(store: str | Path, plan: AnalysisPlan) -> dict[str, tuple[str, str]]:
    """``{analysis: (result group, key)}`` for every analysis ``plan`` asks for."""
    store = Path(store)

    def upstream(*groups: str) -> list[str]:
        return [f"{g}={recorded_key(store, g) or ''}" for g in groups]

    def entry(name: str, section, groups: list[str], more: tuple = ()) -> tuple[str, str]:
        return (f"{layout.RESULTS}/{name}",
                input_key(name, section.model_dump(mode="json"), upstream=[*upstream(*groups),
                                                                           *more]))

    keys: dict[str, tuple[str, str]] = {}
    if plan.proteomics:
        keys["differential_proteomics"] = entry("differential_proteomics", plan.proteomics,
                                                [layout.PROTEOMICS])
    for modality, section in plan.transcriptomics.items():
        name = differential_transcriptomics_name(modality)
        keys[name] = entry(name, section, [layout.transcriptomics_group(modality)])
    for modality, section in plan.ptm.items():
        # the protein side is fitted with the proteomics plan's samples and preprocessing
        name = ptm_analysis_name(modality)
        keys[name] = entry(name, section, [layout.ptm_group(modality), layout.PROTEOMICS],
                           more=(plan.proteomics.model_dump_json() if plan.proteomics
                                 else "",))
    if plan.protein_mrna:
        section = plan.protein_mrna
        rna = differential_transcriptomics_name(section.rna_modality)
        protein_group, protein_analysis = (
            (layout.PROTEOMICS, "differential_proteomics") if section.protein_modality is None
            else (layout.transcriptomics_group(section.protein_modality),
                  differential_transcriptomics_name(section.protein_modality)))
        keys["protein_mrna"] = entry(
            "protein_mrna", section,
            [protein_group, layout.transcriptomics_group(section.rna_modality)],
            more=tuple(keys[k][1] for k in (protein_analysis, rna) if k in keys))
    if plan.clinical:
        keys["clinical"] = entry("clinical", plan.clinical, [
            layout.CLINICAL, SAMPLE_MAP, *_groups(store, layout.TRANSCRIPTOMICS)])
    if plan.dose_response:
        keys["dose_response"] = entry("dose_response", plan.dose_response,
                                      _groups(store, layout.TABLES))
    if plan.mechanism:
        keys["mechanism"] = entry("mechanism", plan.mechanism,
                                  [layout.table_group(plan.mechanism.table)])
    if plan.gene_pairs:
        keys["gene_pairs"] = entry("gene_pairs", plan.gene_pairs,
                                   [layout.transcriptomics_group(plan.gene_pairs.modality)])
    differential = tuple(key for name, (_, key) in keys.items()
                         if name.startswith("differential_"))  # what the next two read
    if plan.factors:
        keys["factors"] = entry("factors", plan.factors,
                                [layout.PROTEOMICS, layout.CLINICAL,
                                 *_groups(store, layout.TRANSCRIPTOMICS)], more=differential)
    if plan.pathways:
        files = tuple(f"{path.name}={file_sha256(path)}" for path in
                      pathway_files(plan.pathways) if path.exists())
        keys["pathways"] = entry("pathways", plan.pathways, [], more=(*differential, *files))
    return keys
