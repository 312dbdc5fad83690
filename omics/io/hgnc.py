"""HGNC identifier mapping: UniProt accessions, Ensembl ids, aliases and previous symbols to
approved gene symbols.

Examples
--------
>>> import io
>>> table = io.StringIO("HGNC ID\\tApproved symbol\\tStatus\\tAlias symbols\\tPrevious symbols\\t"
...     "UniProt ID(supplied by UniProt)\\tEnsembl gene ID\\n"
...     "HGNC:3236\\tEGFR\\tApproved\\tERBB1\\tERBB\\tP00533\\tENSG00000146648\\n")
>>> hgnc = HgncMap.from_table(table)
>>> hgnc.symbols(["P00533", "ERBB", "ENSG00000146648", "sp|P00533|EGFR_HUMAN", "nope"])
['EGFR', 'EGFR', 'EGFR', 'EGFR', None]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["HgncMap", "uniprot_accession"]

_UNIPROT = re.compile(r"^(?:sp|tr)\|([A-Z0-9]+(?:-\d+)?)\|")


def uniprot_accession(identifier: str) -> str:
    """The accession in a FASTA-style id (``sp|P00533|EGFR_HUMAN`` -> ``P00533``), isoform
    suffix removed; other ids are returned stripped.

    Examples
    --------
    >>> uniprot_accession("sp|P08133-2|ANXA6_HUMAN"), uniprot_accession(" Q9Y6K9 ")
    ('P08133', 'Q9Y6K9')
    """
    identifier = identifier.strip()
    match = _UNIPROT.match(identifier)
    accession = match.group(1) if match else identifier
    return accession.split("-")[0] if re.fullmatch(r"[A-Z0-9]+-\d+", accession) else accession


@dataclass
class HgncMap:
    """Lookup from any known identifier to the approved symbol (approved entries only).

    Precedence: approved symbol, UniProt accession, Ensembl gene id, previous symbol, alias
    (an alias shared by several genes maps to none of them).
    """

    lookup: dict[str, str]

    @classmethod
    def from_table(cls, source: str | Path | object) -> HgncMap:
        """Build from the HGNC download (TSV, ``.gz`` allowed)."""
        table = pd.read_csv(source, sep="\t", dtype=str, keep_default_na=False)
        table = table[table["Status"] == "Approved"]
        symbol = table["Approved symbol"]
        lookup: dict[str, str] = {}
        for column in ("Alias symbols", "Previous symbols"):
            if column not in table:
                continue
            pairs = [(alias.strip(), sym) for aliases, sym in zip(table[column], symbol,
                                                                   strict=True)
                     for alias in aliases.split(",") if alias.strip()]
            counts = pd.Series([a for a, _ in pairs]).value_counts()
            lookup.update({alias: sym for alias, sym in pairs if counts[alias] == 1})
        for column in ("Ensembl gene ID", "UniProt ID(supplied by UniProt)"):
            if column in table:
                lookup.update({ident.strip(): sym for idents, sym in zip(table[column], symbol,
                                                                           strict=True)
                               for ident in idents.split(",") if ident.strip()})
        lookup.update({sym: sym for sym in symbol})
        return cls(lookup)

    def symbol(self, identifier: str) -> str | None:
        """Approved symbol of one identifier (a FASTA-style UniProt id is understood)."""
        identifier = identifier.strip()
        return self.lookup.get(identifier) or self.lookup.get(uniprot_accession(identifier)) \
            or self.lookup.get(identifier.split(".")[0])

    def symbols(self, identifiers) -> list[str | None]:
        """Approved symbols of many identifiers (None where unknown)."""
        return [self.symbol(str(i)) for i in identifiers]

    def group_symbol(self, group: str, separator: str = ";") -> str | None:
        """Symbols of a protein group's members, distinct, joined by ``;`` (None if none)."""
        found = [s for s in self.symbols(group.split(separator)) if s]
        return ";".join(dict.fromkeys(found)) or None
