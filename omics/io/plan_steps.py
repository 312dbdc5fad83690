"""Preprocessing steps and model options of a study plan's analysis sections.

Each step names one :mod:`omics.pp` / :mod:`omics.preprocess` function and its parameters, so
whatever the library can do to a modality, ``study.yaml`` can say, in order:

.. code-block:: yaml

    analysis:
      proteomics:
        preprocess:
          - {step: log2}
          - {step: median_normalise, reference: {column: feature, regex: "_HUMAN$"}}
        design: "~ 0 + load"
        contrasts: {ug15_vs_ug7pt5: "load[ug15] - load[ug7pt5]"}

Examples
--------
>>> from pydantic import TypeAdapter
>>> steps = TypeAdapter(list[PreprocessStep]).validate_python(
...     [{"step": "log2"}, {"step": "median_normalise", "reference": {"regex": "_HUMAN$"}}])
>>> [type(s).__name__ for s in steps]
['Log2Step', 'MedianNormaliseStep']
>>> steps[1].reference.mask(pd.Index(["sp|P1|A_HUMAN", "sp|P2|B_ECOLI"])).tolist()
[True, False]
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "COUNTS_STEPS",
    "CombatStep",
    "FeatureSelector",
    "FilterByExprStep",
    "FilterMinValidStep",
    "ImputeDownShiftedStep",
    "IrsNormaliseStep",
    "Log2Step",
    "LogCpmStep",
    "ORGANISMS",
    "MedianNormaliseStep",
    "PreprocessStep",
    "QuantileNormaliseStep",
    "TmmNormaliseStep",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: Organisms a reference selector can name: their UniProt mnemonic and species name, as
#: they appear in entry names (``ANXA6_HUMAN``) and descriptions (``OS=Homo sapiens``).
ORGANISMS = {"human": ("HUMAN", "Homo sapiens"), "mouse": ("MOUSE", "Mus musculus"),
             "rat": ("RAT", "Rattus norvegicus"), "bovine": ("BOVIN", "Bos taurus"),
             "yeast": ("YEAST", "Saccharomyces cerevisiae"),
             "ecoli": ("ECOLI", "Escherichia coli")}


class FeatureSelector(_Strict):
    """Features chosen by a feature column (``feature`` = the ids, or an annotation such as
    ``gene``): those matching ``regex`` (searched, case-sensitive) or listed in ``values``;
    or by ``organism`` (``human``, ``mouse``, ``rat``, ``bovine``, ``yeast``, ``ecoli``):
    features whose id or any text annotation holds the UniProt mnemonic (``_HUMAN``) or
    the species (``OS=Homo sapiens``)."""

    column: str = "feature"
    regex: str | None = None
    values: list[str] | None = None
    organism: Literal["human", "mouse", "rat", "bovine", "yeast", "ecoli"] | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_rule(self) -> FeatureSelector:
        if sum(rule is not None for rule in (self.regex, self.values, self.organism)) != 1:
            raise ValueError("give exactly one of 'regex', 'values' or 'organism'")
        return self

    def mask(self, labels: pd.Index) -> np.ndarray:
        """Boolean mask over ``labels`` (the selector's column; for ``organism``, any text
        of the feature)."""
        text = pd.Series(np.asarray(labels).astype(str))
        if self.organism is not None:
            mnemonic, species = ORGANISMS[self.organism]
            pattern = rf"_{mnemonic}\b|OS={re.escape(species)}"
            return text.str.contains(pattern, regex=True).to_numpy()
        if self.regex is not None:
            return text.str.contains(self.regex, regex=True).to_numpy()
        return text.isin(self.values).to_numpy()


class Log2Step(_Strict):
    """log2 of positive values (zeros and negatives missing)."""

    step: Literal["log2"]


class MedianNormaliseStep(_Strict):
    """Equalise sample medians, over ``reference`` features only when given (e.g. the
    background proteome of a spike-in)."""

    step: Literal["median_normalise"]
    reference: FeatureSelector | None = None


class QuantileNormaliseStep(_Strict):
    """limma's ``normalizeQuantiles``."""

    step: Literal["quantile_normalise"]


class IrsNormaliseStep(_Strict):
    """TMT internal reference scaling; ``plex`` and ``reference`` name sample columns."""

    step: Literal["irs_normalise"]
    plex: str = "plex"
    reference: str = "reference"


class CombatStep(_Strict):
    """ComBat batch adjustment (R ``sva::ComBat``) of log values: ``batch`` names the sample
    column of the batches (e.g. ``plex``), ``covariates`` the sample columns whose effects
    are protected (e.g. ``[condition]``). The analysis design must keep the batch term."""

    step: Literal["combat"]
    batch: str
    covariates: list[str] = Field(default_factory=list)
    parametric: bool = True
    mean_only: bool = False
    reference_batch: str | None = None


class FilterMinValidStep(_Strict):
    """Keep features with ``min_valid`` observed values in ``any``/``all`` groups of the
    sample column ``group``."""

    step: Literal["filter_min_valid"]
    group: str
    min_valid: int = Field(ge=1)
    require: Literal["any", "all"] = "any"


class ImputeDownShiftedStep(_Strict):
    """Seeded down-shifted imputation of missing log values."""

    step: Literal["impute_down_shifted"]
    shift: float = 1.8
    width: float = Field(default=0.3, gt=0)
    seed: int = 0


class LogCpmStep(_Strict):
    """edgeR log-CPM of counts (on the TMM-effective library sizes after ``tmm_normalise``)."""

    step: Literal["log_cpm"]
    prior_count: float = Field(default=2.0, gt=0)


class FilterByExprStep(_Strict):
    """edgeR's ``filterByExpr`` on counts: by the sample column ``group``, or without it by
    the analysis design (R's ``filterByExpr(y, design)``)."""

    step: Literal["filter_by_expr"]
    group: str | None = None
    min_count: float = Field(default=10, ge=0)
    min_total_count: float = Field(default=15, ge=0)
    large_n: int = Field(default=10, ge=1)
    min_prop: float = Field(default=0.7, gt=0, le=1)


class TmmNormaliseStep(_Strict):
    """edgeR's TMM normalisation factors for counts (used by ``log_cpm`` and voom)."""

    step: Literal["tmm_normalise"]


#: Steps that need counts (and keep them counts, except ``log_cpm``).
COUNTS_STEPS = ("filter_by_expr", "tmm_normalise", "log_cpm")


#: One preprocessing step, discriminated on ``step``.
PreprocessStep = Annotated[
    Union[Log2Step, MedianNormaliseStep, QuantileNormaliseStep, IrsNormaliseStep,  # noqa: UP007
          CombatStep, FilterMinValidStep, ImputeDownShiftedStep, LogCpmStep, FilterByExprStep,
          TmmNormaliseStep],
    Field(discriminator="step"),
]
