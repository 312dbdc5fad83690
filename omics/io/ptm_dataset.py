"""What every PTM reader returns: modification sites as features, linked to their protein.

A reader turns its format into one row per PSM (protein, gene, localisation string, number of
modifications, the peptide's start in the protein, run, reporter intensities) and hands it to
:func:`psm_sites` and :func:`site_dataset`. The result has the shape of the protein readers'
Dataset (``intensity``: site x sample, NaN = missing) with feature coordinates ``protein``
(the link to the protein-level modality), ``gene``, ``residues`` and ``positions`` (``;``
joined for multi-site peptides) and ``peptide``. PSMs left out are counted by reason in
``attrs["dropped"]``: ``not_localised`` (a site below the probability threshold),
``unmodified`` (no candidate residue), ``peptide_not_in_fasta``. When a format gives no
peptide start and no FASTA is supplied, positions are within the peptide: the site is
then named ``<protein>:<peptide>_<residue><offset>`` and ``attrs["positions"]`` is
``"peptide"`` (``"protein"`` otherwise), never silently.

Modifications are named as the user knows them (``phospho``, ``glygly``/``ubiquitin``,
``acetyl``) or as the search engine does (``Phospho (STY)``, ``STY:79.9663``).

Examples
--------
>>> psms = pd.DataFrame({"protein": ["P00533"], "gene": ["EGFR"],
...                      "scored": ["LLGAEEK(0.98)EYHAEGGK"], "n_sites": [1],
...                      "start": [748.0], "Run": ["r1"], "126": [5.0]})
>>> sites, dropped = psm_sites(psms, 0.75)
>>> sites["feature"].tolist(), sites["positions"].tolist()
(['P00533_K754'], ['754'])
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.options import ReaderOptions
from omics.io.ptm_sites import localise, site_name
from omics.io.tmt_annotation import attach_sample_sheet, summarise_to_samples

__all__ = ["MODIFICATIONS", "PtmReaderOptions", "modification_names", "psm_sites",
           "site_dataset"]

#: common name -> (MaxQuant name, unimod mass, Proteome Discoverer name)
MODIFICATIONS = {
    "phospho": ("Phospho (STY)", 79.96633, "Phospho"),
    "glygly": ("GlyGly (K)", 114.04293, "GG"),
    "ubiquitin": ("GlyGly (K)", 114.04293, "GG"),
    "acetyl": ("Acetyl (K)", 42.01057, "Acetyl"),
}


def modification_names(modification: str) -> tuple[str, float | None, str]:
    """The MaxQuant name, mass and Proteome Discoverer name of ``modification`` (a common
    name, or any engine's own name, which is then used as given).

    Examples
    --------
    >>> modification_names("ubiquitin")
    ('GlyGly (K)', 114.04293, 'GG')
    >>> modification_names("Oxidation (M)")
    ('Oxidation (M)', None, 'Oxidation (M)')
    """
    known = MODIFICATIONS.get(modification.strip().lower())
    return known if known else (modification, None, modification)


def psm_sites(psms: pd.DataFrame, min_probability: float,
              sequences: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Localise each PSM and name its site feature.

    Parameters
    ----------
    psms
        One row per PSM: ``protein``, ``gene``, ``scored`` (localisation string),
        ``n_sites`` (NaN: from the probabilities), ``start`` (1-based peptide start in the
        protein, NaN if unknown) and the other columns (run, intensities), kept.
    min_probability
        Every site of a PSM must reach it, or the PSM is dropped as ``not_localised``.
    sequences
        Protein sequences by accession (:func:`omics.io.ptm_sites.read_fasta`), to place
        peptides without a stated start.

    Returns
    -------
    DataFrame, dict
        The kept PSMs with ``feature``, ``residues``, ``positions``, ``peptide`` added; the
        number of PSMs dropped by reason.
    """
    features, residues, positions, peptides = [], [], [], []
    keep = np.zeros(len(psms), dtype=bool)
    dropped = {"unmodified": 0, "not_localised": 0, "peptide_not_in_fasta": 0}
    n_sites = psms["n_sites"].to_numpy(dtype=float)
    starts = psms["start"].to_numpy(dtype=float)
    for i, (protein, scored) in enumerate(zip(psms["protein"], psms["scored"], strict=True)):
        sites = localise(str(scored), None if np.isnan(n_sites[i]) else int(n_sites[i]))
        if not sites.residues:
            dropped["unmodified"] += 1
            continue
        if min(sites.probabilities) < min_probability:
            dropped["not_localised"] += 1
            continue
        start = starts[i]
        if np.isnan(start) and sequences is not None:
            found = sequences.get(protein, "").find(sites.sequence)
            if found < 0:
                dropped["peptide_not_in_fasta"] += 1
                continue
            start = found + 1
        if np.isnan(start):
            where = sites.offsets
            features.append(site_name(f"{protein}:{sites.sequence}", sites.residues, where))
        else:
            where = tuple(int(start) + offset - 1 for offset in sites.offsets)
            features.append(site_name(protein, sites.residues, where))
        keep[i] = True
        residues.append(";".join(sites.residues))
        positions.append(";".join(map(str, where)))
        peptides.append(sites.sequence)
    kept = psms[keep].assign(feature=features, residues=residues, positions=positions,
                             peptide=peptides)
    return kept, {reason: n for reason, n in dropped.items() if n}


def site_dataset(sites: pd.DataFrame, channels: list[str], annotation: pd.DataFrame,
                 summary: str, *, reader: str, dropped: dict[str, int],
                 peptide_positions: bool) -> xr.Dataset:
    """Summarise localised PSMs (:func:`psm_sites`; ``Run`` and one column per reporter
    ``channels``) to sites x samples of the annotation (see
    :mod:`omics.io.tmt_annotation`), with the sites' protein link as coordinates."""
    if sites.empty:
        raise OmicsInputError(reader, "no localised site "
                              f"(PSMs dropped: {json.dumps(dropped)})",
                              "PSMs whose modification sites reach the localisation "
                              "probability")
    long = sites.melt(id_vars=["feature", "Run"], value_vars=channels, var_name="Channel",
                      value_name="intensity")
    long.loc[long["intensity"] <= 0, "intensity"] = np.nan
    wide, samples = summarise_to_samples(long, annotation, summary)
    info = sites.drop_duplicates("feature").set_index("feature").loc[wide.index]
    coords = {"feature": np.asarray(wide.index, dtype=object),
              "sample": np.asarray(wide.columns, dtype=object)}
    for name in ("protein", "gene", "residues", "positions", "peptide"):
        coords[name] = ("feature", info[name].fillna("").astype(str).to_numpy(dtype=object))
    for name in samples.columns:
        coords[name] = ("sample", samples[name].astype(str).to_numpy(dtype=object))
    attrs = {"reader": reader, "dropped": json.dumps(dropped),
             "n_dropped": int(sum(dropped.values())), "feature_kind": "site",
             "positions": "peptide" if peptide_positions else "protein",
             "n_psms": int(len(sites))}
    return xr.Dataset({"intensity": (("feature", "sample"), wide.to_numpy(np.float64))},
                      coords=coords, attrs=attrs)


class PtmReaderOptions(ReaderOptions):
    """Options every PTM reader takes: an optional sample ``samples`` sheet whose columns
    (e.g. the proteome's ``condition`` and ``plex``) join the samples (see
    :func:`omics.io.tmt_annotation.attach_sample_sheet`). Subclasses implement
    :meth:`read_sites`."""

    kind = "ptm"
    samples: Path | None = None

    def read_sites(self) -> xr.Dataset:
        """Read the sites (without the sample sheet)."""
        raise NotImplementedError

    def read(self) -> xr.Dataset:
        return attach_sample_sheet(self.read_sites(), self.samples, self.table)

    def sample_file(self) -> Path:
        return self.samples or getattr(self, "annotation", None) or self.table
