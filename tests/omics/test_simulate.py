"""The built-in cohort: deterministic, realistic, with its planted truth written down."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from omics.simulate import simulate_cohort


def test_same_seed_gives_identical_files(tmp_path):
    a = simulate_cohort(tmp_path / "a", scale="small").parent
    b = simulate_cohort(tmp_path / "b", scale="small").parent
    names = sorted(p.name for p in a.iterdir())
    assert names == ["clinical.csv", "gene_sets.gmt", "mechanism_assays.csv",
                     "proteomics_samples.csv", "proteomics_tmt.tsv",
                     "ptm_diglycine_msstats.tsv", "ptm_diglycine_samples.csv",
                     "rnaseq_cells_counts.tsv", "rnaseq_cells_samples.csv",
                     "rnaseq_tumours_counts.tsv", "rnaseq_tumours_samples.csv", "study.yaml",
                     "truth.json", "viability.csv", "viability_checkerboard.csv"]
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_tmt_design_plexes_reference_and_abundance_dependent_missingness(small_cohort):
    folder = small_cohort.parent
    samples = pd.read_csv(folder / "proteomics_samples.csv")
    assert samples.groupby("plex").size().tolist() == [11, 11]
    assert samples.loc[samples["reference"], "channel"].tolist() == ["126", "126"]
    assert samples["condition"].value_counts().drop("pool").tolist() == [4] * 5
    table = pd.read_csv(folder / "proteomics_tmt.tsv", sep="\t", index_col="protein")
    log2 = np.log2(table.drop(columns="gene"))
    assert 19.5 < np.nanmedian(log2.to_numpy()) < 21.5
    quintile = pd.qcut(log2.mean(axis=1), 5, labels=False)
    missing = log2.isna().mean(axis=1).groupby(quintile).mean()
    assert missing.iloc[0] > 3 * missing.iloc[4]
    for gene in ("ANXA6", "EGFR", "CBL", "UBC", "CD63", "TSG101", "DCK", "RRM2", "BCL2"):
        assert gene in table.index


def test_truth_records_the_mechanism(small_cohort):
    truth = json.loads((small_cohort.parent / "truth.json").read_text())
    assert truth["protein_effects"]["resistant_vs_sensitive_exosomes"]["ANXA6"] > \
        truth["protein_effects"]["resistant_vs_sensitive_cells"]["ANXA6"] > 0
    assert truth["protein_effects"]["resistant_vs_sensitive_cells"]["EGFR"] > 0
    assert "EGFR" not in truth["mrna_effects"]["resistant_vs_sensitive_cells"]
    assert truth["gemcitabine_ic50_um"]["res_cells_lapatinib"] < \
        truth["gemcitabine_ic50_um"]["res_cells"]
    clinical = pd.read_csv(small_cohort.parent / "clinical.csv")
    assert len(clinical) == truth["n_patients"] == 90
    medians = clinical.groupby("response")["serum_exo_anxa6_ng_ml"].median()
    assert medians["highly_sensitive"] < medians["sensitive"] < medians["resistant"]
