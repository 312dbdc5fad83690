"""Proteome Discoverer TMT PSMs of a PTM-enriched run, as sites.

PD writes a PSM's modifications as ``N-Term(TMT6plex); S5(Phospho); K9(GG)`` and, with
ptmRS, the localisation as ``ptmRS: Best Site Probabilities`` (``S5(Phospho): 99.2;
T7(Phospho): 0.8``, in percent). The modification count comes from ``Modifications``; the
candidates and their probabilities from ptmRS. Without a ptmRS column the engine's
placement has no probability, so the reader refuses unless ``min_probability`` is 0.
``Positions in Master Proteins`` (``P00533 [745-758]``) places the peptide; the first
master protein is the site's protein. Reporter abundances (``Abundance: 126``) are matched
to an MSstatsTMT annotation by ``Spectrum File``.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "psm.txt").write_text(
...     "Annotated Sequence\\tModifications\\tptmRS: Best Site Probabilities\\t"
...     "Master Protein Accessions\\tPositions in Master Proteins\\tSpectrum File\\t"
...     "Abundance: 126\\tAbundance: 127N\\n"
...     "[R].LLGAEEKEYHAEGGK.[V]\\tN-Term(TMT6plex); K7(GG)\\tK7(GG): 98.5\\tP00533\\t"
...     "P00533 [748-762]\\tr1.raw\\t10\\t20\\n")
>>> _ = (d / "ann.txt").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
...     "r1.raw\\t126\\tsens\\tM1\\tS1\\nr1.raw\\t127N\\tres\\tM1\\tR1\\n")
>>> ds = read_pd_ptm_psms(d / "psm.txt", d / "ann.txt", modification="glygly")
>>> ds["feature"].values.tolist(), ds["intensity"].values.tolist()
(['P00533_K754'], [[10.0, 20.0]])
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr
from pydantic import Field

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table
from omics.io.options import register
from omics.io.proteome_discoverer import ABUNDANCE_COLUMN
from omics.io.ptm_dataset import (
    PtmReaderOptions,
    modification_names,
    psm_sites,
    site_dataset,
)
from omics.io.ptm_sites import DEFAULT_MIN_PROBABILITY, read_fasta, scored_sequence
from omics.io.tmt_annotation import check_runs, find_column, read_tmt_annotation

__all__ = ["read_pd_ptm_psms"]

_MODIFIED = re.compile(r"([A-Z])(\d+)\(([^)]+)\)")
_PTMRS = re.compile(r"([A-Z])(\d+)(?:\(([^)]+)\))?:\s*([0-9.]+)")
_START = re.compile(r"\[(\d+)-\d+\]")


def _plain_sequence(annotated: str) -> str:
    """``[R].LLGAEEK.[V]`` -> ``LLGAEEK`` (a plain sequence stays as it is)."""
    parts = annotated.strip().split(".")
    return (parts[1] if len(parts) == 3 else annotated).upper()


def _scored(sequence: str, modifications: str, ptmrs: str | None, name: str
            ) -> tuple[str, int]:
    """The localisation string and modification count of one PSM."""
    placed = [int(pos) for _, pos, mod in _MODIFIED.findall(modifications) if mod == name]
    if ptmrs is None:
        return scored_sequence(sequence, dict.fromkeys(placed, 1.0)), len(placed)
    candidates = {int(pos): float(p) / 100 for _, pos, mod, p in _PTMRS.findall(ptmrs)
                  if mod in ("", name)}
    return scored_sequence(sequence, candidates), len(placed)


def read_pd_ptm_psms(path: str | Path, annotation: str | Path, *,
                     modification: str = "phospho",
                     min_probability: float = DEFAULT_MIN_PROBABILITY,
                     fasta: str | Path | None = None, summary: str = "sum") -> xr.Dataset:
    """Read Proteome Discoverer PSMs of a modification as sites x samples.

    Parameters
    ----------
    path, annotation
        The PSM export and its MSstatsTMT annotation.
    modification
        ``phospho``, ``glygly``/``ubiquitin``, ``acetyl`` or PD's own name (``GG``).
    min_probability
        Every site of a PSM must reach it (ptmRS percent / 100).
    fasta
        Protein sequences, for PSMs without ``Positions in Master Proteins``.
    summary
        ``sum`` or ``median`` of a site's PSMs per mixture and channel.

    Returns
    -------
    Dataset
        Sites x samples (see :mod:`omics.io.ptm_dataset`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "psm.txt").write_text(
    ...     "Annotated Sequence\\tModifications\\tptmRS: Best Site Probabilities\\t"
    ...     "Master Protein Accessions\\tPositions in Master Proteins\\tSpectrum File\\t"
    ...     "Abundance: 126\\n[K].SPEPTK.[A]\\tS1(Phospho)\\tS1(Phospho): 99\\tP1\\t"
    ...     "P1 [20-25]\\tr1.raw\\t4\\n")
    >>> _ = (d / "ann.txt").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
    ...                                "r1\\t126\\tsens\\tM1\\tS1\\n")
    >>> read_pd_ptm_psms(d / "psm.txt", d / "ann.txt")["feature"].values.tolist()
    ['P1_S20']
    """
    path = Path(path)
    name = modification_names(modification)[2]
    frame = read_text_table(path)
    by_lower = {c.lower(): c for c in frame.columns}
    ptmrs = next((c for low, c in by_lower.items() if low.startswith("ptmrs")), None)
    if ptmrs is None and min_probability > 0:
        raise OmicsInputError(path, "no 'ptmRS: Best Site Probabilities' column",
                              "ptmRS localisation, or min_probability: 0 to accept the "
                              "search engine's placement", line=1)
    channels = {c: m.group(1) for c in frame.columns if (m := ABUNDANCE_COLUMN.match(c))}
    if not channels:
        raise OmicsInputError(path, "no 'Abundance: <channel>' columns",
                              "reporter abundances such as 'Abundance: 126'", line=1)
    sequence_column = by_lower.get("annotated sequence") or find_column(frame, "Sequence",
                                                                        path)
    modifications = frame[find_column(frame, "Modifications", path)]
    table = read_tmt_annotation(annotation)
    runs = check_runs(frame, find_column(frame, "Spectrum File", path), table, path)
    localisation = frame[ptmrs] if ptmrs else pd.Series([None] * len(frame))
    placed = [_scored(_plain_sequence(seq), mods, probabilities, name) for seq, mods,
              probabilities in zip(frame[sequence_column], modifications, localisation,
                                   strict=True)]
    positions = by_lower.get("positions in master proteins")
    start = (frame[positions].str.extract(_START)[0].astype(float).to_numpy() if positions
             else np.full(len(frame), np.nan))
    proteins = frame[find_column(frame, "Master Protein Accessions", path)]
    psms = pd.DataFrame({"protein": proteins.str.split(";").str[0].str.strip().to_numpy(),
                         "gene": "", "scored": [scored for scored, _ in placed],
                         "n_sites": [float(n) for _, n in placed], "start": start,
                         "Run": runs.to_numpy()})
    psms[list(channels.values())] = parse_numeric_columns(frame, list(channels), path)
    sites, dropped = psm_sites(psms, min_probability, read_fasta(fasta) if fasta else None)
    return site_dataset(sites, list(channels.values()), table, summary,
                        reader="proteome_discoverer_ptm_psm", dropped=dropped,
                        peptide_positions=positions is None and fasta is None)


@register
class ProteomeDiscovererPtmOptions(PtmReaderOptions):
    """``reader: proteome_discoverer_ptm_psm``: PD PSMs of an enriched run with ptmRS, and
    their MSstatsTMT ``annotation``."""

    file_fields = ("table", "annotation", "fasta", "samples")
    reader: Literal["proteome_discoverer_ptm_psm"] = "proteome_discoverer_ptm_psm"
    annotation: Path
    modification: str = "phospho"
    min_probability: float = Field(default=DEFAULT_MIN_PROBABILITY, ge=0, le=1)
    fasta: Path | None = None
    summary: Literal["sum", "median"] = "sum"

    def read_sites(self) -> xr.Dataset:
        return read_pd_ptm_psms(self.table, self.annotation, modification=self.modification,
                                min_probability=self.min_probability, fasta=self.fasta,
                                summary=self.summary)
