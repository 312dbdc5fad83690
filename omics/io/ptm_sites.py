"""Modification sites of PSMs: which residues carry the modification, how surely, and where
they sit in the protein.

Search engines state localisation as a probability per candidate residue, in the peptide's
sequence (MaxQuant ``AALLAQY(0.316)ADVT(0.684)DEEDEADEK``, PTMProphet
``RRHS(0.178)HS(0.846)HS(0.839)PMS(0.071)T(0.066)R``). The probabilities sum to the number
of modifications the peptide carries, so a peptide with ``n`` modifications is placed on its
``n`` most probable residues; it is *localised* when each of them reaches the threshold
(0.75 by default, the usual class-I cut-off). A site is ``<protein>_<residue><position>``
(``P00533_K754``); a peptide with several modifications is one feature, its sites joined
(``P62995_S95_S97``), as MSstatsPTM names them.

Examples
--------
>>> localise("AALLAQY(0.316)ADVT(0.684)DEEDEADEK")
LocalisedSites(sequence='AALLAQYADVTDEEDEADEK', residues=('T',), offsets=(11,), probabilities=(0.684,))
>>> site_name("P62995", ("S", "S"), (95, 97))
'P62995_S95_S97'
"""  # noqa: E501

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from omics.errors import OmicsInputError
from omics.io.delimited import read_lines

__all__ = ["DEFAULT_MIN_PROBABILITY", "LocalisedSites", "localise", "protein_of_site",
           "read_fasta", "scored_sequence", "site_name"]

#: The localisation probability every site of a peptide must reach to be kept.
DEFAULT_MIN_PROBABILITY = 0.75
_SCORED = re.compile(r"([A-Z])\(([0-9.eE+-]+)\)")
_SITE_SUFFIX = re.compile(r"(?:_[A-Z]\d+)+$")


class LocalisedSites(NamedTuple):
    """The sites of one PSM: the plain peptide sequence, the modified residues, their
    1-based offsets in the peptide and their localisation probabilities."""

    sequence: str
    residues: tuple[str, ...]
    offsets: tuple[int, ...]
    probabilities: tuple[float, ...]


def localise(scored: str, n_sites: int | None = None) -> LocalisedSites:
    """Place a peptide's modifications on its most probable residues.

    Parameters
    ----------
    scored
        The peptide with a probability after each candidate residue.
    n_sites
        How many modifications the peptide carries; by default the rounded sum of the
        probabilities (at least one).

    Returns
    -------
    LocalisedSites
        Sites in peptide order. Ties go to the residue nearer the N-terminus.

    Examples
    --------
    >>> localise("RRHS(0.178)HS(0.846)HS(0.839)PMS(0.071)T(0.066)R").offsets
    (6, 8)
    """
    sequence = _SCORED.sub(r"\1", scored)
    candidates, removed = [], 0
    for match in _SCORED.finditer(scored):
        offset = match.start() - removed + 1
        removed += len(match.group(0)) - 1
        candidates.append((match.group(1), offset, float(match.group(2))))
    if not candidates:
        return LocalisedSites(sequence, (), (), ())
    if n_sites is None:
        n_sites = max(1, round(sum(p for _, _, p in candidates)))
    best = sorted(sorted(candidates, key=lambda c: -c[2])[:n_sites], key=lambda c: c[1])
    return LocalisedSites(sequence, tuple(c[0] for c in best), tuple(c[1] for c in best),
                          tuple(c[2] for c in best))


def scored_sequence(sequence: str, probabilities: dict[int, float]) -> str:
    """The peptide with a probability after each candidate residue (1-based offsets), the
    form :func:`localise` reads.

    Examples
    --------
    >>> scored_sequence("PEPSTK", {4: 0.9, 5: 0.1})
    'PEPS(0.9)T(0.1)K'
    """
    return "".join(residue + (f"({probabilities[i]:g})" if i in probabilities else "")
                   for i, residue in enumerate(sequence, start=1))


def site_name(protein: str, residues: tuple[str, ...], positions: tuple[int, ...]) -> str:
    """``<protein>_<residue><position>`` for each site, joined by ``_``."""
    return protein + "".join(f"_{r}{p}" for r, p in zip(residues, positions, strict=True))


def protein_of_site(name: str) -> str:
    """The protein of a site named as MSstatsPTM does (``Protein_12_S703`` ->
    ``Protein_12``; ``P62995_S95_S97`` -> ``P62995``).

    Examples
    --------
    >>> protein_of_site("Protein_12_S703_T705")
    'Protein_12'
    """
    return _SITE_SUFFIX.sub("", name)


def read_fasta(path: str | Path) -> dict[str, str]:
    """Protein sequences of a FASTA file by accession (UniProt ``sp|P00533|EGFR_HUMAN``
    headers give ``P00533``; other headers their first word).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "h.fasta"
    >>> _ = p.write_text(">sp|P00533|EGFR_HUMAN Epidermal growth factor receptor\\nMRPS\\nGTAG\\n")
    >>> read_fasta(p)
    {'P00533': 'MRPSGTAG'}
    """
    path = Path(path)
    sequences: dict[str, list[str]] = {}
    current = None
    for number, text in read_lines(path):
        line = text.strip()
        if line.startswith(">"):
            word = line[1:].split()[0] if line[1:].strip() else ""
            parts = word.split("|")
            current = parts[1] if len(parts) >= 3 else word
            if not current:
                raise OmicsInputError(path, "an empty header", "'>accession ...'", line=number)
            sequences[current] = []
        elif line:
            if current is None:
                raise OmicsInputError(path, f"sequence {line[:20]!r} before any header",
                                      "a '>accession' header first", line=number)
            sequences[current].append(line)
    if not sequences:
        raise OmicsInputError(path, "no '>' header", "a FASTA file of protein sequences")
    return {accession: "".join(parts) for accession, parts in sequences.items()}
