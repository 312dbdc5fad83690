"""MaxQuant PTM exports: TMT ``evidence.txt`` with localisation probabilities, and the
``<Modification>Sites.txt`` tables (``Phospho (STY)Sites.txt``, ``GlyGly (K)Sites.txt``).

``evidence.txt`` PSMs carry ``<Modification> Probabilities`` (``AALLAQY(0.316)ADVT(0.684)...``)
and the count of that modification (column ``<Modification>``); the peptide's start in the
protein is not in the file, so protein positions need the search's FASTA (``fasta=``);
without it sites are placed within the peptide and said to be. Reporter channel ``N``
(``Reporter intensity corrected N``) is the annotation's ``channel.N`` of the raw file's
run. Decoys (``Reverse``) and contaminants are dropped and counted.

A ``Sites.txt`` table is already one row per site (``Protein``, ``Position``, ``Amino acid``,
``Localization prob``); rows below the probability threshold, decoys and contaminants are
dropped and counted. Reporter columns with a multiplicity suffix (``___1``, ``___2``,
``___3``: the site on singly, doubly, multiply modified peptides) are summed per channel
unless the table also has them without suffix.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "sites.txt").write_text(
...     "Protein\\tPosition\\tAmino acid\\tLocalization prob\\tGene names\\tReverse\\t"
...     "Potential contaminant\\tReporter intensity corrected 1___1\\t"
...     "Reporter intensity corrected 1___2\\tReporter intensity corrected 2___1\\n"
...     "P00533\\t754\\tK\\t0.99\\tEGFR\\t\\t\\t10\\t5\\t20\\n"
...     "P00533\\t757\\tK\\t0.51\\tEGFR\\t\\t\\t1\\t1\\t1\\n")
>>> ds = read_maxquant_sites(d / "sites.txt")
>>> ds["feature"].values.tolist(), ds["intensity"].values.tolist(), ds.attrs["dropped"]
(['P00533_K754'], [[15.0, 20.0]], '{"not_localised": 1}')
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr
from pydantic import Field

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table, rows_where
from omics.io.maxquant import drop_flagged, normal_name
from omics.io.options import register
from omics.io.ptm_dataset import (
    PtmReaderOptions,
    modification_names,
    psm_sites,
    site_dataset,
)
from omics.io.ptm_sites import DEFAULT_MIN_PROBABILITY, read_fasta
from omics.io.tmt_annotation import check_runs, find_column, read_tmt_annotation

__all__ = ["read_maxquant_ptm_evidence", "read_maxquant_sites"]

_REPORTER = re.compile(r"^Reporter[ .]+intensity[ .]+corrected[ .]+(\d+)(?:[ .]+(.+?))?"
                       r"(?:___(\d))?$")


def _without_flagged(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows not flagged ``+`` as decoy or contaminant, and the counts of those dropped."""
    by_normal = {normal_name(c): c for c in frame.columns}
    kept, dropped = drop_flagged(frame, by_normal, pd.Series(np.arange(len(frame))))
    return kept, {reason: len(rows) for reason, rows in dropped.items()}


def _reporters(frame: pd.DataFrame, path: Path) -> dict[str, list[str]]:
    """Reporter channel -> its columns (per multiplicity, or the one without suffix)."""
    plain: dict[str, list[str]] = {}
    suffixed: dict[str, list[str]] = {}
    for column in frame.columns:
        match = _REPORTER.match(column)
        if match:
            label = f"{match.group(2)}_{match.group(1)}" if match.group(2) else match.group(1)
            (suffixed if match.group(3) else plain).setdefault(label, []).append(column)
    if not plain and not suffixed:
        raise OmicsInputError(path, "no reporter columns",
                              "'Reporter intensity corrected <channel>' columns", line=1)
    return plain or suffixed


def read_maxquant_sites(path: str | Path, min_probability: float = DEFAULT_MIN_PROBABILITY
                        ) -> xr.Dataset:
    """Read a MaxQuant ``<Modification>Sites.txt`` (TMT reporter intensities).

    Parameters
    ----------
    path
        The sites table.
    min_probability
        Sites whose ``Localization prob`` is below it are dropped (counted in
        ``attrs["dropped"]``).

    Returns
    -------
    Dataset
        Sites x reporter channels (see :mod:`omics.io.ptm_dataset`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "GlyGly (K)Sites.txt"
    >>> _ = p.write_text("Protein\\tPosition\\tAmino acid\\tLocalization prob\\t"
    ...                  "Reporter intensity corrected 1\\nP00533\\t754\\tK\\t0.99\\t10\\n")
    >>> read_maxquant_sites(p)["feature"].values.tolist()
    ['P00533_K754']
    """
    path = Path(path)
    frame = read_text_table(path)
    columns = {name: find_column(frame, name, path)
               for name in ("Protein", "Position", "Amino acid", "Localization prob")}
    kept, dropped = _without_flagged(frame)
    probability = parse_numeric_columns(kept, [columns["Localization prob"]], path)[:, 0]
    localised = probability >= min_probability
    if (~localised).any():
        dropped["not_localised"] = int((~localised).sum())
    kept = rows_where(kept, localised)
    position = parse_numeric_columns(kept, [columns["Position"]], path, integer=True)[:, 0]
    reporters = _reporters(kept, path)
    values = np.column_stack([
        np.nansum(parse_numeric_columns(kept, cols, path), axis=1) for cols in
        reporters.values()])
    protein = kept[columns["Protein"]].str.strip().to_numpy()
    residue = kept[columns["Amino acid"]].str.strip().to_numpy()
    names = [f"{p}_{r}{int(q)}" for p, r, q in zip(protein, residue, position, strict=True)]
    gene_column = {normal_name(c): c for c in kept.columns}.get("gene names")
    genes = kept[gene_column].to_numpy(dtype=object) if gene_column else [""] * len(names)
    values[values <= 0] = np.nan
    coords = {"feature": np.asarray(names, dtype=object),
              "sample": np.asarray(list(reporters), dtype=object),
              "protein": ("feature", protein.astype(object)),
              "gene": ("feature", np.asarray(genes, dtype=object)),
              "residues": ("feature", residue.astype(object)),
              "positions": ("feature", np.asarray([str(int(q)) for q in position],
                                                  dtype=object))}
    return xr.Dataset({"intensity": (("feature", "sample"), values)}, coords=coords,
                      attrs={"reader": "maxquant_sites", "dropped": json.dumps(dropped),
                             "n_dropped": int(sum(dropped.values())), "feature_kind": "site",
                             "positions": "protein"})


def read_maxquant_ptm_evidence(path: str | Path, annotation: str | Path, *,
                               modification: str = "phospho",
                               min_probability: float = DEFAULT_MIN_PROBABILITY,
                               fasta: str | Path | None = None, summary: str = "sum"
                               ) -> xr.Dataset:
    """Read MaxQuant TMT ``evidence.txt`` PSMs of a modification as sites.

    Parameters
    ----------
    path, annotation
        The evidence table and its MSstatsTMT annotation (Run = ``Raw file``, Channel =
        ``channel.N``).
    modification
        ``phospho``, ``glygly``/``ubiquitin``, ``acetyl`` or MaxQuant's own name
        (``Phospho (STY)``): its ``<name> Probabilities`` column is read.
    min_probability
        Every site of a PSM must reach it.
    fasta
        The search's protein sequences, for positions in the protein.
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
    >>> _ = (d / "evidence.txt").write_text(
    ...     "Leading razor protein\\tRaw file\\tPhospho (STY)\\tPhospho (STY) Probabilities\\t"
    ...     "Reporter intensity corrected 1\\nP1\\tr1\\t1\\tPEPS(0.9)T(0.1)K\\t5\\n")
    >>> _ = (d / "ann.txt").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
    ...                                "r1\\tchannel.1\\tsens\\tM1\\tS1\\n")
    >>> ds = read_maxquant_ptm_evidence(d / "evidence.txt", d / "ann.txt")
    >>> ds["feature"].values.tolist(), ds.attrs["positions"]
    (['P1:PEPSTK_S4'], 'peptide')
    """
    path = Path(path)
    name = modification_names(modification)[0]
    frame = read_text_table(path)
    scored = find_column(frame, f"{name} Probabilities", path)
    counts = find_column(frame, name, path)
    protein = find_column(frame, "Leading razor protein", path)
    table = read_tmt_annotation(annotation)
    kept, dropped = _without_flagged(frame)
    reporters = _reporters(kept, path)
    runs = check_runs(kept, find_column(kept, "Raw file", path), table, path)
    gene_column = {normal_name(c): c for c in kept.columns}.get("gene names")
    psms = pd.DataFrame({
        "protein": kept[protein].str.strip().to_numpy(),
        "gene": kept[gene_column].to_numpy() if gene_column else "",
        "scored": kept[scored].to_numpy(),
        "n_sites": parse_numeric_columns(kept, [counts], path)[:, 0],
        "start": np.nan, "Run": runs.to_numpy()})
    channels = list(reporters)
    values = np.column_stack([parse_numeric_columns(kept, cols, path).sum(axis=1)
                              for cols in reporters.values()])
    psms[channels] = values
    sites, lost = psm_sites(psms, min_probability, read_fasta(fasta) if fasta else None)
    return site_dataset(sites, channels, table, summary, reader="maxquant_ptm_evidence",
                        dropped=dropped | lost, peptide_positions=fasta is None)


@register
class MaxQuantSitesOptions(PtmReaderOptions):
    """``reader: maxquant_sites``: a ``<Modification>Sites.txt`` table (TMT)."""

    file_fields = ("table", "samples")
    reader: Literal["maxquant_sites"] = "maxquant_sites"
    min_probability: float = Field(default=DEFAULT_MIN_PROBABILITY, ge=0, le=1)

    def read_sites(self) -> xr.Dataset:
        return read_maxquant_sites(self.table, self.min_probability)


@register
class MaxQuantPtmEvidenceOptions(PtmReaderOptions):
    """``reader: maxquant_ptm_evidence``: TMT ``evidence.txt`` of an enriched run, with its
    MSstatsTMT ``annotation`` (and optionally the search's ``fasta``)."""

    file_fields = ("table", "annotation", "fasta", "samples")
    reader: Literal["maxquant_ptm_evidence"] = "maxquant_ptm_evidence"
    annotation: Path
    modification: str = "phospho"
    min_probability: float = Field(default=DEFAULT_MIN_PROBABILITY, ge=0, le=1)
    fasta: Path | None = None
    summary: Literal["sum", "median"] = "sum"

    def read_sites(self) -> xr.Dataset:
        return read_maxquant_ptm_evidence(self.table, self.annotation,
                                          modification=self.modification,
                                          min_probability=self.min_probability,
                                          fasta=self.fasta, summary=self.summary)
