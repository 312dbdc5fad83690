"""FragPipe (Philosopher) TMT ``psm.tsv``: of a PTM-enriched run as sites, of a global run
as proteins.

PTMProphet writes one localisation column per modification, named by its residues and mass
(``STY:79.9663``, R-mangled ``STY.79.966331``; ``K:114.0429`` for diGly), holding the
peptide with a probability after each candidate residue. ``Protein Start`` places the
peptide in the protein (``Protein ID``), ``Spectrum File`` names the run and
``Channel <label>`` columns hold the reporter intensities, matched to an MSstatsTMT
annotation. A global run's PSMs are summarised to ``Protein ID`` (genes from ``Gene``).

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "psm.tsv").write_text(
...     "Spectrum File\\tProtein ID\\tGene\\tProtein Start\\tSTY:79.9663\\t"
...     "Channel 126\\tChannel 127N\\n"
...     "f1.mzML\\tP00533\\tEGFR\\t1060\\tDY(0.99)S(0.01)R\\t100\\t200\\n")
>>> _ = (d / "ann.tsv").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
...     "f1\\t126\\tsens\\tM1\\tS1\\nf1\\t127N\\tres\\tM1\\tR1\\n")
>>> ds = read_fragpipe_ptm_psms(d / "psm.tsv", d / "ann.tsv")
>>> ds["feature"].values.tolist(), ds["intensity"].values.tolist()
(['P00533_Y1061'], [[100.0, 200.0]])
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
from omics.io.options import ReaderOptions, register
from omics.io.protein_report import protein_dataset
from omics.io.ptm_dataset import (
    PtmReaderOptions,
    modification_names,
    psm_sites,
    site_dataset,
)
from omics.io.ptm_sites import DEFAULT_MIN_PROBABILITY
from omics.io.tmt_annotation import (
    check_runs,
    find_column,
    read_tmt_annotation,
    summarise_to_samples,
)

__all__ = ["read_fragpipe_psms", "read_fragpipe_ptm_psms"]

_LOCALISATION = re.compile(r"^[A-Za-z\-\[\]]+[:.](\d+\.\d+)$")
_CHANNEL = re.compile(r"^Channel[ .]+(\S+)$")


def _localisation_column(frame: pd.DataFrame, modification: str, path: Path) -> str:
    """The PTMProphet column of ``modification`` (a known name, or the column's own)."""
    if modification in frame.columns:
        return modification
    mass = modification_names(modification)[1]
    found = {c: float(m.group(1)) for c in frame.columns if (m := _LOCALISATION.match(c))}
    for column, column_mass in found.items():
        if mass is not None and abs(column_mass - mass) < 0.01:
            return column
    raise OmicsInputError(path, f"no localisation column of {modification!r} (columns "
                          f"{sorted(found) or 'none'})",
                          "a PTMProphet column such as 'STY:79.9663'", line=1)


def _channels(frame: pd.DataFrame, path: Path) -> dict[str, str]:
    channels = {c: m.group(1) for c in frame.columns if (m := _CHANNEL.match(c))}
    if not channels:
        raise OmicsInputError(path, "no 'Channel <label>' columns",
                              "TMT reporter columns such as 'Channel 126'", line=1)
    return channels


def read_fragpipe_psms(path: str | Path, annotation: str | Path, *, summary: str = "sum"
                       ) -> xr.Dataset:
    """Read FragPipe PSMs of a global-proteome run as proteins x samples.

    Parameters
    ----------
    path, annotation
        ``psm.tsv`` and its MSstatsTMT annotation.
    summary
        ``sum`` or ``median`` of a protein's PSMs per mixture and channel.

    Returns
    -------
    Dataset
        Like the other proteomics readers' (:func:`omics.io.protein_report.protein_dataset`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "psm.tsv").write_text("Spectrum File\\tProtein ID\\tGene\\tChannel 126\\n"
    ...     "f1.mzML\\tP00533\\tEGFR\\t7\\nf1.mzML\\tP00533\\tEGFR\\t3\\n")
    >>> _ = (d / "ann.tsv").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
    ...                                "f1\\t126\\tsens\\tM1\\tS1\\n")
    >>> read_fragpipe_psms(d / "psm.tsv", d / "ann.tsv")["intensity"].values.tolist()
    [[10.0]]
    """
    path = Path(path)
    frame = read_text_table(path, numeric=lambda position, name: bool(_CHANNEL.match(name)))
    channels = _channels(frame, path)
    table = read_tmt_annotation(annotation)
    runs = check_runs(frame, find_column(frame, "Spectrum File", path), table, path)
    long = pd.DataFrame(parse_numeric_columns(frame, list(channels), path),
                        columns=list(channels.values()))
    long["feature"] = frame[find_column(frame, "Protein ID", path)].str.strip().to_numpy()
    long["Run"] = runs.to_numpy()
    genes = dict(zip(long["feature"], frame[find_column(frame, "Gene", path)], strict=True))
    long = long.melt(id_vars=["feature", "Run"], var_name="Channel", value_name="intensity")
    wide, samples = summarise_to_samples(long, table, summary)
    return protein_dataset(wide.to_numpy(), list(wide.index), list(wide.columns),
                           reader="fragpipe_psm", dropped={},
                           genes=[genes[f] for f in wide.index], sample_table=samples)


def read_fragpipe_ptm_psms(path: str | Path, annotation: str | Path, *,
                           modification: str = "phospho",
                           min_probability: float = DEFAULT_MIN_PROBABILITY,
                           summary: str = "sum") -> xr.Dataset:
    """Read FragPipe PSMs of a modification as sites x samples.

    Parameters
    ----------
    path, annotation
        ``psm.tsv`` and its MSstatsTMT annotation (Run = spectrum file without extension).
    modification
        ``phospho``, ``glygly``/``ubiquitin``, ``acetyl`` or the localisation column's name.
    min_probability
        Every site of a PSM must reach it.
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
    >>> _ = (d / "psm.tsv").write_text(
    ...     "Spectrum File\\tProtein ID\\tGene\\tProtein Start\\tSTY:79.9663\\tChannel 126\\n"
    ...     "f1.mzML\\tP00533\\tEGFR\\t1060\\tDY(0.99)S(0.01)R\\t100\\n")
    >>> _ = (d / "ann.tsv").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
    ...                                "f1\\t126\\tsens\\tM1\\tS1\\n")
    >>> read_fragpipe_ptm_psms(d / "psm.tsv", d / "ann.tsv")["feature"].values.tolist()
    ['P00533_Y1061']
    """
    path = Path(path)
    frame = read_text_table(path, numeric=lambda position, name: bool(_CHANNEL.match(name)))
    scored = _localisation_column(frame, modification, path)
    channels = _channels(frame, path)
    table = read_tmt_annotation(annotation)
    runs = check_runs(frame, find_column(frame, "Spectrum File", path), table, path)
    start = parse_numeric_columns(frame, [find_column(frame, "Protein Start", path)], path,
                                  integer=True)[:, 0]
    gene = find_column(frame, "Gene", path)
    psms = pd.DataFrame({
        "protein": frame[find_column(frame, "Protein ID", path)].str.strip().to_numpy(),
        "gene": frame[gene].to_numpy(), "scored": frame[scored].to_numpy(),
        "n_sites": np.nan, "start": start, "Run": runs.to_numpy()})
    psms[list(channels.values())] = parse_numeric_columns(frame, list(channels), path)
    sites, dropped = psm_sites(psms, min_probability)
    return site_dataset(sites, list(channels.values()), table, summary,
                        reader="fragpipe_ptm_psm", dropped=dropped, peptide_positions=False)


@register
class FragPipePtmOptions(PtmReaderOptions):
    """``reader: fragpipe_ptm_psm``: FragPipe ``psm.tsv`` of an enriched run with its
    MSstatsTMT ``annotation``."""

    file_fields = ("table", "annotation", "samples")
    reader: Literal["fragpipe_ptm_psm"] = "fragpipe_ptm_psm"
    annotation: Path
    modification: str = "phospho"
    min_probability: float = Field(default=DEFAULT_MIN_PROBABILITY, ge=0, le=1)
    summary: Literal["sum", "median"] = "sum"

    def read_sites(self) -> xr.Dataset:
        return read_fragpipe_ptm_psms(self.table, self.annotation,
                                      modification=self.modification,
                                      min_probability=self.min_probability,
                                      summary=self.summary)



@register
class FragPipeOptions(ReaderOptions):
    """``reader: fragpipe_psm``: FragPipe ``psm.tsv`` of a global-proteome run with its
    MSstatsTMT ``annotation``."""

    kind = "proteomics"
    file_fields = ("table", "annotation")
    reader: Literal["fragpipe_psm"] = "fragpipe_psm"
    annotation: Path
    summary: Literal["sum", "median"] = "sum"

    def read(self) -> xr.Dataset:
        return read_fragpipe_psms(self.table, self.annotation, summary=self.summary)

    def sample_file(self) -> Path:
        return self.annotation
