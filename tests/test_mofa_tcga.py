"""MOFA+ on the real TCGA BRCA mixOmics set (220 tumours; RPPA protein for the 150 training
tumours only), and the subtype comparison against PCA of benchmarks/mofa_subtypes.py."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from omics.stats.factors import factor_associations, fit_mofa
from tests.conftest import built_once, shared_data

pytestmark = pytest.mark.slow  # MOFA+ fitted to convergence on the whole TCGA set

#: The number of factors training cross-validation chooses for MOFA+ in the benchmark.
FACTORS = 20


@pytest.fixture(scope="module")
def tcga(tmp_path_factory):
    """The three views, the subtypes, the training tumours and MOFA+ fitted on all (once per
    test run: the other xdist worker reads the fit back)."""
    shared_data("transcriptomics_clinical/tcga_brca_mixomics/data.train_mrna.csv")
    from benchmarks.mofa_subtypes import read_tcga_mixomics

    views, subtype, train = read_tcga_mixomics()
    with built_once(tmp_path_factory, "mofa-tcga") as (folder, done):
        if not done:
            (folder / "fit.pickle").write_bytes(
                pickle.dumps(fit_mofa(views, n_factors=FACTORS, seed=1)))
        result = pickle.loads((folder / "fit.pickle").read_bytes())  # written by this test run
    return views, subtype, train, result


def test_mofa_fits_all_tumours_and_a_factor_separates_the_subtypes(tcga):
    views, subtype, _, result = tcga
    assert result.factors.shape == (220, FACTORS)
    assert np.isfinite(result.factors.to_numpy()).all()  # test tumours have no protein
    assert list(result.variance_explained.index) == ["mrna", "mirna", "protein"]
    assert (result.variance_explained.sum(axis=1) > 30).all()
    small = {name: views[name] for name in ("mrna", "protein")}
    np.testing.assert_allclose(fit_mofa(small, n_factors=3, seed=4).factors,
                               fit_mofa(small, n_factors=3, seed=4).factors)  # seeded
    table = factor_associations(result.factors, subtype.to_frame(), categorical=["subtype"])
    best = table.sort_values("p_value").iloc[0]
    assert best["fdr"] < 1e-20 and best["n"] == 220
    # the subtype factor: hormone receptors in the protein view, proliferation in the mRNA
    top = result.top_weights(15)
    top = top[top["factor"] == best["factor"]].groupby("view")["feature"].apply(set)
    assert {"ER-alpha", "GATA3", "PR"} <= top["protein"]
    assert {"CCNA2", "E2F1", "ASPM"} <= top["mrna"]


def test_subtype_from_factors_against_the_pca_baseline(tcga):
    """MOFA+'s test balanced accuracy against PCA's at the same number of components,
    measured in the same run (the benchmark's full curve, with the number chosen per method
    by training cross-validation, is in the README)."""
    from benchmarks.mofa_subtypes import scores

    views, subtype, train, result = tcga
    samples = views["mrna"].index
    blocks = pd.concat([views["mrna"], views["mirna"]], axis=1).loc[samples]
    pca = pd.DataFrame(PCA(n_components=FACTORS, random_state=0).fit_transform(
        StandardScaler().fit_transform(blocks.to_numpy())), index=samples)
    _, mofa_test = scores(result.factors.loc[samples], subtype, train)
    _, pca_test = scores(pca, subtype, train)
    assert pca_test > 0.9
    assert mofa_test >= pca_test
