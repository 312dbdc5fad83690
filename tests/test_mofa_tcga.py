"""MOFA+ on the real TCGA BRCA mixOmics set (220 tumours; RPPA protein for the 150 training
tumours only), and the subtype comparison against PCA of benchmarks/mofa_subtypes.py."""

from __future__ import annotations

import numpy as np
import pytest

from omics.stats.factors import factor_associations, fit_mofa
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def tcga():
    shared_data("transcriptomics_clinical/tcga_brca_mixomics/data.train_mrna.csv")
    from benchmarks.mofa_subtypes import read_tcga_mixomics

    return read_tcga_mixomics()


def test_mofa_fits_all_tumours_and_a_factor_separates_the_subtypes(tcga):
    views, subtype, train = tcga
    result = fit_mofa(views, n_factors=10, seed=1)
    assert result.factors.shape == (220, 10)
    assert np.isfinite(result.factors.to_numpy()).all()  # test tumours have no protein
    assert list(result.variance_explained.index) == ["mrna", "mirna", "protein"]
    assert (result.variance_explained.sum(axis=1) > 30).all()
    again = fit_mofa(views, n_factors=10, seed=1)
    np.testing.assert_allclose(again.factors, result.factors)
    table = factor_associations(result.factors, subtype.to_frame(), categorical=["subtype"])
    best = table.sort_values("p_value").iloc[0]
    assert best["fdr"] < 1e-20 and best["n"] == 220
    # the subtype factor: hormone receptors in the protein view, proliferation in the mRNA
    top = result.top_weights(15)
    top = top[top["factor"] == best["factor"]].groupby("view")["feature"].apply(set)
    assert {"ER-alpha", "GATA3", "PR"} <= top["protein"]
    assert {"CCNA2", "E2F1", "ASPM"} <= top["mrna"]


def test_subtype_from_factors_against_the_pca_baseline(tcga):
    """20 components, the number training cross-validation chooses for MOFA+ in the
    benchmark (whose full curve, with the choice made per method, is in the README): MOFA+'s
    test balanced accuracy against PCA's, measured in the same run."""
    from benchmarks.mofa_subtypes import compare

    views, subtype, train = tcga
    table = compare(views, subtype, train, factors=(20,), without_protein=False)
    table = table.set_index("method")
    assert table.loc["PCA (mRNA + miRNA)", "test"] > 0.9
    assert table.loc["MOFA+ (mRNA, miRNA, protein)", "test"] >= \
        table.loc["PCA (mRNA + miRNA)", "test"] - 0.02
