"""MSstats long format (``ProteinName``, ``PeptideSequence``, ``Charge``, ``PSM``,
``Mixture``, ``TechRepMixture``, ``Run``, ``Channel``, ``Condition``, ``BioReplicate``,
``Intensity``), as written by the MSstatsTMT / MSstatsPTM converters.

``level="protein"`` reads a protein-level file (features = ``ProteinName``);
``level="site"`` reads a PTM file, whose ``ProteinName`` carries the site as MSstatsPTM
writes it (``Protein_12_S703``, several sites joined by ``_``): features are the sites,
linked to their protein (``Protein_12``). PSMs are summarised per mixture and channel by
``sum`` or ``median``; the file's own ``Condition`` and ``BioReplicate`` annotate the
samples. A site name without a ``_<residue><position>`` suffix is an error at its line.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "ptm.tsv"
>>> _ = p.write_text("ProteinName\\tPeptideSequence\\tCharge\\tPSM\\tMixture\\tRun\\t"
...     "Channel\\tCondition\\tBioReplicate\\tIntensity\\n"
...     "P1_S5\\tPEPSK\\t2\\tpsm1\\t1\\tr1\\t126\\tA\\tA_1\\t10\\n"
...     "P1_S5\\tPEPSK\\t3\\tpsm2\\t1\\tr1\\t126\\tA\\tA_1\\t5\\n"
...     "P1_S5\\tPEPSK\\t2\\tpsm1\\t1\\tr1\\t127N\\tB\\tB_1\\tNA\\n")
>>> ds = read_msstats(p, level="site")
>>> ds["intensity"].values.tolist(), ds["protein"].values.tolist()
([[15.0, nan]], ['P1'])
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.delimited import line_of, parse_numeric_columns, read_text_table
from omics.io.options import ReaderOptions, register
from omics.io.protein_report import protein_dataset
from omics.io.ptm_dataset import PtmReaderOptions
from omics.io.ptm_sites import protein_of_site
from omics.io.tmt_annotation import (
    ANNOTATION_COLUMNS,
    attach_sample_sheet,
    channel_label,
    find_column,
    run_label,
    summarise_to_samples,
)

__all__ = ["read_msstats"]

_SITE = re.compile(r"_([A-Z])(\d+)")


def read_msstats(path: str | Path, *, level: Literal["protein", "site"] = "protein",
                 summary: str = "sum") -> xr.Dataset:
    """Read an MSstats long-format file as features x samples.

    Parameters
    ----------
    path
        The long table (``.tsv``, ``.csv``, optionally gzipped).
    level
        ``protein`` or ``site`` (see the module docstring).
    summary
        ``sum`` or ``median`` of a feature's PSMs per mixture and channel.

    Returns
    -------
    Dataset
        Like the other proteomics readers' (sites with their protein link for ``site``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "protein.tsv"
    >>> _ = p.write_text("ProteinName\\tMixture\\tRun\\tChannel\\tCondition\\tBioReplicate\\t"
    ...                  "Intensity\\nP1\\t1\\tr1\\t126\\tA\\tA_1\\t10\\n")
    >>> read_msstats(p)["sample"].values.tolist()
    ['1_126']
    """
    path = Path(path)
    frame = read_text_table(path, numeric=lambda position, name: name.lower() == "intensity")
    names = {n: find_column(frame, n, path) for n in (*ANNOTATION_COLUMNS, "ProteinName",
                                                      "Intensity")}
    feature = frame[names["ProteinName"]]  # read_text_table's cells are stripped already
    if level == "site":  # each distinct name checked once (a long table repeats them)
        distinct = pd.unique(feature.to_numpy())
        without_site = [name for name in distinct if name == protein_of_site(name)]
        if without_site:
            i = int(np.flatnonzero(feature.isin(without_site).to_numpy())[0])
            raise OmicsInputError(path, f"ProteinName {feature.iloc[i]!r} without a site",
                                  "a site name such as 'Protein_12_S703'",
                                  line=line_of(frame, i),
                                  column=list(frame.columns).index(names["ProteinName"]) + 1)
    # one row per distinct annotation first: a long table repeats it for every feature
    annotation = frame[[names[n] for n in ANNOTATION_COLUMNS]].drop_duplicates().set_axis(
        list(ANNOTATION_COLUMNS), axis=1)
    annotation["Run"] = run_label(annotation["Run"])
    annotation["Channel"] = channel_label(annotation["Channel"])
    annotation["sample"] = annotation["Mixture"] + "_" + annotation["Channel"]
    annotation = annotation.drop_duplicates(["Run", "Channel"])
    long = pd.DataFrame({"feature": feature.to_numpy(), "Run": frame[names["Run"]].to_numpy(),
                         "Channel": frame[names["Channel"]].to_numpy(),
                         "intensity": parse_numeric_columns(frame, [names["Intensity"]],
                                                            path)[:, 0]})
    wide, samples = summarise_to_samples(long, annotation, summary)
    if level == "protein":
        return protein_dataset(wide.to_numpy(), list(wide.index), list(wide.columns),
                               reader="msstats", dropped={}, sample_table=samples)
    sites = pd.Index(wide.index)
    found = [_SITE.findall(name[len(protein_of_site(name)):]) for name in sites]
    coords = {"feature": np.asarray(sites, dtype=object),
              "sample": np.asarray(wide.columns, dtype=object),
              "protein": ("feature", np.asarray([protein_of_site(s) for s in sites],
                                                dtype=object)),
              "gene": ("feature", np.full(len(sites), "", dtype=object)),
              "residues": ("feature", np.asarray([";".join(r for r, _ in f) for f in found],
                                                 dtype=object)),
              "positions": ("feature", np.asarray([";".join(p for _, p in f) for f in found],
                                                  dtype=object))}
    for name in samples.columns:
        coords[name] = ("sample", samples[name].astype(str).to_numpy(dtype=object))
    values = wide.to_numpy(np.float64)
    values[values <= 0] = np.nan
    return xr.Dataset({"intensity": (("feature", "sample"), values)}, coords=coords,
                      attrs={"reader": "msstats", "dropped": json.dumps({}), "n_dropped": 0,
                             "feature_kind": "site", "positions": "protein"})


@register
class MsstatsOptions(ReaderOptions):
    """``reader: msstats``: an MSstats long-format table of proteins (and optionally a
    ``samples`` sheet of ``<Mixture>_<Channel>`` samples)."""

    kind = "proteomics"
    file_fields = ("table", "samples")
    reader: Literal["msstats"] = "msstats"
    samples: Path | None = None
    summary: Literal["sum", "median"] = "sum"

    def read(self) -> xr.Dataset:
        return attach_sample_sheet(read_msstats(self.table, level="protein",
                                                summary=self.summary), self.samples, self.table)


@register
class MsstatsPtmOptions(PtmReaderOptions):
    """``reader: msstats_ptm``: an MSstatsPTM long-format table of sites."""

    file_fields = ("table", "samples")
    reader: Literal["msstats_ptm"] = "msstats_ptm"
    summary: Literal["sum", "median"] = "sum"

    def read_sites(self) -> xr.Dataset:
        return read_msstats(self.table, level="site", summary=self.summary)
