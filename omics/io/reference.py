"""Reference tables shipped with omics-axis (package data).

``breast_cell_lines()``: breast cancer cell lines with their receptor subtype (``TNBC``,
``HR+``, ``HER2+``) as commonly reported (e.g. Neve et al. 2006, Cancer Cell 10:515; Dai et al.
2017, J Cancer 8:3131), spelled as in GDSC. Lines whose classification differs between sources
(e.g. MDA-MB-453, MFM-223) are left out.

Examples
--------
>>> lines = breast_cell_lines()
>>> lines["subtype"].value_counts().to_dict()
{'TNBC': 22, 'HER2+': 12, 'HR+': 9}
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["breast_cell_lines"]


def breast_cell_lines() -> pd.DataFrame:
    """Breast cancer cell lines (``cell_line``, ``subtype``)."""
    with resources.files("omics.data").joinpath("breast_cell_lines.csv").open() as stream:
        return pd.read_csv(stream)
