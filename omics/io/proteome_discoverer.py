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
from omics.io.tmt_annotation import (
    check_runs,
    find_column,
    read_tmt_annotation,
    summarise_to_samples,
)

__all__ = ["ABUNDANCE_COLUMN", "READER_NAME", "read_pd_psms"]

READER_NAME = "proteome_discoverer_psm"
ABUNDANCE_COLUMN = re.compile(r"^Abundance[:. ]+(\d{3}[NC]?)$")


def read_pd_psms(psms: str | Path, annotation: str | Path, summary: str = "sum",
                 hgnc: HgncMap | None = None) -> xr.Dataset:
    """Read PD PSMs and their annotation; summarise to proteins per mixture and channel."""
    psms, annotation = Path(psms), Path(annotation)
    if summary not in ("sum", "median"):
        raise OmicsInputError("summary", repr(summary), "'sum' or 'median'")
    frame = read_text_table(psms, numeric=lambda position, name: bool(
        ABUNDANCE_COLUMN.match(name)))
    channels = {c: m.group(1) for c in frame.columns if (m := ABUNDANCE_COLUMN.match(c))}
    if not channels:
        raise OmicsInputError(psms, "no 'Abundance: <channel>' columns",
                              "reporter abundances such as 'Abundance: 126'", line=1)
    protein = frame[find_column(frame, "Master Protein Accessions", psms)].str.strip()
    table = read_tmt_annotation(annotation)
    run = check_runs(frame, find_column(frame, "Spectrum File", psms), table, psms)
    values = parse_numeric_columns(frame, list(channels), psms)
    long = pd.DataFrame(values, columns=list(channels.values()))
    long["feature"], long["Run"] = protein.to_numpy(), run.to_numpy()
    dropped = {"no_master_protein": [f"line {line_of(frame, int(i))}"
                                     for i in np.flatnonzero(protein.eq("").to_numpy())]}
    long = long[protein.ne("").to_numpy()].melt(id_vars=["feature", "Run"],
                                                var_name="Channel", value_name="intensity")
    wide, samples = summarise_to_samples(long, table, summary)
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
