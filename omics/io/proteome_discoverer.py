"""Proteome Discoverer PSM export with an MSstatsTMT-style annotation file.

The PSM table has one row per peptide-spectrum match: ``Master Protein Accessions``,
``Spectrum File`` (the run) and reporter abundances ``Abundance: 126`` ... (also as R's
mangled ``Abundance..126``). The annotation maps each ``Run`` and ``Channel`` to
``Condition``, ``Mixture``, ``BioReplicate`` (and ``Fraction``, ``TechRepMixture``). PSMs
are summarised to proteins per mixture and channel, over all runs, fractions and technical
replicates of the mixture, by ``sum`` or ``median`` (NaN ignored). PSMs without a master
protein are dropped and reported.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "psm.txt").write_text("Master Protein Accessions\\tSpectrum File\\t"
...     "Abundance: 126\\tAbundance: 127N\\nP00533\\tr1.raw\\t10\\t20\\n"
...     "P00533\\tr1.raw\\t30\\t\\n\\tr1.raw\\t1\\t1\\n")
>>> _ = (d / "ann.txt").write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
...     "r1.raw\\t126\\tsens\\tM1\\tS1\\nr1.raw\\t127N\\tres\\tM1\\tR1\\n")
>>> ds = read_pd_psms(d / "psm.txt", d / "ann.txt")
>>> ds["intensity"].values.tolist(), ds["Condition"].values.tolist()
([[40.0, 20.0]], ['sens', 'res'])
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.delimited import line_of, parse_numeric_columns, read_text_table
from omics.io.hgnc import HgncMap
from omics.io.options import ReaderOptions, hgnc_map, register
from omics.io.protein_report import protein_dataset

__all__ = ["READER_NAME", "read_pd_psms"]

READER_NAME = "proteome_discoverer_psm"
_ABUNDANCE = re.compile(r"^Abundance[:. ]+(\d{3}[NC]?)$")
_ANNOTATION = ("Run", "Channel", "Condition", "Mixture", "BioReplicate")


def _column(frame: pd.DataFrame, name: str, path: Path) -> str:
    wanted = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    for column in frame.columns:
        if re.sub(r"[^a-z0-9]+", " ", column.lower()).strip() == wanted:
            return column
    raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}", f"a {name!r} column",
                          line=1)


def read_pd_psms(psms: str | Path, annotation: str | Path, summary: str = "sum",
                 hgnc: HgncMap | None = None) -> xr.Dataset:
    """Read PD PSMs and their annotation; summarise to proteins per mixture and channel."""
    psms, annotation = Path(psms), Path(annotation)
    if summary not in ("sum", "median"):
        raise OmicsInputError("summary", repr(summary), "'sum' or 'median'")
    frame = read_text_table(psms)
    channels = {c: m.group(1) for c in frame.columns if (m := _ABUNDANCE.match(c))}
    if not channels:
        raise OmicsInputError(psms, "no 'Abundance: <channel>' columns",
                              "reporter abundances such as 'Abundance: 126'", line=1)
    protein = frame[_column(frame, "Master Protein Accessions", psms)].str.strip()
    run = frame[_column(frame, "Spectrum File", psms)].str.strip()
    table = read_text_table(annotation)
    for name in _ANNOTATION:
        _column(table, name, annotation)
    table = table.rename(columns={_column(table, n, annotation): n for n in _ANNOTATION})
    known = set(table["Run"])
    unknown = ~run.isin(known)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise OmicsInputError(psms, f"run {run.iloc[i]!r}", f"a Run listed in {annotation.name}",
                              line=line_of(frame, i),
                              column=list(frame.columns).index(_column(frame, "Spectrum File",
                                                                       psms)) + 1)
    values = parse_numeric_columns(frame, list(channels), psms)
    long = pd.DataFrame(values, columns=list(channels.values()))
    long["protein"], long["Run"] = protein.to_numpy(), run.to_numpy()
    dropped = {"no_master_protein": [f"line {line_of(frame, int(i))}"
                                     for i in np.flatnonzero(protein.eq("").to_numpy())]}
    long = long[protein.ne("").to_numpy()].melt(id_vars=["protein", "Run"], var_name="Channel",
                                                value_name="abundance")
    long = long.merge(table[list(_ANNOTATION)], on=["Run", "Channel"], how="inner")
    long["sample"] = long["Mixture"] + "_" + long["Channel"]
    wide = long.pivot_table(index="protein", columns="sample", values="abundance",
                            aggfunc=summary, dropna=False)
    order = table.drop_duplicates(["Mixture", "Channel"])
    order = order.assign(sample=order["Mixture"] + "_" + order["Channel"])
    order = order[order["sample"].isin(wide.columns)]
    wide = wide.reindex(columns=order["sample"])
    samples = order.set_index("sample")[["Mixture", "Channel", "Condition", "BioReplicate"]]
    return protein_dataset(wide.to_numpy(), list(wide.index), list(wide.columns),
                           reader=READER_NAME,
                           dropped={k: v for k, v in dropped.items() if v}, hgnc=hgnc,
                           sample_table=samples)


@register
class ProteomeDiscovererOptions(ReaderOptions):
    """``reader: proteome_discoverer_psm``: PD PSMs with an MSstatsTMT ``annotation``."""

    kind = "proteomics"
    file_fields = ("table", "annotation", "hgnc")
    reader: Literal["proteome_discoverer_psm"] = "proteome_discoverer_psm"
    annotation: Path
    summary: Literal["sum", "median"] = "sum"
    hgnc: Path | None = None

    def read(self) -> xr.Dataset:
        return read_pd_psms(self.table, self.annotation, self.summary, hgnc=hgnc_map(self.hgnc))

    def sample_file(self) -> Path:
        return self.annotation
