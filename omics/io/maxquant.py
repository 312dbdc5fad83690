"""MaxQuant ``proteinGroups.txt`` (TMT reporter, LFQ, raw intensity or iBAQ quantities) and
TMT ``evidence.txt`` (PSMs summarised to proteins).

Rows flagged ``+`` in ``Reverse`` (decoys), ``Potential contaminant`` or ``Only identified
by site``, and rows without any positive value in the chosen quantity, are dropped and
reported. Zero means not quantified (missing). Protein groups keep
all their accessions (``Protein IDs``, ``;``-separated). Column names may be MaxQuant's own
(``Reporter intensity corrected 0 M1R1``) or as R's ``read.table`` mangles them
(``Reporter.intensity.corrected.0.M1R1``); exports written by pandas or R (a leading
unnamed row index, rows whose trailing empty cells were cut off) are read too.

Samples are named by the column suffix: ``<experiment>_<channel>`` for reporter intensities
with experiments (``M1R1_0``), the channel alone without, the sample name for LFQ, raw
intensity and iBAQ.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "proteinGroups.txt"
>>> _ = p.write_text("Protein IDs\\tGene names\\tLFQ intensity A\\tLFQ intensity B\\tReverse\\t"
...                  "Potential contaminant\\nP08133\\tANXA6\\t5\\t0\\t\\t\\n"
...                  "REV__P1\\t\\t1\\t1\\t+\\t\\n")
>>> ds = read_maxquant_protein_groups(p, quantity="lfq")
>>> ds["intensity"].values.tolist(), ds.attrs["dropped"]
([[5.0, nan]], '{"reverse": ["REV__P1"]}')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.delimited import parse_numeric_columns, read_text_table, rows_where
from omics.io.features import checked_feature_ids
from omics.io.hgnc import HgncMap
from omics.io.options import ReaderOptions, hgnc_map, register
from omics.io.protein_report import protein_dataset

__all__ = ["QUANTITIES", "READER_NAME", "drop_flagged", "normal_name",
           "read_maxquant_evidence", "read_maxquant_protein_groups"]

READER_NAME = "maxquant_protein_groups"
_SEP = r"[ .]+"
#: quantity name -> pattern of its per-sample columns
QUANTITIES = {
    "reporter": re.compile(rf"^Reporter{_SEP}intensity{_SEP}corrected{_SEP}(\d+)(?:{_SEP}(.+))?$"),
    "lfq": re.compile(rf"^LFQ{_SEP}intensity{_SEP}(.+)$"),
    "intensity": re.compile(rf"^Intensity{_SEP}(.+)$"),
    "ibaq": re.compile(rf"^iBAQ{_SEP}(.+)$"),
}
_FLAGS = {"reverse": "reverse", "potential contaminant": "contaminant",
          "contaminant": "contaminant", "only identified by site": "only_identified_by_site"}
_NOT_SAMPLES = {"peptides", "L", "H", "M"}


def normal_name(name: str) -> str:
    """A column name lower-cased with punctuation as single spaces (MaxQuant's own and R's
    mangled names compare equal)."""
    return re.sub(r"[^0-9a-z]+", " ", name.lower()).strip()


def _sample_columns(header: list[str], quantity: str) -> dict[str, str]:
    pattern = QUANTITIES[quantity]
    found = {}
    for column in header:
        match = pattern.match(column)
        if not match or match.group(1) in _NOT_SAMPLES:
            continue
        if quantity == "reporter":
            channel, experiment = match.group(1), match.group(2)
            found[column] = f"{experiment}_{channel}" if experiment else channel
        else:
            found[column] = match.group(1)
    if quantity == "reporter" and any("_" in label for label in found.values()):
        found = {c: label for c, label in found.items() if "_" in label}  # drop totals
    return found


def drop_flagged(frame: pd.DataFrame, by_normal: dict[str, str], ids: pd.Series
                  ) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Rows flagged ``+`` as decoy, contaminant or site-only, removed and listed by reason."""
    drop = np.zeros(len(frame), dtype=bool)
    dropped: dict[str, list[str]] = {}
    for flag, reason in _FLAGS.items():
        if flag in by_normal:
            hit = (frame[by_normal[flag]].str.strip() == "+").to_numpy()
            if (hit & ~drop).any():
                dropped.setdefault(reason, []).extend(ids[hit & ~drop].tolist())
            drop |= hit
    return rows_where(frame, ~drop), dropped


def _with_attrs(frame: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    frame.attrs = dict(attrs)
    return frame


def _drop_unquantified(frame: pd.DataFrame, columns: list[str], id_column: str
                       ) -> tuple[pd.DataFrame, list[str]]:
    """Rows with no positive value in any sample column (nothing measured), removed and
    listed."""
    numbers = frame[columns].apply(pd.to_numeric, errors="coerce")
    empty = ~(numbers > 0).any(axis=1).to_numpy()
    return rows_where(frame, ~empty), frame.loc[empty, id_column].tolist()


def read_maxquant_evidence(path: str | Path, summary: str = "sum",
                           hgnc: HgncMap | None = None) -> xr.Dataset:
    """Summarise MaxQuant TMT ``evidence.txt`` PSMs to proteins (``Leading razor protein``)
    per experiment and reporter channel, by ``sum`` or ``median`` (missing values ignored).

    Samples are named ``<experiment>_<channel>`` like the protein-group reader's.
    """
    path = Path(path)
    if summary not in ("sum", "median"):
        raise OmicsInputError("summary", repr(summary), "'sum' or 'median'")
    frame = read_text_table(path, numeric=lambda position, name: bool(
        QUANTITIES["reporter"].match(name)))
    by_normal = {normal_name(c): c for c in frame.columns}
    for needed in ("leading razor protein", "experiment"):
        if needed not in by_normal:
            raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}",
                                  f"a {needed.capitalize()!r} column", line=1)
    channels = _sample_columns(list(frame.columns), "reporter")
    if not channels:
        raise OmicsInputError(path, "no reporter columns",
                              "'Reporter intensity corrected <channel>' columns", line=1)
    protein = frame[by_normal["leading razor protein"]]
    kept, dropped = drop_flagged(frame, by_normal, protein)
    values = parse_numeric_columns(kept, list(channels), path)
    values[values == 0] = np.nan
    long = pd.DataFrame(values, columns=list(channels.values()))
    long["protein"] = kept[by_normal["leading razor protein"]].to_numpy()
    long["experiment"] = kept[by_normal["experiment"]].to_numpy()
    long = long.melt(id_vars=["protein", "experiment"], var_name="channel",
                     value_name="intensity")
    long["sample"] = long["experiment"] + "_" + long["channel"]
    wide = long.pivot_table(index="protein", columns="sample", values="intensity",
                            aggfunc=summary, dropna=False, sort=False)
    experiments = list(dict.fromkeys(long["experiment"]))
    order = [f"{e}_{c}" for e in experiments for c in channels.values()]
    wide = wide.reindex(columns=[o for o in order if o in wide.columns])
    return protein_dataset(wide.to_numpy(), list(wide.index), list(wide.columns),
                           reader="maxquant_evidence", dropped=dropped, hgnc=hgnc)


def read_maxquant_protein_groups(path: str | Path, quantity: str = "reporter",
                                 samples: str | Path | None = None,
                                 hgnc: HgncMap | None = None) -> xr.Dataset:
    """Read ``proteinGroups.txt`` (``quantity``: reporter, lfq, intensity or ibaq)."""
    path = Path(path)
    if quantity not in QUANTITIES:
        raise OmicsInputError("quantity", repr(quantity), "one of " + ", ".join(QUANTITIES))
    frame = read_text_table(path, row_names=True, pad_short_rows=True,
                            numeric=lambda position, name: bool(QUANTITIES[quantity].match(name)))
    if "row_name" in frame.columns:  # a pandas/R export's row index
        frame = frame.drop(columns="row_name").pipe(_with_attrs, frame.attrs)
    header = list(frame.columns)
    by_normal = {normal_name(c): c for c in header}
    if "protein ids" not in by_normal:
        raise OmicsInputError(path, f"columns {header[:6]}", "a 'Protein IDs' column", line=1)
    columns = _sample_columns(header, quantity)
    if not columns:
        raise OmicsInputError(path, f"no {quantity} columns",
                              f"columns like {QUANTITIES[quantity].pattern}", line=1)
    kept, dropped = drop_flagged(frame, by_normal, frame[by_normal["protein ids"]])
    kept, dropped["no_quantity"] = _drop_unquantified(kept, list(columns),
                                                      by_normal["protein ids"])
    if not dropped["no_quantity"]:
        del dropped["no_quantity"]
    groups = checked_feature_ids(kept, by_normal["protein ids"], path)
    values = parse_numeric_columns(kept, list(columns), path)
    genes = kept[by_normal["gene names"]].tolist() if "gene names" in by_normal else None
    return protein_dataset(values, [str(g) for g in groups], list(columns.values()),
                           reader=READER_NAME, dropped=dropped, genes=genes, hgnc=hgnc,
                           sample_sheet=samples, source=path)


@register
class MaxQuantProteinGroupsOptions(ReaderOptions):
    """``reader: maxquant_protein_groups``: ``proteinGroups.txt`` and the quantity to use."""

    kind = "proteomics"
    file_fields = ("table", "samples", "hgnc")
    reader: Literal["maxquant_protein_groups"] = "maxquant_protein_groups"
    quantity: Literal["reporter", "lfq", "intensity", "ibaq"] = "reporter"
    samples: Path | None = None
    hgnc: Path | None = None

    def read(self) -> xr.Dataset:
        return read_maxquant_protein_groups(self.table, self.quantity, self.samples,
                                            hgnc=hgnc_map(self.hgnc))


@register
class MaxQuantEvidenceOptions(ReaderOptions):
    """``reader: maxquant_evidence``: TMT ``evidence.txt``, PSMs summarised per protein."""

    kind = "proteomics"
    file_fields = ("table", "hgnc")
    reader: Literal["maxquant_evidence"] = "maxquant_evidence"
    summary: Literal["sum", "median"] = "sum"
    hgnc: Path | None = None

    def read(self) -> xr.Dataset:
        return read_maxquant_evidence(self.table, self.summary, hgnc=hgnc_map(self.hgnc))
