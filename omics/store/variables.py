"""The result variables: one registry of names, dimensions, dtypes and meanings.

In the manner of sgkit's ``variables.py``: every analysis result the store holds is declared
here once, and readers and writers check against it. A contrast is a dimension
(``contrast``), never a suffix of a column name; where a flat name is unavoidable (graph
node attributes, which GraphML keeps as scalars), :func:`flat_name` builds it and
:func:`split_flat_name` parses it, so no other module handles the ``__`` convention.

Examples
--------
>>> VARIABLES["protein_log2_fc"].dims
('gene', 'contrast')
>>> flat_name("protein_log2_fc", "res_vs_sens")
'protein_log2_fc__res_vs_sens'
>>> split_flat_name("protein_log2_fc__res_vs_sens")
('protein_log2_fc', 'res_vs_sens')
>>> split_flat_name("protein_mrna_r") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from omics.errors import OmicsInputError

__all__ = ["VARIABLES", "Variable", "check_variables", "flat_name", "split_flat_name"]

_SEPARATOR = "__"


@dataclass(frozen=True)
class Variable:
    """A declared result variable."""

    name: str
    dims: tuple[str, ...]
    kind: str  # numpy dtype kind(s) accepted: "f" float, "i" integer, "O" text
    description: str


VARIABLES: dict[str, Variable] = {v.name: v for v in [
    # differential analysis (results/differential_*/<contrast>; opened with a contrast dim)
    Variable("gene", ("feature",), "OUT", "gene symbol of the feature"),
    Variable("log2_fc", ("feature",), "f", "log2 fold change (contrast estimate)"),
    Variable("ci_low", ("feature",), "f", "lower end of the fold-change confidence interval"),
    Variable("ci_high", ("feature",), "f", "upper end of the fold-change confidence interval"),
    Variable("mean_expr", ("feature",), "f", "average log expression of the observed values"),
    Variable("t", ("feature",), "f", "moderated (or Welch) t statistic"),
    Variable("p_value", ("feature",), "f", "two-sided p-value"),
    Variable("fdr", ("feature",), "f", "adjusted p-value (BH or Storey q)"),
    Variable("df_total", ("feature",), "f", "total degrees of freedom of the test"),
    # protein-mRNA (results/protein_mrna/correlation)
    Variable("protein_mrna_r", ("gene",), "f", "Pearson r of protein and mRNA across paired "
             "samples"),
    Variable("protein_mrna_n", ("gene",), "iu", "number of paired samples"),
    Variable("protein_mrna_p_value", ("gene",), "f", "p-value of the protein-mRNA r"),
    Variable("protein_mrna_fdr", ("gene",), "f", "BH FDR of the protein-mRNA r"),
    Variable("protein_log2_fc", ("gene", "contrast"), "f", "protein log2 fold change"),
    Variable("protein_fdr", ("gene", "contrast"), "f", "protein FDR"),
    Variable("mrna_log2_fc", ("gene", "contrast"), "f", "mRNA log2 fold change"),
    Variable("mrna_fdr", ("gene", "contrast"), "f", "mRNA FDR"),
    Variable("protein_mrna_class", ("gene", "contrast"), "OUT", "concordant, protein_only, "
             "mrna_only, "
             "protein_no_mrna or unchanged (FDR 0.05)"),
]}


def flat_name(variable: str, contrast: str) -> str:
    """The flat name of a per-contrast variable, for scalar-only outputs (graph attributes)."""
    if variable not in VARIABLES or "contrast" not in VARIABLES[variable].dims:
        raise KeyError(f"{variable!r} is not a declared per-contrast variable")
    return f"{variable}{_SEPARATOR}{contrast}"


def split_flat_name(name: str) -> tuple[str, str] | None:
    """``(variable, contrast)`` of a flat name made by :func:`flat_name`, else ``None``."""
    variable, separator, contrast = name.partition(_SEPARATOR)
    if separator and variable in VARIABLES and "contrast" in VARIABLES[variable].dims:
        return variable, contrast
    return None


def check_variables(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset``, checked: every data variable declared, with its dims and dtype.

    Examples
    --------
    >>> ds = xr.Dataset({"log2_fc": (("feature",), [1.0])})
    >>> check_variables(ds, "x") is ds
    True
    >>> check_variables(xr.Dataset({"lfc": (("feature",), [1.0])}), "x")
    Traceback (most recent call last):
    omics.errors.OmicsInputError: x: found undeclared result variable 'lfc'; expected one of omics.store.variables.VARIABLES
    """  # noqa: E501
    for name, array in dataset.data_vars.items():
        declared = VARIABLES.get(name)
        if declared is None:
            raise OmicsInputError(where, f"undeclared result variable {name!r}",
                                  "one of omics.store.variables.VARIABLES")
        dims = tuple(d for d in array.dims if d != "contrast" or "contrast" in declared.dims)
        if dims != declared.dims or np.dtype(array.dtype).kind not in declared.kind:
            raise OmicsInputError(where, f"{name} with dims {array.dims} and dtype "
                                  f"{array.dtype}", f"dims {declared.dims}, kind "
                                  f"{declared.kind}")
    return dataset
