"""Reference tables shipped with omics-axis (package data).

``breast_cell_lines()``: breast cancer cell lines with their receptor subtype (``TNBC``,
``HR+``, ``HER2+``) as commonly reported (e.g. Neve et al. 2006, Cancer Cell 10:515; Dai et al.
2017, J Cancer 8:3131), spelled as in GDSC. Lines whose classification differs between sources
(e.g. MDA-MB-453, MFM-223) are left out.

``rppa_antibodies()``: the 142 reverse-phase protein array antibodies of TCGA breast cancer
(MD Anderson RPPA core names as in TCPA and mixOmics' ``breast.TCGA``) with the HGNC symbols
of the protein(s) each detects (``;``-separated for pan antibodies such as ``Akt``) and the
modification (``pY1068``, ``cleaved D198``; empty for total protein). Every symbol is an
approved HGNC symbol (checked against HGNC in the tests).

Examples
--------
>>> lines = breast_cell_lines()
>>> lines["subtype"].value_counts().to_dict()
{'TNBC': 22, 'HER2+': 12, 'HR+': 9}
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import read_text_table

__all__ = ["breast_cell_lines", "feature_gene_map", "rppa_antibodies"]


def breast_cell_lines() -> pd.DataFrame:
    """Breast cancer cell lines (``cell_line``, ``subtype``)."""
    with resources.files("omics.data").joinpath("breast_cell_lines.csv").open() as stream:
        return pd.read_csv(stream)


def rppa_antibodies() -> pd.DataFrame:
    """RPPA antibodies (``antibody``, ``genes``, ``modification``), see the module docstring.

    Examples
    --------
    >>> table = rppa_antibodies().set_index("antibody")
    >>> table.loc["EGFR_pY1068"].tolist(), table.at["HER2", "genes"]
    (['EGFR', 'pY1068'], 'ERBB2')
    """
    with resources.files("omics.data").joinpath("rppa_antibodies.csv").open() as stream:
        return pd.read_csv(stream, keep_default_na=False, dtype=str)


def feature_gene_map(source: str | Path) -> pd.DataFrame:
    """A feature -> genes map indexed by feature id, with ``genes`` (``;``-separated HGNC
    symbols) and ``modification`` columns: ``"rppa"`` for :func:`rppa_antibodies`, or a
    CSV/TSV file with the columns ``feature, genes`` (and optionally ``modification``).

    Examples
    --------
    >>> feature_gene_map("rppa").loc["Akt_pS473"].tolist()
    ['AKT1;AKT2;AKT3', 'pS473']
    """
    if str(source) == "rppa":
        return rppa_antibodies().rename(columns={"antibody": "feature"}).set_index("feature")
    path = Path(source)
    frame = read_text_table(path)
    missing = [c for c in ("feature", "genes") if c not in frame.columns]
    if missing:
        raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}",
                              "the columns feature, genes (and optionally modification)",
                              line=1)
    if "modification" not in frame.columns:
        frame["modification"] = ""
    return frame[["feature", "genes", "modification"]].set_index("feature")
