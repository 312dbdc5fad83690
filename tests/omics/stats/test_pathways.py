"""Pathway tools: GSEA reproducible under its seed and finding a planted set; PROGENy
activities equal to an ordinary least-squares fit (statsmodels) per pathway, on real TCGA
BRCA expression with the real PROGENy weights; weights-file errors in one line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

import omics as ox
from omics.errors import OmicsInputError
from omics.io.gmt import GeneSet
from omics.io.pathway_weights import read_pathway_weights
from tests.conftest import shared_data


def test_gsea_is_reproducible_under_its_seed_and_finds_the_planted_set():
    rng = np.random.default_rng(11)
    genes = [f"G{i}" for i in range(3000)]
    t = pd.Series(rng.normal(size=3000), index=genes)
    t.iloc[:15] += 3
    sets = {"planted": GeneSet("planted", "up", tuple(genes[:15] + genes[2000:2005])),
            **{f"null{k}": GeneSet(f"null{k}", "", tuple(rng.choice(genes[20:], 25,
                                                                     replace=False)))
               for k in range(20)}}
    first = ox.tl.gsea(t, sets, permutations=500, seed=3)
    again = ox.tl.gsea(t, sets, permutations=500, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert first.index[0] == "planted" and first.loc["planted", "fdr"] < 0.01
    assert first.loc["planted", "set_size"] == 20
    assert set(first.loc["planted", "leading_edge"].split(";")) <= set(genes[:15] + genes[2000:])
    assert (first.drop(index="planted")["fdr"] > 0.05).mean() > 0.9


def test_called_genes_enrichment_counts_only_the_tested_genes():
    table = pd.DataFrame({"gene": [f"g{i}" for i in range(100)] + ["NOT_TESTED"],
                          "fdr": [0.001] * 10 + [0.9] * 90 + [np.nan]})
    sets = {"A": GeneSet("A", "", tuple(f"g{i}" for i in range(8)) + ("NOT_TESTED",))}
    result = ox.tl.called_genes_enrichment(table, sets)
    assert result.loc["A", "set_size"] == 8 and result.loc["A", "overlap"] == 8
    # hypergeometric P(X >= 8) for 8 of a set of 8 among 10 called of 100
    from scipy.stats import hypergeom
    assert result.loc["A", "p_value"] == pytest.approx(hypergeom.sf(7, 100, 8, 10))


@pytest.fixture(scope="module")
def tcga_log_cpm() -> pd.DataFrame:
    """Real TCGA BRCA RSEM (5 tumours, 5 normals) as log2(count + 1), genes x samples."""
    table = pd.read_csv(shared_data("transcriptomics_clinical/tcga_brca_rsem_20530x10.tsv.gz"),
                        sep="\t", index_col=0)
    table.index = table.index.str.split("|").str[0]
    table = table[(table.index != "?") & ~table.index.duplicated()]
    return np.log2(table + 1)


def test_progeny_activities_equal_ols_on_real_tcga_expression(tcga_log_cpm):
    weights = read_pathway_weights(shared_data("pathways/progeny_human_top500.tsv"), top=100)
    assert weights.groupby("pathway").size().eq(100).all() and weights["pathway"].nunique() == 14
    centred = tcga_log_cpm.sub(tcga_log_cpm.mean(axis=1), axis=0).T
    scores, fdr = ox.tl.pathway_activity(centred, weights)
    assert scores.shape == (10, 14) and np.isfinite(scores.to_numpy()).all()
    # the reference: y = a + b * weight over every gene measured (weight 0 off the pathway);
    # genes without a value in any sample (all-zero counts, centred to 0) carry no information
    # and decoupler leaves them out
    centred = centred.loc[:, (centred != 0).any(axis=0)]
    sample = centred.index[0]
    t_values, p_values = {}, {}
    for pathway in scores.columns:
        w = weights[weights["pathway"] == pathway].set_index("gene")["weight"]
        x = w.reindex(centred.columns).fillna(0.0).to_numpy()
        ols = sm.OLS(centred.loc[sample].to_numpy(), sm.add_constant(x)).fit()
        t_values[pathway], p_values[pathway] = ols.tvalues[1], ols.pvalues[1]
    np.testing.assert_allclose(scores.loc[sample], pd.Series(t_values), rtol=1e-6)
    # decoupler's p-values are BH-adjusted over the pathways of each sample
    adjusted = multipletests(list(p_values.values()), method="fdr_bh")[1]
    np.testing.assert_allclose(fdr.loc[sample, list(p_values)], adjusted, rtol=1e-4)


@pytest.mark.parametrize(("text", "message"), [
    ("gene\tpath\tweight\nEGR1\tEGFR\t1\n", "found header without 'pathway'"),
    ("gene\tpathway\tweight\nEGR1\tEGFR\tstrong\n",
     "w.tsv:2:3: found 'strong' in column 'weight'; expected a number"),
])
def test_weights_file_errors_are_one_line(tmp_path, text, message):
    path = tmp_path / "w.tsv"
    path.write_text(text)
    with pytest.raises(OmicsInputError) as caught:
        read_pathway_weights(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_too_few_measured_pathway_genes_is_a_one_line_error():
    weights = pd.DataFrame({"pathway": ["EGFR"] * 3, "gene": ["A", "B", "C"],
                            "weight": [1.0, 2.0, 3.0]})
    with pytest.raises(OmicsInputError, match="found at most 3 measured genes per pathway; "
                                              "expected at least 5"):
        ox.tl.pathway_activity(pd.DataFrame(np.ones((2, 3)), columns=list("ABC")), weights)
