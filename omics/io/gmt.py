"""Gene sets in GMT format: ``name <tab> description <tab> gene <tab> gene ...`` per line.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.gmt"
>>> _ = p.write_text("EGFR_DOWN\\tR-HSA-182971\\tEGFR\\tCBL\\tUBC\\n")
>>> read_gmt(p)["EGFR_DOWN"].genes
('EGFR', 'CBL', 'UBC')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from omics.errors import OmicsInputError
from omics.io.delimited import read_lines

__all__ = ["GeneSet", "read_gmt"]


@dataclass(frozen=True)
class GeneSet:
    """One gene set."""

    name: str
    description: str
    genes: tuple[str, ...]


def read_gmt(path: str | Path) -> dict[str, GeneSet]:
    """Read a GMT file; duplicate set names and sets without genes are errors."""
    path = Path(path)
    sets: dict[str, GeneSet] = {}
    for line_number, line in read_lines(path):
        if not line.strip():
            continue
        fields = line.rstrip("\n\r").split("\t")
        genes = tuple(dict.fromkeys(g.strip() for g in fields[2:] if g.strip()))
        if len(fields) < 3 or not fields[0].strip() or not genes:
            raise OmicsInputError(path, f"{len(fields)} tab-separated fields",
                                  "a set name, a description and at least one gene",
                                  line=line_number)
        name = fields[0].strip()
        if name in sets:
            raise OmicsInputError(path, f"gene set {name!r} a second time",
                                  "unique set names", line=line_number, column=1)
        sets[name] = GeneSet(name, fields[1].strip(), genes)
    if not sets:
        raise OmicsInputError(path, "no gene set", "at least one line")
    return sets
