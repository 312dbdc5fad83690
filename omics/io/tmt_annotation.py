"""MSstatsTMT-style channel annotation: which biological sample each run and reporter channel
holds, and PSM intensities summarised to those samples.

The annotation has one row per ``Run`` and ``Channel`` with its ``Condition``, ``Mixture``
and ``BioReplicate`` (``Fraction`` and ``TechRepMixture`` may be present). Runs are matched
without a file extension (``f01.mzML`` is run ``f01``) and channels without a ``channel.``
prefix (MaxQuant's reporter ``1`` is MSstats' ``channel.1``). A sample is one mixture's
channel, ``<Mixture>_<Channel>``: its value for a feature sums (or takes the median of) the
feature's PSMs over every run, fraction and technical replicate of the mixture.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "ann.tsv"
>>> _ = p.write_text("Run\\tChannel\\tCondition\\tMixture\\tBioReplicate\\n"
...                  "r1\\tchannel.1\\tsens\\tM1\\tS1\\nr1\\tchannel.2\\tres\\tM1\\tR1\\n")
>>> ann = read_tmt_annotation(p)
>>> ann[["Run", "Channel", "sample"]].values.tolist()
[['r1', '1', 'M1_1'], ['r1', '2', 'M1_2']]
>>> long = pd.DataFrame({"feature": ["P1", "P1"], "Run": ["r1.raw", "r1.raw"],
...                      "Channel": ["1", "1"], "intensity": [3.0, 4.0]})
>>> wide, samples = summarise_to_samples(long, ann, "sum")
>>> wide.to_numpy().tolist(), samples["Condition"].tolist()
([[7.0, nan]], ['sens', 'res'])
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.delimited import line_of, read_text_table
from omics.io.sample_sheet import read_sample_sheet

__all__ = ["ANNOTATION_COLUMNS", "attach_sample_sheet", "channel_label", "check_runs",
           "find_column", "read_tmt_annotation", "run_label", "summarise_to_samples"]

ANNOTATION_COLUMNS = ("Run", "Channel", "Condition", "Mixture", "BioReplicate")
_RUN_SUFFIX = re.compile(r"\.(mzML|mzXML|raw|RAW|d|wiff|mgf)$")


def run_label(run: pd.Series) -> pd.Series:
    """Run names without a raw-file extension (``f01.mzML`` -> ``f01``)."""
    return run.astype(str).str.strip().str.replace(_RUN_SUFFIX, "", regex=True)


def channel_label(channel: pd.Series) -> pd.Series:
    """Channel names without a ``channel.`` prefix (``channel.10`` -> ``10``)."""
    return channel.astype(str).str.strip().str.replace(r"^channel[ ._]*", "", case=False,
                                                       regex=True)


def find_column(frame: pd.DataFrame, name: str, path: str | Path) -> str:
    """The column of ``frame`` called ``name``, ignoring case and punctuation (R's mangled
    ``Master.Protein.Accessions`` is ``Master Protein Accessions``); a one-line error
    naming the file otherwise."""
    wanted = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    for column in frame.columns:
        if re.sub(r"[^a-z0-9]+", " ", column.lower()).strip() == wanted:
            return column
    raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}", f"a {name!r} column",
                          line=1)


def read_tmt_annotation(path: str | Path) -> pd.DataFrame:
    """Read the annotation: its :data:`ANNOTATION_COLUMNS` (run and channel labels
    normalised) and ``sample`` (``<Mixture>_<Channel>``), in file order."""
    path = Path(path)
    table = read_text_table(path)
    table = table.rename(columns={find_column(table, n, path): n for n in ANNOTATION_COLUMNS})
    table["Run"] = run_label(table["Run"])
    table["Channel"] = channel_label(table["Channel"])
    table["sample"] = table["Mixture"].str.strip() + "_" + table["Channel"]
    table.attrs = {"name": path.name}
    return table


def check_runs(frame: pd.DataFrame, run_column: str, annotation: pd.DataFrame,
               path: str | Path) -> pd.Series:
    """The runs of a PSM table (extension removed), every one listed in the annotation; the
    first that is not is a one-line error at its line and column of ``path``."""
    runs = run_label(frame[run_column])
    unknown = ~runs.isin(set(annotation["Run"]))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise OmicsInputError(path, f"run {frame[run_column].iloc[i]!r}",
                              f"a Run listed in {annotation.attrs.get('name', 'the annotation')}",
                              line=line_of(frame, i),
                              column=list(frame.columns).index(run_column) + 1)
    return runs


def summarise_to_samples(long: pd.DataFrame, annotation: pd.DataFrame, summary: str
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summarise PSM intensities (``feature``, ``Run``, ``Channel``, ``intensity``; NaN =
    missing; runs checked by :func:`check_runs`) to features x samples by ``sum`` or
    ``median``; also the samples' annotation (``Mixture``, ``Channel``, ``Condition``,
    ``BioReplicate``), one row per sample.
    """
    if summary not in ("sum", "median"):
        raise OmicsInputError("summary", repr(summary), "'sum' or 'median'")
    long = long.assign(Run=run_label(long["Run"]), Channel=channel_label(long["Channel"]))
    joined = long.merge(annotation[["Run", "Channel", "sample"]], on=["Run", "Channel"],
                        how="inner")
    wide = joined.pivot_table(index="feature", columns="sample", values="intensity",
                              aggfunc=summary, dropna=False, sort=False)
    if summary == "sum":  # pandas sums all-missing groups to 0; they stay missing
        observed = joined.assign(seen=joined["intensity"].notna()).pivot_table(
            index="feature", columns="sample", values="seen", aggfunc="any", sort=False)
        wide = wide.where(observed.reindex_like(wide).eq(True))
    samples = annotation[annotation["Run"].isin(set(long["Run"]))]
    samples = samples.drop_duplicates("sample").set_index("sample")
    samples = samples.loc[:,
                          ["Mixture", "Channel", "Condition", "BioReplicate"]]
    wide = wide.reindex(columns=samples.index).astype(np.float64)
    return wide, samples


def attach_sample_sheet(dataset: xr.Dataset, sheet: str | Path | None,
                        table: str | Path) -> xr.Dataset:
    """``dataset`` with the columns of a sample sheet (one row per sample,
    ``<Mixture>_<Channel>``) as sample coordinates, e.g. the proteome's ``condition`` and
    ``plex`` so that both levels share a design; unchanged without a sheet. A sample of the
    data missing from the sheet, or a sheet row without data, is a one-line error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("sample,condition\\nM1_126,sens\\n")
    >>> ds = xr.Dataset(coords={"sample": ["M1_126"]})
    >>> attach_sample_sheet(ds, p, "t.tsv")["condition"].values.tolist()
    ['sens']
    """
    if sheet is None:
        return dataset
    frame = read_sample_sheet(sheet)
    samples = [str(s) for s in dataset["sample"].values]
    for sample in samples:
        if sample not in frame.index:
            raise OmicsInputError(sheet, f"no row for sample {sample!r} of {Path(table).name}",
                                  "one row per sample (<Mixture>_<Channel>)")
    extra = [s for s in frame.index if s not in set(samples)]
    if extra:
        position = list(frame.index).index(extra[0])
        raise OmicsInputError(sheet, f"sample {extra[0]!r} with no value in the table",
                              f"a sample of {Path(table).name}",
                              line=frame.attrs["line_numbers"][position], column=1)
    frame = frame.loc[samples]
    return dataset.assign_coords({name: ("sample", frame[name].to_numpy())
                                  for name in frame.columns})
