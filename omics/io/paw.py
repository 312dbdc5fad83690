"""PAW pipeline grouped protein report (``grouped_protein_summary_TMT_*.txt``).

A preamble precedes the tab-separated header (which starts with ``ProtGroup``); reporter
ion totals are the ``TotInt_<channel>_<experiment>`` columns; the ``Filter`` column marks
``contaminant`` and ``reversed`` (decoy) rows, which are dropped and reported. Gene symbols
come from the ``GN=`` tag of ``Description`` unless an HGNC map is given.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "paw.txt"
>>> _ = p.write_text("PAW results\\n\\nProtGroup\\tAccession\\tFilter\\tDescription\\t"
...     "TotInt_126_x\\tTotInt_127N_x\\n1\\tsp|P00533|EGFR_HUMAN\\t \\tEGFR GN=EGFR\\t10\\t0\\n"
...     "2\\tCONT_1\\tcontaminant\\ttrypsin\\t5\\t5\\n")
>>> ds = read_paw(p)
>>> ds["sample"].values.tolist(), ds["gene"].values.tolist(), ds.attrs["dropped"]
(['126', '127N'], ['EGFR'], '{"contaminant": ["CONT_1"]}')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import xarray as xr

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table, rows_where
from omics.io.features import checked_feature_ids
from omics.io.hgnc import HgncMap
from omics.io.options import ReaderOptions, hgnc_map, register
from omics.io.protein_report import protein_dataset

__all__ = ["READER_NAME", "read_paw"]

READER_NAME = "paw"
_CHANNEL = re.compile(r"^TotInt_([0-9]{3}[NC]?)_")
_DROP = ("contaminant", "reversed", "decoy")


def read_paw(path: str | Path, samples: str | Path | None = None,
             hgnc: HgncMap | None = None) -> xr.Dataset:
    """Read a PAW grouped protein report; ``samples`` (optional) is a sample sheet whose
    ``sample`` column names the channels (e.g. ``126C``)."""
    path = Path(path)
    frame = read_text_table(path, header_first_cell="ProtGroup")
    header = list(frame.columns)
    channels = {column: match.group(1) for column in header
                if (match := _CHANNEL.match(column))}
    for name in ("Accession", "Filter"):
        if name not in header:
            raise OmicsInputError(path, f"columns {header[:6]}", f"a {name!r} column",
                                  line=frame.attrs["line_numbers"][0] - 1)
    if not channels:
        raise OmicsInputError(path, "no TotInt_<channel>_ columns",
                              "reporter ion totals as TotInt_126_..., TotInt_127N_...")
    flags = frame["Filter"].str.strip().str.lower()
    dropped = {reason: frame.loc[flags == reason, "Accession"].tolist() for reason in _DROP
               if (flags == reason).any()}
    kept = rows_where(frame, ~flags.isin(_DROP).to_numpy())
    groups = checked_feature_ids(kept, "Accession", path)
    values = parse_numeric_columns(kept, list(channels), path)
    genes = [m.group(1) if (m := re.search(r"\bGN=(\S+)", d)) else None
             for d in kept.get("Description", [""] * len(kept))]
    return protein_dataset(values, [str(g) for g in groups], list(channels.values()),
                           reader=READER_NAME, dropped=dropped, genes=genes, hgnc=hgnc,
                           sample_sheet=samples, source=path)


@register
class PawOptions(ReaderOptions):
    """``reader: paw``: a PAW grouped protein report (optional sample sheet, HGNC table)."""

    kind = "proteomics"
    file_fields = ("table", "samples", "hgnc")
    reader: Literal["paw"] = "paw"
    samples: Path | None = None
    hgnc: Path | None = None

    def read(self) -> xr.Dataset:
        return read_paw(self.table, self.samples, hgnc=hgnc_map(self.hgnc))
