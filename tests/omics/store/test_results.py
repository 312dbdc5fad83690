"""Result variables: one registry, contrast as a dimension, every reader through it."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.study import load_study
from omics.steps.analysis import differential_proteomics, differential_transcriptomics, protein_mrna
from omics.store.reader import open_dataset
from omics.store.results import open_differential, open_result, read_result
from omics.store.variables import VARIABLES, check_variables, flat_name, split_flat_name


@pytest.fixture()
def analysed_store(small_cohort, small_store):
    plan = load_study(small_cohort).analysis
    differential_proteomics(small_store, plan.proteomics)
    differential_transcriptomics(small_store, plan.protein_mrna.rna_modality,
                                 plan.transcriptomics[plan.protein_mrna.rna_modality])
    protein_mrna(small_store, plan.protein_mrna)
    return small_store


def test_protein_mrna_result_has_a_contrast_dimension(analysed_store):
    stored = open_dataset(analysed_store, "results/protein_mrna/correlation")
    assert stored["protein_log2_fc"].dims == ("gene", "contrast")
    assert stored["protein_mrna_r"].dims == ("gene",)
    assert not [name for name in stored.data_vars if "__" in name]
    contrasts = stored["contrast"].values.astype(str).tolist()
    differential = open_differential(analysed_store, "differential_proteomics")
    for contrast in contrasts:
        expected = differential["log2_fc"].sel(contrast=contrast).to_series()
        ours = stored["protein_log2_fc"].sel(contrast=contrast).load()
        egfr = int(np.flatnonzero(ours["gene"].values == "EGFR")[0])
        assert float(ours[egfr]) == pytest.approx(float(expected["EGFR"]))
    long = read_result(analysed_store, "protein_mrna", "correlation")
    assert list(long.columns[:2]) == ["gene", "contrast"]
    assert len(long) == stored.sizes["gene"] * len(contrasts)
    assert set(long["protein_mrna_class"]) <= {"concordant", "protein_only", "mrna_only",
                                               "protein_no_mrna", "unchanged"}


def test_open_differential_stacks_contrasts_and_checks_variables(analysed_store):
    results = open_differential(analysed_store, "differential_proteomics")
    assert results["t"].dims == ("contrast", "feature")
    assert set(results.attrs["contrasts"]) == set(results["contrast"].values.astype(str))
    assert set(results.data_vars) <= set(VARIABLES)
    single = open_result(analysed_store, "differential_proteomics",
                         str(results["contrast"].values[0]))
    np.testing.assert_array_equal(single["t"].values, results["t"].values[0])


def test_flat_names_are_made_and_parsed_in_one_place():
    assert split_flat_name(flat_name("mrna_fdr", "a__b")) == ("mrna_fdr", "a__b")
    with pytest.raises(KeyError):
        flat_name("log2_fc", "x")  # not a per-contrast variable
    with pytest.raises(OmicsInputError, match="found protein_log2_fc with dims"):
        check_variables(xr.Dataset({"protein_log2_fc": (("gene",), [1.0])}), "r")
