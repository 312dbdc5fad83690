"""Pathway footprint weights (PROGENy's ``gene, pathway, weight[, p.value]`` table, or any
``source/target/weight`` network such as decoupler's) as a tidy table.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "w.tsv"
>>> _ = p.write_text("gene\\tpathway\\tweight\\nEGR1\\tEGFR\\t5.1\\nFOS\\tEGFR\\t4.2\\n")
>>> read_pathway_weights(p)[["pathway", "gene", "weight"]].values.tolist()
[['EGFR', 'EGR1', 5.1], ['EGFR', 'FOS', 4.2]]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import read_lines

__all__ = ["read_pathway_weights"]

_ALIASES = {"source": "pathway", "target": "gene"}


def read_pathway_weights(path: str | Path, *, top: int | None = None) -> pd.DataFrame:
    """Read a tab-separated weights table.

    Parameters
    ----------
    path
        Columns ``gene``, ``pathway``, ``weight`` (``source``/``target`` accepted for
        ``pathway``/``gene``); ``p.value`` optional, used to keep the ``top`` genes.
    top
        Keep each pathway's ``top`` genes by p-value (by absolute weight without one), as
        PROGENy's ``top`` argument.

    Returns
    -------
    DataFrame
        ``pathway, gene, weight`` (and ``p_value`` when given).
    """
    path = Path(path)
    lines = list(read_lines(path))
    if not lines:
        raise OmicsInputError(path, "an empty file", "a header gene, pathway, weight")
    header = [_ALIASES.get(h.strip(), h.strip()) for h in lines[0][1].rstrip("\r\n").split("\t")]
    missing = [c for c in ("gene", "pathway", "weight") if c not in header]
    if missing:
        raise OmicsInputError(path, f"header without {missing[0]!r}",
                              "columns gene, pathway, weight (tab-separated)", line=1)
    rows = []
    for line_number, line in lines[1:]:
        if not line.strip():
            continue
        fields = dict(zip(header, line.rstrip("\r\n").split("\t"), strict=False))
        for number in ("weight", "p.value"):
            if number in header:
                try:
                    fields[number] = float(fields.get(number, ""))
                except ValueError:
                    raise OmicsInputError(path, f"{fields.get(number)!r} in column {number!r}",
                                          "a number", line=line_number,
                                          column=header.index(number) + 1) from None
        if not fields.get("gene") or not fields.get("pathway"):
            raise OmicsInputError(path, "an empty gene or pathway", "both named",
                                  line=line_number)
        rows.append(fields)
    table = pd.DataFrame(rows).rename(columns={"p.value": "p_value"})
    table = table[[c for c in ("pathway", "gene", "weight", "p_value") if c in table]]
    if not np.isfinite(table["weight"]).all():
        raise OmicsInputError(path, "a weight that is not finite", "finite weights")
    if top is not None:
        order = table["p_value"] if "p_value" in table else -table["weight"].abs()
        table = table.assign(_order=order.to_numpy()).sort_values(["pathway", "_order"],
                                                                  kind="stable")
        table = table.groupby("pathway", sort=False).head(top).drop(columns="_order")
    return table.reset_index(drop=True)
