"""The study description (``study.yaml``): input files, their readers and the analysis plan.

Paths in the file are relative to the file's own folder. Unknown keys are errors, so a typo
does not silently drop an input.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "study.yaml"
>>> _ = p.write_text("name: demo\\nclinical: {table: clinical.csv, id_column: subject_id}\\n")
>>> study = load_study(p)
>>> study.clinical.table.name, study.clinical.reader
('clinical.csv', 'table')
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from omics.errors import OmicsInputError
from omics.io.schema import ColumnSpec

__all__ = [
    "ClinicalPlan",
    "CombinationPlan",
    "CountsSource",
    "DifferentialPlan",
    "DoseResponsePlan",
    "GeneClinicalPlan",
    "ProteinMrnaPlan",
    "ProteomicsSource",
    "StudyConfig",
    "SurvivalPlan",
    "TableSource",
    "load_study",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProteomicsSource(_Strict):
    """A proteomics report and how to read it.

    ``wide_table`` needs ``samples`` (a sample sheet); ``paw`` and
    ``maxquant_protein_groups`` may have one (its ``sample`` column names the channels or
    samples); ``proteome_discoverer_psm`` needs ``annotation`` (MSstatsTMT style).
    ``hgnc`` (the HGNC table) adds approved gene symbols.
    """

    reader: Literal["wide_table", "paw", "maxquant_protein_groups", "maxquant_evidence",
                    "proteome_discoverer_psm"] = "wide_table"
    table: Path
    samples: Path | None = None
    feature_column: str = "protein"
    annotation_columns: list[str] = Field(default_factory=list)
    quantity: Literal["reporter", "lfq", "intensity", "ibaq"] = "reporter"
    annotation: Path | None = None
    summary: Literal["sum", "median"] = "sum"
    hgnc: Path | None = None

    @model_validator(mode="after")
    def _needed_files(self) -> ProteomicsSource:
        if self.reader == "wide_table" and self.samples is None:
            raise ValueError("the wide_table reader needs 'samples' (a sample sheet)")
        if self.reader == "proteome_discoverer_psm" and self.annotation is None:
            raise ValueError("the proteome_discoverer_psm reader needs 'annotation'")
        return self


class CountsSource(_Strict):
    """An expression modality read into AnnData: RNA-seq ``counts`` (genes x samples, with a
    sample sheet), a continuous ``expression_matrix`` (either orientation, detected), an
    ``h5ad`` file or a ``10x_mtx`` folder."""

    reader: Literal["counts", "expression_matrix", "h5ad", "10x_mtx"] = "counts"
    table: Path
    samples: Path | None = None
    feature_column: str = "gene"
    orientation: Literal["auto", "features_by_samples", "samples_by_features"] = "auto"
    value_prefix: str | None = None
    hgnc: Path | None = None

    @model_validator(mode="after")
    def _needed_files(self) -> CountsSource:
        if self.reader == "counts" and self.samples is None:
            raise ValueError("the counts reader needs 'samples' (a sample sheet)")
        return self


class TableSource(_Strict):
    """A plain table (clinical, viability; CSV, TSV or XLSX) and its declared schema:
    id column, ordered categories, column types/units/ranges, survival (time, event) pairs."""

    reader: Literal["table"] = "table"
    table: Path
    id_column: str | None = None
    categories: dict[str, list[str]] = Field(default_factory=dict)
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    survival: list[tuple[str, str]] = Field(default_factory=list)
    sheet: str | None = None
    header_row: int = 1
    keep_columns: list[str] = Field(default_factory=list)  # empty: all columns


class DifferentialPlan(_Strict):
    """A linear model over the sample sheet and its contrasts."""

    design: str
    contrasts: dict[str, str]
    samples: str | None = Field(
        default=None, description="pandas query over the sample sheet selecting samples"
    )

    @field_validator("contrasts")
    @classmethod
    def _not_empty(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("at least one contrast is needed")
        return value


class ProteinMrnaPlan(_Strict):
    """How proteome and transcriptome samples pair for the protein-mRNA comparison."""

    rna_modality: str
    pair_by: str
    protein_samples: str | None = None


class SurvivalPlan(_Strict):
    """Time-to-event columns of the clinical table, and the biomarker cut-off for the
    Kaplan-Meier groups (default: the median)."""

    time: str
    event: str
    cutoff: float | None = None


class GeneClinicalPlan(_Strict):
    """Genes whose expression in one transcriptomics modality (samples linked to clinical
    subjects by ``subject_column`` of its sample sheet) is tested against the outcome."""

    modality: str
    genes: list[str]
    subject_column: str = "subject_id"


class ClinicalPlan(_Strict):
    """Biomarker versus response (group tests, ROC, logistic regression), tissue score
    correlations, survival and the clinical association of genes."""

    biomarker: str
    response: str
    positive: list[str] = Field(default_factory=list)  # default: the last response level
    covariates: list[str] = Field(default_factory=list)
    score_pairs: list[tuple[str, str]] = Field(default_factory=list)
    survival: SurvivalPlan | None = None
    genes: GeneClinicalPlan | None = None


class CombinationPlan(_Strict):
    """A checkerboard of two drugs (a table of the study) for Bliss excess and the
    combination index."""

    table: str
    dose_a: str
    dose_b: str
    response: str


class DoseResponsePlan(_Strict):
    """4PL fits per condition of a viability table, IC50 ratios and drug combinations."""

    table: str
    condition: str
    dose: str
    response: str
    ratios: dict[str, tuple[str, str]] = Field(default_factory=dict)  # name: (num, den)
    combination: CombinationPlan | None = None


class GenePairPlan(_Strict):
    """Gene pairs correlated across the samples of one transcriptomics modality."""

    modality: str
    pairs: list[tuple[str, str]]


class NetworkFile(_Strict):
    """A database network file for the axis network analysis."""

    path: Path
    format: Literal["string", "string_links", "biogrid", "omnipath", "edges"]
    min_score: float = Field(default=0.7, ge=0, le=1)
    info: Path | None = None  # STRING protein.info (format string_links)
    aliases: Path | None = None  # STRING protein.aliases (format string_links)


class NetworkAnalysisPlan(_Strict):
    """The axis network: database layers, propagation seeds and randomisations, gene sets."""

    networks: list[NetworkFile] = Field(default_factory=list)
    seeds: list[str] = Field(default_factory=lambda: ["ANXA6", "EGFR"], min_length=1)
    n_random: int = Field(default=1000, ge=1)
    top: int = Field(default=30, ge=0)
    gene_sets: list[Path] = Field(default_factory=list)
    hgnc: Path | None = None


class AnalysisPlan(_Strict):
    """Which analyses the pipeline runs."""

    proteomics: DifferentialPlan | None = None
    transcriptomics: dict[str, DifferentialPlan] = Field(default_factory=dict)
    protein_mrna: ProteinMrnaPlan | None = None
    clinical: ClinicalPlan | None = None
    gene_pairs: GenePairPlan | None = None
    dose_response: DoseResponsePlan | None = None
    network: NetworkAnalysisPlan = Field(default_factory=NetworkAnalysisPlan)


class StudyConfig(_Strict):
    """A whole study: its inputs and analysis plan."""

    name: str
    description: str = ""
    proteomics: ProteomicsSource | None = None
    transcriptomics: dict[str, CountsSource] = Field(default_factory=dict)
    clinical: TableSource | None = None
    tables: dict[str, TableSource] = Field(default_factory=dict)
    analysis: AnalysisPlan = Field(default_factory=AnalysisPlan)
    subject_column: str = "subject_id"  # links modalities' samples to clinical subjects
    chunk_mb: float = Field(default=32, ge=0.01, le=1024)  # target proteomics chunk size
    path: Path | None = Field(default=None, exclude=True)

    def input_files(self) -> list[Path]:
        """Every input file the study names, in reading order."""
        files: list[Path] = []
        if self.proteomics:
            files += [self.proteomics.table, self.proteomics.samples]
        for source in self.transcriptomics.values():
            files += [source.table, source.samples]
        if self.clinical:
            files.append(self.clinical.table)
        files += [t.table for t in self.tables.values()]
        return files


def _resolve(study: StudyConfig, base: Path) -> StudyConfig:
    sources = [study.proteomics, study.clinical, *study.transcriptomics.values(),
               *study.tables.values()]
    for source in (s for s in sources if s is not None):
        for name in ("table", "samples", "annotation", "hgnc"):
            value = getattr(source, name, None)
            if value is not None and not value.is_absolute():
                setattr(source, name, (base / value).resolve())
    network = study.analysis.network
    for entry in network.networks:
        for name in ("path", "info", "aliases"):
            value = getattr(entry, name)
            if value is not None and not value.is_absolute():
                setattr(entry, name, (base / value).resolve())
    network.gene_sets = [(base / g).resolve() for g in network.gene_sets]
    if network.hgnc is not None:
        network.hgnc = (base / network.hgnc).resolve()
    return study


def load_study(path: str | Path) -> StudyConfig:
    """Load and validate ``study.yaml``; relative paths resolve against its folder.

    Raises
    ------
    OmicsInputError
        Unreadable YAML, unknown keys, missing required keys, wrong types.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise OmicsInputError(path, "no such file", "an existing study YAML file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise OmicsInputError(
            path, f"invalid YAML ({getattr(exc, 'problem', exc)})", "a YAML mapping",
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
        ) from None
    if not isinstance(raw, dict):
        raise OmicsInputError(path, f"a {type(raw).__name__} at the top level",
                              "a mapping with at least 'name'")
    try:
        study = StudyConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise OmicsInputError(path, f"{where}: {first['msg']}",
                              "a study description as documented in the README") from None
    study.path = path.resolve()
    return _resolve(study, path.resolve().parent)
