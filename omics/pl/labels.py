"""Human-readable axis titles from column names: words, units and gene symbols.

Examples
--------
>>> readable("serum_exo_anxa6_ng_ml")
'serum exo ANXA6 (ng/mL)'
>>> readable("gemcitabine_um"), readable("pfs_months"), readable("ihc_anxa6_hscore")
('gemcitabine (µM)', 'PFS (months)', 'IHC ANXA6 H-score')
>>> significant(2.7e-11), significant(0.01234, 2), significant(float("nan"))
('2.7e-11', '0.012', 'NA')
"""

from __future__ import annotations

import math
import re

__all__ = ["permutation_significant", "readable", "significant"]

#: Column-name endings and the unit they stand for.
_UNITS = (("_ng_ml", "ng/mL"), ("_pg_ml", "pg/mL"), ("_ug_ml", "µg/mL"), ("_mg_ml", "mg/mL"),
          ("_nm", "nM"), ("_um", "µM"), ("_months", "months"),
          ("_days", "days"), ("_years", "years"), ("_pct", "%"), ("_percent", "%"))
#: Words written otherwise in papers.
_WORDS = {"hscore": "H-score", "ihc": "IHC", "pfs": "PFS", "os": "OS", "dfs": "DFS",
          "mrna": "mRNA", "rna": "RNA", "auc": "AUC", "ic50": "IC50", "sd": "SD",
          "log2": "log2", "fc": "FC"}
_GENE_LIKE = re.compile(r"[a-z]+[0-9]+[a-z0-9]*|egfr|cbl|erbb2|myc|kras|tp53")


def readable(name: str) -> str:
    """``name`` (a column) as an axis title: underscores to spaces, a known unit ending in
    parentheses, gene-like words in capitals."""
    text, unit = str(name), ""
    for ending, symbol in _UNITS:
        if text.lower().endswith(ending) and len(text) > len(ending):
            text, unit = text[: -len(ending)], symbol
            break
    words = []
    for word in text.split("_"):
        lowered = word.lower()
        if lowered in _WORDS:
            words.append(_WORDS[lowered])
        elif _GENE_LIKE.fullmatch(lowered):
            words.append(word.upper())
        else:
            words.append(word)
    title = " ".join(w for w in words if w)
    return f"{title} ({unit})" if unit else title


def permutation_significant(value: float | None, permutations: int | None,
                            digits: int = 3) -> str:
    """A permutation p-value or FDR as :func:`significant`; 0 means below one permutation
    and reads ``< 1/permutations``.

    Examples
    --------
    >>> permutation_significant(0.0, 1000), permutation_significant(0.0213, 1000)
    ('< 0.001', '0.0213')
    """
    if permutations and value == 0:
        return f"< {1 / permutations:g}"
    return significant(value, digits)


def significant(value: float | None, digits: int = 3) -> str:
    """A number (a p-value, an FDR) as a biologist reads it: ``digits`` significant digits,
    so a small p is never rounded to 0; ``NA`` when missing or not finite."""
    if value is None or not math.isfinite(value):
        return "NA"
    return f"{value:.{digits}g}"
