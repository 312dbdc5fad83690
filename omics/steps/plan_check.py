"""Check a study's analysis plan against its inputs before anything runs.

``omics validate`` (and ``omics run`` before it starts) reads every input and then checks the
plan on what the readers returned: every section names a modality the study has, sample
selections, designs and contrasts work on the sample sheet (and use only coefficients the
selected samples can estimate), preprocessing steps name existing columns and choose some
features, and the clinical, gene and dose-response sections name existing columns and
genes. The first problem is one :class:`~omics.errors.OmicsInputError` line naming the plan
key, e.g. ``study.yaml: found analysis.proteomics.design: ...; expected ...``.

Examples
--------
>>> import tempfile
>>> from omics.simulate import simulate_cohort
>>> from omics.io.registry import read_source
>>> from omics.steps.ingest import ingest_source, plan_ingest
>>> study = load_study(simulate_cohort(tempfile.mkdtemp(), scale="small"))
>>> plan = study.analysis.model_copy(update={"proteomics": study.analysis.proteomics.model_copy(
...     update={"design": "~ 0 + conditon"})})
>>> inputs = {s.group: read_source(ingest_source(study, s)) for s in plan_ingest(study)}
>>> check_plan(study.model_copy(update={"analysis": plan}), inputs)
Traceback (most recent call last):
omics.errors.OmicsInputError: ...study.yaml: found analysis.proteomics.design: no sample column 'conditon'; expected one of plex, channel, condition, compartment, replicate, culture, reference
"""  # noqa: E501

from __future__ import annotations

import re
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.anndata_convert import coordinate_frame, feature_matrix
from omics.io.gmt import read_gmt
from omics.io.pathway_weights import read_pathway_weights
from omics.io.plan_steps import COUNTS_STEPS
from omics.io.registry import read_source
from omics.io.study import DifferentialPlan, StudyConfig, load_study
from omics.stats.design import contrast_matrix, design_matrix
from omics.stats.limma import estimable_columns
from omics.stats.selection import select_samples
from omics.steps.ingest import ingest_source, plan_ingest
from omics.steps.preprocessing import feature_mask
from omics.steps.ptm import protein_side_plan
from omics.store import layout

__all__ = ["check_plan", "validate_study"]


class _Problem(Exception):
    def __init__(self, key: str, found: str, expected: str) -> None:
        super().__init__(found)
        self.key, self.found, self.expected = key, found, expected


def _sheet_and_matrix(value) -> tuple[pd.DataFrame, xr.DataArray]:
    """The sample sheet and feature matrix of a read input, as the analysis steps see them."""
    if isinstance(value, xr.Dataset):
        return coordinate_frame(value, "sample"), value["intensity"]
    matrix, sheet = feature_matrix(value)
    return sheet, matrix


def _columns(frame: pd.DataFrame, names, key: str) -> None:
    for name in names:
        if name not in frame.columns:
            raise _Problem(key, f"no column {name!r}",
                           "one of " + ", ".join(map(str, frame.columns)))


def _selection(sheet: pd.DataFrame, query: str | None, key: str) -> pd.DataFrame:
    try:
        chosen = sheet.loc[select_samples(sheet, query).to_numpy()]
    except OmicsInputError as exc:
        raise _Problem(key, exc.found, exc.expected) from None
    if chosen.empty:
        raise _Problem(key, f"{query!r}, which selects no sample", "a selection of samples")
    return chosen


def _differential(section: str, plan: DifferentialPlan, value, scale: str) -> None:
    """Check one differential section; ``scale`` is what its values are (proteomics
    intensities are ``linear``)."""
    sheet, matrix = _sheet_and_matrix(value)
    if plan.method == "voom" and scale != "counts":
        raise _Problem(f"{section}.method", f"voom on values of scale {scale}",
                       "voom on counts; method moderated for other values")
    chosen = _selection(sheet, plan.samples, f"{section}.samples")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", plan.design.split("~", 1)[-1]))
    missing = [w for w in sorted(words) if w not in sheet.columns and w not in ("C", "0", "1")]
    if missing:
        raise _Problem(f"{section}.design", f"no sample column {missing[0]!r}",
                       "one of " + ", ".join(map(str, sheet.columns)))
    try:
        design = design_matrix(chosen, plan.design)
        weights = contrast_matrix(design.columns, plan.contrasts)
    except OmicsInputError as exc:
        key = "design" if exc.path == "design" else "contrasts"
        raise _Problem(f"{section}.{key}", exc.found, exc.expected) from None
    keep = estimable_columns(design.to_numpy())
    for name in weights.columns:
        used = weights.index[(weights[name] != 0).to_numpy() & ~keep]
        if len(used):
            raise _Problem(f"{section}.contrasts.{name}",
                           f"non-estimable coefficient {used[0]!r} on the selected samples",
                           "contrasts of estimable coefficients: "
                           + ", ".join(design.columns[keep]))
    for index, step in enumerate(plan.preprocess or []):
        key = f"{section}.preprocess.{index}"
        reference = getattr(step, "reference", None)
        if hasattr(reference, "mask"):
            try:
                feature_mask(matrix, reference)
            except OmicsInputError as exc:
                raise _Problem(key, exc.found, exc.expected) from None
        if step.step in COUNTS_STEPS and scale != "counts":
            raise _Problem(key, f"step {step.step} on values of scale {scale}",
                           "counts steps (" + ", ".join(COUNTS_STEPS) + ") on counts only")
        columns = [getattr(step, name) for name in ("plex", "group", "batch")
                   if getattr(step, name, None) is not None]
        columns += getattr(step, "covariates", [])
        if step.step == "combat" and step.batch not in words:
            raise _Problem(f"{section}.design", f"{plan.design!r} without the ComBat batch "
                           f"{step.batch!r}", f"the batch in the design too (+ {step.batch}): "
                           "ComBat's adjustment uses degrees of freedom a test without it "
                           "does not count")
        if isinstance(reference, str):
            columns.append(reference)
        _columns(sheet, columns, key)


def _genes(value, genes, key: str) -> None:
    present = set(np.asarray(value.var_names).astype(str)) if isinstance(value, ad.AnnData) \
        else set(np.asarray(value["feature"].values).astype(str))
    absent = [g for g in genes if g not in present]
    if absent:
        raise _Problem(key, f"gene {absent[0]!r}, which the modality does not measure",
                       "genes of the modality")


def _pathways(plan) -> None:
    """The pathway section: something differential to rank, and readable gene-set and weight
    files."""
    key = "analysis.pathways"
    if not plan.proteomics and not plan.transcriptomics:
        raise _Problem(key, "a pathway analysis without a differential analysis",
                       "analysis.proteomics or analysis.transcriptomics to rank genes by")
    for path in plan.pathways.gene_sets:  # a reader's error names the file and line
        read_gmt(path)
    if plan.pathways.weights is not None:
        read_pathway_weights(plan.pathways.weights)


def _check(study: StudyConfig, inputs: dict[str, object]) -> None:
    plan = study.analysis

    def modality(name: str, key: str):
        group = layout.transcriptomics_group(name)
        if group not in inputs:
            raise _Problem(key, f"modality {name!r}",
                           "one of " + ", ".join(study.transcriptomics) or "a transcriptomics "
                           "modality of the study")
        if study.transcriptomics[name].scale is None:
            raise _Problem(f"transcriptomics.{name}.scale", "no declared scale for a modality "
                           f"that {key} analyses", "scale: counts, log2, linear or ratio "
                           "(counts are never assumed)")
        return inputs[group]

    if plan.proteomics:
        if layout.PROTEOMICS not in inputs:
            raise _Problem("analysis.proteomics", "a proteomics analysis",
                           "a proteomics input in the study")
        _differential("analysis.proteomics", plan.proteomics, inputs[layout.PROTEOMICS],
                      "linear")
    for name, section in plan.transcriptomics.items():
        key = f"analysis.transcriptomics.{name}"
        _differential(key, section, modality(name, key), study.transcriptomics[name].scale)
    for name, section in plan.ptm.items():
        key = f"analysis.ptm.{name}"
        if layout.ptm_group(name) not in inputs:
            raise _Problem(key, f"modality {name!r}", "one of " + ", ".join(study.ptm)
                           if study.ptm else "a ptm input of the study")
        if layout.PROTEOMICS not in inputs:
            raise _Problem(key, "a PTM analysis without proteomics",
                           "a proteomics input: sites are tested net of their protein")
        _differential(key, section, inputs[layout.ptm_group(name)], "linear")
        _differential(f"{key} (protein side)", protein_side_plan(section, plan.proteomics),
                      inputs[layout.PROTEOMICS], "linear")
    if plan.protein_mrna:
        key = "analysis.protein_mrna"
        section = plan.protein_mrna
        rna_sheet, _ = _sheet_and_matrix(modality(section.rna_modality, f"{key}.rna_modality"))
        if section.protein_modality is None:
            if layout.PROTEOMICS not in inputs:
                raise _Problem(key, "a protein-mRNA comparison without proteomics",
                               "a proteomics input, or protein_modality: <modality>")
            protein_sheet, _ = _sheet_and_matrix(inputs[layout.PROTEOMICS])
        else:
            protein_sheet, _ = _sheet_and_matrix(modality(section.protein_modality,
                                                          f"{key}.protein_modality"))
        if section.pair_by is None:
            if not protein_sheet.index.astype(str).isin(rna_sheet.index.astype(str)).any():
                raise _Problem(f"{key}.pair_by", "no sample id shared by the protein and mRNA "
                               "samples", "pair_by: <a sample-sheet column of both>")
        else:
            _columns(protein_sheet, [section.pair_by], f"{key}.pair_by")
            _columns(rna_sheet, [section.pair_by], f"{key}.pair_by")
        _selection(protein_sheet, section.protein_samples, f"{key}.protein_samples")
    if plan.clinical:
        key = "analysis.clinical"
        clinical = inputs.get(layout.CLINICAL)
        if clinical is None:
            raise _Problem(key, "a clinical analysis", "a clinical input in the study")
        section = plan.clinical
        _selection(clinical, section.subjects, f"{key}.subjects")
        names = [c for c in (section.biomarker, section.response) if c is not None]
        names += [*section.covariates, *[c for pair in section.score_pairs for c in pair]]
        if section.survival:
            names += [section.survival.time, section.survival.event]
        _columns(clinical, names, key)
        if section.genes:
            expression = modality(section.genes.modality, f"{key}.genes.modality")
            _genes(expression, section.genes.genes, f"{key}.genes.genes")
            sheet, _ = _sheet_and_matrix(expression)
            column = section.genes.subject_column
            subjects = sheet.index if column is None else (
                _columns(sheet, [column], f"{key}.genes.subject_column") or sheet[column])
            id_column = getattr(study.clinical, "id_column", None)
            ids = clinical[id_column] if id_column in clinical.columns else clinical.index
            if not pd.Index(subjects.astype(str)).isin(pd.Index(ids).astype(str)).any():
                raise _Problem(f"{key}.genes.subject_column", "no sample linked to a clinical "
                               f"subject by {'the sample ids' if column is None else column}",
                               "sample ids (subject_column: null) or a sample column holding "
                               "the clinical ids")
    if plan.pathways:
        _pathways(plan)
    if plan.factors:
        key = "analysis.factors"
        section = plan.factors
        sheets = []
        for name in section.modalities:
            if name == "proteomics":
                if layout.PROTEOMICS not in inputs:
                    raise _Problem(f"{key}.modalities", "modality 'proteomics'",
                                   "a proteomics input in the study")
                sheet, _ = _sheet_and_matrix(inputs[layout.PROTEOMICS])
            else:
                sheet, _ = _sheet_and_matrix(modality(name, f"{key}.modalities"))
            if section.pair_by is not None:
                _columns(sheet, [section.pair_by], f"{key}.pair_by")
            if name in section.samples:
                _selection(sheet, section.samples[name], f"{key}.samples.{name}")
            sheets.append(sheet)
        unknown = [m for m in section.samples if m not in section.modalities]
        if unknown:
            raise _Problem(f"{key}.samples", f"modality {unknown[0]!r}",
                           "one of the factor modalities " + ", ".join(section.modalities))
        available = set().union(*(map(str, s.columns) for s in sheets))
        clinical = inputs.get(layout.CLINICAL)
        if clinical is not None:
            available |= set(map(str, clinical.columns))
        wanted = [*section.categorical, *section.numeric,
                  *([section.survival.time, section.survival.event] if section.survival
                    else [])]
        missing = [c for c in wanted if c not in available]
        if missing:
            raise _Problem(key, f"no sample or clinical column {missing[0]!r}",
                           "one of " + ", ".join(sorted(available)))
    if plan.gene_pairs:
        key = "analysis.gene_pairs"
        _genes(modality(plan.gene_pairs.modality, f"{key}.modality"),
               [g for pair in plan.gene_pairs.pairs for g in pair], f"{key}.pairs")
    if plan.dose_response:
        key = "analysis.dose_response"
        section = plan.dose_response
        table = inputs.get(layout.table_group(section.table))
        if table is None:
            raise _Problem(f"{key}.table", f"table {section.table!r}",
                           "one of the study's tables: " + ", ".join(study.tables))
        _columns(table, [section.condition, section.dose, section.response], key)
        if section.combination:
            combination = inputs.get(layout.table_group(section.combination.table))
            if combination is None:
                raise _Problem(f"{key}.combination.table", repr(section.combination.table),
                               "one of the study's tables: " + ", ".join(study.tables))
            _columns(combination, [section.combination.dose_a, section.combination.dose_b,
                                   section.combination.response], f"{key}.combination")


def check_plan(study: StudyConfig, inputs: dict[str, object]) -> None:
    """Check the analysis plan of ``study`` on its read ``inputs`` (:func:`read_inputs`).

    Parameters
    ----------
    study
        The loaded study (:func:`omics.io.study.load_study`).
    inputs
        What its readers returned, by store group.

    Raises
    ------
    OmicsInputError
        The first problem, naming the plan key (``analysis.proteomics.design``, ...).
    """
    try:
        _check(study, inputs)
    except _Problem as problem:
        raise OmicsInputError(study.path or "study.yaml", f"{problem.key}: {problem.found}",
                              problem.expected) from None


def validate_study(study_path: str | Path) -> list[dict]:
    """Run every reader of ``study.yaml`` and check its plan, without writing anything.

    Parameters
    ----------
    study_path
        The study description.

    Returns
    -------
    list of dict
        One ``{"input", "reader", "shape"}`` per input. The first problem raises
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
    report, inputs = [], {}
    for step in plan_ingest(study):
        source = ingest_source(study, step)
        value = inputs[step.group] = read_source(source)
        shape = tuple(value.sizes.values()) if hasattr(value, "sizes") else tuple(value.shape)
        report.append({"input": step.group, "reader": source.reader, "shape": shape})
    check_plan(study, inputs)
    return report
