"""Protein and mRNA join through the HGNC table, not by identical strings: a proteome that
names EGFR by its alias ERBB1 still pairs with the EGFR mRNA when the plan gives ``hgnc``."""

from __future__ import annotations

import shutil

from omics.io.study import load_study
from omics.steps.analysis import differential_proteomics, differential_transcriptomics, protein_mrna
from omics.steps.ingest import ingest_study
from tests.conftest import shared_data


def test_protein_alias_pairs_with_its_mrna_through_hgnc(small_cohort, tmp_path):
    hgnc = shared_data("idmap/hgnc_entries.tsv.gz")
    folder = tmp_path / "cohort"
    shutil.copytree(small_cohort.parent, folder)
    table = folder / "proteomics_tmt.tsv"
    lines = table.read_text().splitlines()
    lines = [line.replace("EGFR\tEGFR\t", "EGFR\tERBB1\t", 1) if line.startswith("EGFR\t")
             else line for line in lines]
    table.write_text("\n".join(lines) + "\n")
    study = load_study(folder / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    differential_proteomics(store, study.analysis.proteomics)
    differential_transcriptomics(store, "cells", study.analysis.transcriptomics["cells"])
    by_name = protein_mrna(store, study.analysis.protein_mrna)
    assert "EGFR" not in by_name["protein_only"]["resistant_vs_sensitive_cells"]
    with_hgnc = protein_mrna(store, study.analysis.protein_mrna.model_copy(
        update={"hgnc": hgnc}))
    assert with_hgnc["genes"] == by_name["genes"] + 1
    assert with_hgnc["symbols_renamed_by_hgnc"] >= 1
    assert "EGFR" in with_hgnc["protein_only"]["resistant_vs_sensitive_cells"]
