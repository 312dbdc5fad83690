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

import re
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from omics.errors import OmicsInputError

# every reader module registers its options model on import
from omics.io import (  # noqa: F401
    counts,
    expression,
    fragpipe,
    maxquant,
    msstats,
    paw,
    proteome_discoverer,
    ptm_maxquant,
    ptm_pd,
    table,
    wide_table,
)
from omics.io.networks import NETWORK_OPTIONS
from omics.io.options import READER_OPTIONS, ReaderOptions
from omics.io.plan_steps import PreprocessStep
from omics.io.table import TableOptions

__all__ = [
    "ClinicalPlan",
    "CombinationPlan",
    "CountsSource",
    "DifferentialPlan",
    "DoseResponsePlan",
    "FactorsPlan",
    "GeneClinicalPlan",
    "PathwaysPlan",
    "ProteinMrnaPlan",
    "ProteomicsSource",
    "StudyConfig",
    "SurvivalPlan",
    "TableSource",
    "allowed_keys",
    "load_study",
    "study_schema",
]


#: Names that become folders, file names and Prefect artifact keys.
_SAFE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _with_default_reader(default: str):
    """Before validation: an input mapping without ``reader`` uses ``default``."""

    def fill(value):
        if isinstance(value, dict) and "reader" not in value:
            return {"reader": default, **value}
        return value

    return BeforeValidator(fill)


def _source_union(kind: str, default: str):
    """The options models of every registered reader of ``kind``, discriminated on
    ``reader`` (a key of another reader is refused), ``default`` when ``reader`` is absent."""
    models = tuple(m for m in READER_OPTIONS.values() if m.kind == kind)
    return Annotated[Union[models], Field(discriminator="reader"),  # noqa: UP007
                     _with_default_reader(default)]


#: A proteomics input: one of the proteomics readers' options (default ``wide_table``).
ProteomicsSource = _source_union("proteomics", "wide_table")
#: An expression input (AnnData): counts, expression_matrix, h5ad, 10x_mtx (default counts).
CountsSource = _source_union("expression", "counts")
#: A PTM input (modification sites): maxquant_sites, maxquant_ptm_evidence,
#: fragpipe_ptm_psm, proteome_discoverer_ptm_psm or msstats_ptm (the default).
PtmSource = _source_union("ptm", "msstats_ptm")
#: A table input (clinical, viability).
TableSource = TableOptions


class DifferentialPlan(_Strict):
    """A modality's differential analysis: sample selection, preprocessing steps, the model,
    its design and contrasts, and the FDR method.

    ``preprocess`` lists the steps in order (:mod:`omics.io.plan_steps`); without it the
    modality's default applies (proteomics: log2 then median normalisation over all
    features; RNA-seq counts: log-CPM and the expression filter, or with ``method: voom``
    edgeR's ``filterByExpr`` on the design and TMM factors). Samples are selected before
    preprocessing, so a left-out channel never enters a normalisation.
    """

    design: str
    contrasts: dict[str, str]
    samples: str | None = Field(
        default=None, description="selection over the sample sheet, e.g. \"load != 'empty'\" "
        "(comparisons joined by and/or/not; never evaluated as code)"
    )
    preprocess: list[PreprocessStep] | None = None
    method: Literal["moderated", "voom", "welch", "wilcoxon"] = "moderated"
    trend: bool = False
    robust: bool = False
    sample_weights: bool = False
    fdr: Literal["bh", "storey"] = "bh"
    fdr_level: float = Field(default=0.05, gt=0, lt=1)

    @field_validator("contrasts")
    @classmethod
    def _safe_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not _SAFE_NAME.fullmatch(name):
                raise ValueError(f"contrast name {name!r}: use letters, digits, '_' and '-' "
                                 "(it names result folders, files and Prefect artifacts)")
        return value

    @model_validator(mode="after")
    def _limma_options(self) -> DifferentialPlan:
        if self.trend and self.robust:
            raise ValueError("choose one of trend and robust")
        if self.method not in ("moderated", "voom") and (self.trend or self.robust):
            raise ValueError("trend and robust belong to the moderated and voom methods")
        if self.sample_weights and self.method != "voom":
            raise ValueError("sample_weights belong to method voom (voomWithQualityWeights)")
        if self.method == "voom" and self.trend:
            raise ValueError("voom's weights model the mean-variance trend: use robust, or "
                             "method moderated with trend")
        if self.method == "voom" and any(step.step == "log_cpm"
                                         for step in self.preprocess or []):
            raise ValueError("voom takes counts: leave log_cpm out of its preprocess steps")
        return self

    @field_validator("contrasts")
    @classmethod
    def _not_empty(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("at least one contrast is needed")
        return value


class PtmPlan(DifferentialPlan):
    """A PTM modality's site-level analysis, adjusted for protein abundance (MSstatsPTM's
    model): limma's moderated t of the sites (``samples``, ``preprocess``: as a
    differential plan; default log2 and median normalisation) and of the study's proteome
    (``protein_samples``, its own preprocessing) with the same ``design`` and
    ``contrasts``, then each site's change net of its protein's
    (:func:`omics.stats.ptm_adjusted.adjust_for_protein`). Both sample sheets need the
    design's columns (a PTM reader's ``samples`` sheet can give the proteome's)."""

    protein_samples: str | None = Field(
        default=None, description="selection over the proteome's sample sheet (default: "
        "the proteomics analysis' own samples)")

    @model_validator(mode="after")
    def _moderated_only(self) -> PtmPlan:
        if self.method != "moderated":
            raise ValueError("the adjusted site model combines limma moderated t fits: "
                             "method moderated")
        return self


class ProteinMrnaPlan(_Strict):
    """How protein and mRNA samples pair for the protein-mRNA comparison.

    The protein side is the study's proteomics, or with ``protein_modality`` an expression
    modality of protein values (RPPA) whose features carry genes (``feature_map``); only its
    total-protein features of one gene are paired. Samples pair by the sample-sheet column
    ``pair_by``, or with ``pair_by: null`` by identical sample ids. With ``hgnc`` (an HGNC
    table), the genes of both sides are first mapped to approved symbols (aliases, previous
    symbols, UniProt and Ensembl ids), so ``ERBB1`` protein pairs with ``EGFR`` mRNA."""

    rna_modality: str
    pair_by: str | None
    protein_samples: str | None = None
    protein_modality: str | None = None
    hgnc: Path | None = None


class SurvivalPlan(_Strict):
    """Time-to-event columns of the clinical table, and the biomarker cut-off for the
    Kaplan-Meier groups (default: the median)."""

    time: str
    event: str
    cutoff: float | None = None


class GeneClinicalPlan(_Strict):
    """Genes whose expression in one transcriptomics modality is tested against the response
    and survival. Its samples link to clinical subjects by ``subject_column`` of its sample
    sheet, or with ``subject_column: null`` by the sample ids themselves (a table whose
    rows are the patients)."""

    modality: str
    genes: list[str] = Field(min_length=1)
    subject_column: str | None = "subject_id"


class ClinicalPlan(_Strict):
    """Biomarker versus response (group tests, ROC, logistic regression), tissue score
    correlations, survival and the clinical association of genes. Each part runs when the
    plan names what it needs: ``biomarker`` and ``response`` for the response tests,
    ``survival`` with a ``biomarker`` for Kaplan-Meier and Cox on it, ``genes`` for each
    gene's expression against the response (when given) and survival (when given)."""

    biomarker: str | None = None
    response: str | None = None
    subjects: str | None = Field(
        default=None, description="selection over the clinical table, e.g. \"stage != 'IV'\" "
        "(the same syntax as samples:)")
    positive: list[str] = Field(default_factory=list)  # default: the last response level
    covariates: list[str] = Field(default_factory=list)
    score_pairs: list[tuple[str, str]] = Field(default_factory=list)
    survival: SurvivalPlan | None = None
    genes: GeneClinicalPlan | None = None

    @model_validator(mode="after")
    def _something_to_analyse(self) -> ClinicalPlan:
        if (self.biomarker is None) != (self.response is None) and not (
                self.biomarker is not None and self.survival is not None):
            raise ValueError("give biomarker and response together (or a biomarker with "
                             "survival)")
        if self.biomarker is None and self.genes is None:
            raise ValueError("nothing to analyse: give biomarker and response, or genes")
        if self.genes is not None and self.response is None and self.survival is None:
            raise ValueError("genes need a response or survival to be tested against")
        return self

    @property
    def tests_response(self) -> bool:
        """Whether the biomarker-versus-response tests run."""
        return self.biomarker is not None and self.response is not None


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


class AssayPlan(_Strict):
    """One mechanism assay of the assay table: the rows whose ``assay`` column is
    ``assay``, modelled as ``kind`` (:mod:`omics.stats.assays`): ``chase`` (half-lives per
    condition, slopes against ``reference``), ``western`` (log2 densitometry over the
    loading control), ``colony`` (counts) or ``apoptosis`` (positive of ``total``), with
    ``design`` a formula over the table's columns (``~ condition``, ``~ exosome *
    lapatinib``). ``target`` names the gene the readout measures (EGFR), whose network
    node gets the result as evidence."""

    assay: str
    kind: Literal["chase", "western", "colony", "apoptosis"]
    design: str = "~ condition"
    reference: str | None = None
    target: str | None = None

    @model_validator(mode="after")
    def _reference_for_chase(self) -> AssayPlan:
        if self.reference is not None and self.kind != "chase":
            raise ValueError("reference belongs to chase assays (others: the design's first "
                             "level)")
        return self


class MechanismPlan(_Strict):
    """The study's mechanism assays: a tidy assay ``table`` (a ``tables:`` entry; columns
    ``assay``, ``condition``, ``replicate``, ``time``, ``readout``, ``loading_control``,
    ``total`` and any design factors) and the ``assays`` to model, by name. A count or
    fraction whose Pearson dispersion exceeds ``max_dispersion`` is modelled as negative
    binomial or quasi-binomial (said in the result)."""

    table: str
    assays: dict[str, AssayPlan] = Field(min_length=1)
    max_dispersion: float = Field(default=1.5, gt=0)


class GenePairPlan(_Strict):
    """Gene pairs correlated across the samples of one transcriptomics modality."""

    modality: str
    pairs: list[tuple[str, str]]


class PathwaysPlan(_Strict):
    """Pathway analysis of every differential contrast of the study.

    * Pre-ranked GSEA (gseapy) of each contrast's ``rank_by`` statistic (``t``,
      ``log2_fc``, or ``abs_t`` for sets whose members move both ways) over the sets of
      ``gene_sets`` (GMT files), ``permutations`` gene-set permutations under ``seed``; sets
      with ``min_size``..``max_size`` measured genes.
    * Over-representation of the genes called at ``fdr_level`` among the genes tested.
    * With ``weights`` (a PROGENy table: ``gene, pathway, weight, p.value``), pathway
      activities per contrast (on the t statistics) and per sample (genes centred),
      decoupler's ``method`` on each pathway's ``top`` genes.
    """

    gene_sets: list[Path] = Field(default_factory=list)
    rank_by: Literal["t", "abs_t", "log2_fc"] = "t"
    permutations: int = Field(default=1000, ge=10)
    seed: int = 0
    min_size: int = Field(default=5, ge=2)
    max_size: int = Field(default=500, ge=2)
    fdr_level: float = Field(default=0.05, gt=0, lt=1)
    weights: Path | None = None
    top: int = Field(default=500, ge=5)
    method: Literal["ulm", "mlm"] = "ulm"

    @model_validator(mode="after")
    def _something_to_do(self) -> PathwaysPlan:
        if not self.gene_sets and self.weights is None:
            raise ValueError("give gene_sets (GMT files), weights (PROGENy), or both")
        return self


class FactorsPlan(_Strict):
    """MOFA+ factors over several modalities of the study (``proteomics`` and/or
    transcriptomics modality names), as each was analysed (samples, preprocessing).

    Samples of different modalities are joined by the sample-sheet column ``pair_by`` (e.g.
    ``culture``, ``subject_id``; ``null``: identical sample ids); ``samples`` selects, per
    modality, which samples enter (e.g. ``{proteomics: "compartment == 'cell'"}``). Each
    factor is then tested against the sample-sheet (or, through ``subject_column``,
    clinical) columns ``categorical`` and ``numeric``, and against ``survival``.
    ``remove_batch`` names a sample column (e.g. ``plex``) whose effect is removed from
    every modality that has it first (limma's ``removeBatchEffect``, keeping the
    ``categorical`` columns), so that a factor does not just capture the batch.
    """

    modalities: list[str] = Field(min_length=1)
    pair_by: str | None = None
    samples: dict[str, str] = Field(default_factory=dict)
    n_factors: int = Field(default=10, ge=1, le=50)
    seed: int = 1
    scale_features: bool = True
    convergence: Literal["fast", "medium", "slow"] = "slow"
    remove_batch: str | None = None
    categorical: list[str] = Field(default_factory=list)
    numeric: list[str] = Field(default_factory=list)
    survival: SurvivalPlan | None = None
    top_weights: int = Field(default=10, ge=1)


#: A database network file: one of the network formats' options, discriminated on ``format``.
NetworkSource = Annotated[Union[tuple(NETWORK_OPTIONS.values())],  # noqa: UP007
                          Field(discriminator="format")]


class NetworkAnalysisPlan(_Strict):
    """The network of the study's results: database layers, the curated prior layer,
    propagation seeds and randomisations, gene sets.

    ``seeds: results`` (the default) seeds the propagation with the study's own hits: the
    ``seed_hits`` genes of the network with the smallest p-values among the genes at FDR <
    0.05 in any differential contrast, weighted by -log10 p. A list of genes seeds it with a
    hypothesis instead (the seed study's ``[ANXA6, EGFR]``). ``prior: axis`` adds the
    curated ANXA6-EGFR-ubiquitin layer, labelled as prior knowledge; ``prior: none`` leaves
    it out.
    """

    networks: list[NetworkSource] = Field(default_factory=list)
    seeds: Literal["results"] | list[str] = "results"
    seed_hits: int = Field(default=20, ge=1)
    prior: Literal["axis", "none"] = "axis"
    n_random: int = Field(default=1000, ge=1)
    top: int = Field(default=30, ge=0)
    gene_sets: list[Path] = Field(default_factory=list)
    hgnc: Path | None = None

    @field_validator("seeds")
    @classmethod
    def _some_seeds(cls, value):
        if isinstance(value, list) and not value:
            raise ValueError("give seed genes, or seeds: results")
        return value


class AnalysisPlan(_Strict):
    """Which analyses the pipeline runs."""

    proteomics: DifferentialPlan | None = None
    transcriptomics: dict[str, DifferentialPlan] = Field(default_factory=dict)
    ptm: dict[str, PtmPlan] = Field(default_factory=dict)
    protein_mrna: ProteinMrnaPlan | None = None
    clinical: ClinicalPlan | None = None
    gene_pairs: GenePairPlan | None = None
    dose_response: DoseResponsePlan | None = None
    mechanism: MechanismPlan | None = None
    pathways: PathwaysPlan | None = None
    factors: FactorsPlan | None = None
    network: NetworkAnalysisPlan = Field(default_factory=NetworkAnalysisPlan)


class StudyConfig(_Strict):
    """A whole study: its inputs and analysis plan."""

    name: str
    description: str = ""
    proteomics: ProteomicsSource | None = None
    transcriptomics: dict[str, CountsSource] = Field(default_factory=dict)
    ptm: dict[str, PtmSource] = Field(default_factory=dict)
    clinical: TableSource | None = None
    tables: dict[str, TableSource] = Field(default_factory=dict)
    analysis: AnalysisPlan = Field(default_factory=AnalysisPlan)
    subject_column: str = "subject_id"  # links modalities' samples to clinical subjects
    chunk_mb: float = Field(default=32, ge=0.01, le=1024)  # target proteomics chunk size
    path: SkipJsonSchema[Path | None] = Field(default=None, exclude=True)

    def sources(self) -> list[ReaderOptions]:
        """Every input source, in reading order."""
        return [s for s in (self.proteomics, *self.transcriptomics.values(),
                            *self.ptm.values(), self.clinical, *self.tables.values())
                if s is not None]

    def input_bytes(self) -> int:
        """Size of the data files the sources read (a folder counts with its files)."""
        total = 0
        for source in self.sources():
            for field in source.file_fields:
                path = getattr(source, field, None)
                if path is None or not Path(path).exists():
                    continue
                files = [Path(path)] if Path(path).is_file() else Path(path).rglob("*")
                total += sum(f.stat().st_size for f in files if f.is_file())
        return total


def _resolve(study: StudyConfig, base: Path) -> StudyConfig:
    for source in study.sources():
        source.resolve(base)
    network = study.analysis.network
    for entry in network.networks:
        entry.resolve(base)
    network.gene_sets = [(base / g).resolve() for g in network.gene_sets]
    if network.hgnc is not None:
        network.hgnc = (base / network.hgnc).resolve()
    protein_mrna = study.analysis.protein_mrna
    if protein_mrna is not None and protein_mrna.hgnc is not None:
        protein_mrna.hgnc = (base / protein_mrna.hgnc).resolve()
    pathways = study.analysis.pathways
    if pathways is not None:
        pathways.gene_sets = [(base / g).resolve() for g in pathways.gene_sets]
        if pathways.weights is not None:
            pathways.weights = (base / pathways.weights).resolve()
    return study


def study_schema() -> dict:
    """The JSON Schema of ``study.yaml`` (``omics schema`` prints it)."""
    return StudyConfig.model_json_schema()


def allowed_keys(path: list[str]) -> list[str]:
    """The keys ``study.yaml`` allows at ``path`` (e.g. ``["analysis", "proteomics"]``).

    Examples
    --------
    >>> allowed_keys(["analysis"])[:3]
    ['proteomics', 'transcriptomics', 'ptm']
    """
    schema = study_schema()
    definitions = schema.get("$defs", {})

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = definitions[node["$ref"].rsplit("/", 1)[-1]]
        options = node.get("anyOf") or node.get("oneOf")
        if options:
            objects = [resolve(o) for o in options if o.get("type") != "null"]
            if len(objects) == 1:
                return objects[0]
        return node

    node = resolve(schema)
    for part in path:
        tags = node.get("discriminator", {}).get("mapping", {})
        if part in tags:
            node = resolve({"$ref": tags[part]})
        elif part in node.get("properties", {}):
            node = resolve(node["properties"][part])
        elif isinstance(node.get("additionalProperties"), dict):
            node = resolve(node["additionalProperties"])
        elif "items" in node:
            node = resolve(node["items"])
        else:
            return []
    return list(node.get("properties", {}))


def _described(error: dict) -> tuple[str, str]:
    """``(found, expected)`` of a validation error, naming the reader where one applies."""
    loc = [str(part) for part in error["loc"]]
    models = {**{name: (model, f"{name} reader") for name, model in READER_OPTIONS.items()},
              **{name: (model, f"{name} format") for name, model in NETWORK_OPTIONS.items()}}
    tagged = [i for i, part in enumerate(loc) if part in models and i > 0]
    if tagged:
        i = tagged[-1]
        (model, reader), where, key = models[loc[i]], ".".join(loc[:i]), ".".join(loc[i + 1:])
        keys = f"keys of the {reader}: " + ", ".join(model.model_fields)
        if error["type"] == "extra_forbidden":
            return f"key {key!r} in {where}, which the {reader} does not take", keys
        if error["type"] == "missing":
            return f"no {key!r} in {where}", f"{key!r}, which the {reader} needs"
        return f"{where}.{key}: {error['msg']}", keys
    where = ".".join(loc)
    if error["type"] == "missing":
        return f"no {loc[-1]!r} in {'.'.join(loc[:-1]) or 'the top level'}", \
            f"{loc[-1]!r} (required)"
    if error["type"] == "extra_forbidden":
        keys = allowed_keys(loc[:-1])
        key = str(loc[-1]) if len(str(loc[-1])) <= 24 else f"{str(loc[-1])[:8]}…"
        return f"unknown key {key!r} in {'.'.join(loc[:-1]) or 'the top level'}", \
            "one of " + ", ".join(keys)
    if error["type"] == "union_tag_invalid":
        context = error["ctx"]
        key = context["discriminator"].strip("'")
        return f"{key} {context['tag']!r} in {where}", f"one of {context['expected_tags']}"
    return f"{where}: {error['msg']}", "a study description as documented in the README"


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
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        raise OmicsInputError(path, *_described(errors[0])) from None
    study.path = path.resolve()
    return _resolve(study, path.resolve().parent)
