"""Appending a new TMT plex to an existing store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from omics.errors import OmicsInputError
from omics.io import read_source
from omics.io.study import load_study
from omics.steps.append import append_proteomics
from omics.store import open_proteomics
from tests.editing import file_tree


def _new_plex(small_cohort: Path, folder: Path, drop_protein: str | None = None) -> Path:
    for name, target in (("proteomics_tmt.tsv", "new.tsv"),
                         ("proteomics_samples.csv", "new.csv")):
        text = (small_cohort.parent / name).read_text()
        for old, new in (("P1_", "P3_"), ("P2_", "P4_"), (",P1,", ",P3,"), (",P2,", ",P4,")):
            text = text.replace(old, new)
        lines = text.splitlines()
        if drop_protein and name.endswith(".tsv"):
            lines = [line for line in lines if not line.startswith(drop_protein + "\t")]
            lines.append("\t".join(["NEWPROT", "NEWGENE"] + ["1000"] * 22))
        (folder / target).write_text("\n".join(lines) + "\n")
    (folder / "new.yaml").write_text("name: new\nproteomics: {table: new.tsv, samples: new.csv,"
                                     " feature_column: protein, annotation_columns: [gene]}\n")
    return folder / "new.yaml"


def test_appended_plex_keeps_old_values_and_adds_the_new(small_store, small_cohort, tmp_path):
    before = open_proteomics(small_store).load()
    first = str(before["feature"].values[0])
    study = _new_plex(small_cohort, tmp_path, drop_protein=first)
    omics = Path(sys.executable).with_name("omics")
    done = subprocess.run([str(omics), "append", str(small_store), "--study", str(study)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "+22 samples, +1 features" in done.stdout
    after = open_proteomics(small_store).load()
    old = after["intensity"].sel(feature=before["feature"], sample=before["sample"])
    np.testing.assert_array_equal(old.values, before["intensity"].values)
    new = read_source(load_study(study).proteomics)
    np.testing.assert_array_equal(
        after["intensity"].sel(feature=new["feature"], sample=new["sample"]).values,
        new["intensity"].values)
    assert np.isnan(after["intensity"].sel(feature=first, sample=new["sample"])).all()
    assert after["gene"].sel(feature="NEWPROT").item() == "NEWGENE"
    assert set(after["plex"].values) == {"P1", "P2", "P3", "P4"}
    assert "new.tsv" in after["intensity"].attrs["source_files"]
    assert "proteomics_tmt.tsv" in after["intensity"].attrs["source_files"]


def test_appending_known_samples_is_refused_and_changes_nothing(small_store, small_cohort,
                                                                tmp_path):
    before = file_tree(small_store)
    (tmp_path / "again.yaml").write_text(
        f"name: again\nproteomics: {{table: '{small_cohort.parent / 'proteomics_tmt.tsv'}', "
        f"samples: '{small_cohort.parent / 'proteomics_samples.csv'}', "
        "feature_column: protein, annotation_columns: [gene]}\n")
    with pytest.raises(OmicsInputError) as caught:
        append_proteomics(tmp_path / "again.yaml", small_store)
    assert str(caught.value) == (f"{small_cohort.parent / 'proteomics_samples.csv'}: found "
                                 "sample 'P1_126', already in the store; expected new sample ids")
    assert file_tree(small_store) == before
