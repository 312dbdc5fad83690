"""The examples run: the seed study script recovers the built-in cohort's planted truth, and
the real studies in ``examples/<study>/study.yaml`` match R on the same values."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_study_recovers_the_planted_truth(tmp_path, truth):
    result = _load("seed_study").seed_study("small", tmp_path)
    planted = truth["protein_effects"]
    assert abs(result["anxa6_cells_log2fc"] - planted["resistant_vs_sensitive_cells"]["ANXA6"]) \
        < 0.3
    assert abs(result["anxa6_exosomes_log2fc"]
               - planted["resistant_vs_sensitive_exosomes"]["ANXA6"]) < 0.3
    assert result["anxa6_cells_B"] > 3
    # EGFR: protein up, mRNA flat (the degradation signature)
    assert result["egfr_protein_fdr"] < 0.01 and result["egfr_protein_log2fc"] > 0.5
    assert "EGFR" not in truth["mrna_effects"]["resistant_vs_sensitive_cells"]
    assert result["egfr_mrna_fdr"] > 0.1
    assert result["f_test_significant"] >= result["cells_significant"]
    assert 0.85 < result["roc_auc"] < 0.97 and result["logrank_p"] < 0.05
    ic50 = truth["gemcitabine_ic50_um"]
    for condition in ("sens", "res"):  # the planted IC50 inside the fit's 95% interval
        low, high = result[f"ic50_{condition}_ci"]
        assert low < ic50[f"{condition}_cells"] < high
        assert abs(result[f"ic50_{condition}_um"] / ic50[f"{condition}_cells"] - 1) < 0.15
    assert {p.name for p in tmp_path.iterdir()} == {"volcano_cells.png", "roc.png",
                                                    "kaplan_meier.png"}


def test_seed_study_prints_its_findings(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["seed_study.py"])
    _load("seed_study").main()
    lines = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    assert lines["roc_auc"].strip() == "0.923"
    assert lines["ic50_res_um"].strip() == "13.8"


def test_pxd013277_example_normalised_on_human_proteins_matches_r(tmp_path):
    """examples/pxd013277: the study plan's human-reference normalisation gives R limma's
    t-statistics and calls on the same values (15 vs 7.5 ug: ~2,175 calls, few human)."""
    from omics.io.study import load_study
    from omics.stats.design import design_matrix
    from omics.steps.analysis import differential_proteomics
    from omics.steps.ingest import ingest_study
    from omics.steps.preprocessing import apply_steps
    from omics.store.reader import open_proteomics
    from omics.store.results import read_result
    from tests.conftest import shared_data
    from tests.rlimma import rscript_limma

    shared_data("proteomics/PXD013277_grouped_protein_summary_TMT_9.txt")
    study = load_study(EXAMPLES / "pxd013277" / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    summary = differential_proteomics(store, study.analysis.proteomics)

    dataset = open_proteomics(store)
    channels = [s for s in dataset["sample"].values if s != "131C"]
    samples = pd.read_csv(EXAMPLES / "pxd013277" / "samples.csv", index_col="sample")
    samples = samples.loc[channels]
    values = apply_steps(dataset["intensity"].sel(sample=channels), samples,
                         study.analysis.proteomics.preprocess)
    design = design_matrix(samples, "~ 0 + load")
    human = dataset["feature"].to_series().str.contains("_HUMAN").to_numpy()
    for name, level in [("ug15_vs_ug7pt5", "load[ug15]"), ("ug45_vs_ug7pt5", "load[ug45]")]:
        ours = read_result(store, "differential_proteomics", name)
        weights = np.array([1.0 * (c == level) - 1.0 * (c == "load[ug7pt5]")
                            for c in design.columns])
        reference = rscript_limma(tmp_path, values.values, design, weights)
        tested = reference["t"].notna().to_numpy()
        np.testing.assert_array_equal(ours["t"].notna().to_numpy(), tested)
        np.testing.assert_allclose(ours["t"][tested], reference["t"][tested], atol=1e-8, rtol=0)
        called = (ours["fdr"] < 0.05).to_numpy()
        np.testing.assert_array_equal(called, (reference["fdr"] < 0.05).to_numpy())
        assert summary[name]["significant_fdr_0.05"] == int(called.sum())
        if name == "ug15_vs_ug7pt5":
            assert abs(int(called.sum()) - 2175) <= 10 and int((called & human).sum()) <= 300
    from omics.report.render import build_report

    html = build_report(store, tmp_path / "report.html").read_text()
    assert "PCA of the analysed samples (complete proteins; colour: load)" in html


def test_tcga_rsem_example_with_voom_matches_edger_and_limma(tmp_path):
    """examples/tcga_brca_rsem: non-integer RSEM counts, filterByExpr by tissue, TMM, voom;
    the stored table equals R (edgeR + limma) on the same counts, and the summary says how
    many genes the filter removed."""
    from omics.io.study import load_study
    from omics.steps.analysis import differential_transcriptomics
    from omics.steps.ingest import ingest_study
    from omics.steps.summary import findings
    from omics.store.results import read_result
    from tests.conftest import shared_data
    from tests.redger import rscript_voom

    source = shared_data("transcriptomics_clinical/tcga_brca_rsem_20530x10.tsv.gz")
    study = load_study(EXAMPLES / "tcga_brca_rsem" / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    summary = differential_transcriptomics(store, "rnaseq",
                                           study.analysis.transcriptomics["rnaseq"])
    ours = read_result(store, "differential_transcriptomics_rnaseq", "tumour_vs_normal")

    counts = pd.read_csv(source, sep="\t", index_col=0)
    samples = pd.read_csv(EXAMPLES / "tcga_brca_rsem" / "samples.csv", index_col="sample")
    samples = samples.loc[counts.columns].reset_index(drop=True)
    r = rscript_voom(tmp_path, counts.to_numpy(), samples, "~ 0 + tissue", [-1, 1],
                     filter_by="tissue")
    top = r["top"].set_axis(counts.index[r["keep"]])
    ours = ours.set_index("feature").loc[top.index]
    np.testing.assert_allclose(ours["t"], top["t"], rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(ours["log2_fc"], top["logFC"], rtol=1e-8, atol=1e-8)
    called = (ours["fdr"] < 0.05).to_numpy()
    np.testing.assert_array_equal(called, (top["adj.P.Val"] < 0.05).to_numpy())
    assert summary["tumour_vs_normal"]["significant_fdr_0.05"] == called.sum() == 441
    assert ours.loc["EGFR|1956", "gene"] == "EGFR"
    (line,) = findings(store, {})
    assert line.startswith("Expression rnaseq tumour_vs_normal (limma voom): 441 features at "
                           "FDR < 0.05 (15,920 of 20,530 features tested; 4,610 removed by "
                           "preprocessing filters) (146 up, 295 down)")
    _check_tumour_vs_normal_pathways(store, study.analysis.pathways.model_copy(
        update={"permutations": 250}))  # the example's 1,000 take 10 s longer


def _check_tumour_vs_normal_pathways(store, plan):
    """The example's pathway plan on the same voom t: tumours proliferate (KEGG DNA
    replication and cell cycle up), normal breast is fat (PPAR and fatty-acid metabolism
    down); PROGENy scores EGFR, MAPK and PI3K up in tumours on each contrast and sample."""
    from omics.steps.pathways import pathway_analysis
    from omics.store.results import read_result

    summary = pathway_analysis(store, plan)
    gsea = read_result(store, "pathways", "gsea").set_index("set")
    assert summary["gene_sets"] == 186 and len(gsea) > 150
    for up in ("KEGG_DNA_REPLICATION", "KEGG_CELL_CYCLE"):
        assert gsea.loc[up, "nes"] > 2 and gsea.loc[up, "fdr"] < 0.01
    for down in ("KEGG_PPAR_SIGNALING_PATHWAY", "KEGG_FATTY_ACID_METABOLISM"):
        assert gsea.loc[down, "nes"] < -2 and gsea.loc[down, "fdr"] < 0.01
    activity = read_result(store, "pathways", "activity_contrasts").set_index("pathway")
    assert (activity.loc[["EGFR", "MAPK", "PI3K"], "activity"] > 2).all()
    samples = read_result(store, "pathways", "activity_samples")
    assert samples["sample"].nunique() == 10 and samples["pathway"].nunique() == 14


@pytest.mark.slow  # the whole GSE1992 study against R
def test_gse1992_example_matches_limma_and_coxph(tmp_path):
    """examples/gse1992: log2 ratios analysed as they are, the 2 tumours without ER status
    left out (and said so), R limma's t and calls for ER- vs ER+, and each gene's Cox hazard
    ratio per SD as R ``coxph`` (ANXA6 1.07, p 0.69: no survival association)."""
    from omics.io.study import load_study
    from omics.stats.design import design_matrix
    from omics.steps.analysis import differential_transcriptomics
    from omics.steps.clinical import clinical_analysis
    from omics.steps.ingest import ingest_study
    from omics.steps.plan_check import validate_study
    from omics.steps.summary import findings
    from omics.store.reader import open_table, open_transcriptomics
    from omics.store.results import read_result
    from tests.conftest import shared_data
    from tests.rlimma import rscript_limma
    from tests.rscript import run_r

    shared_data("transcriptomics_clinical/gse1992_breast_expression_survival.csv.gz")
    study = load_study(EXAMPLES / "gse1992" / "study.yaml")
    assert validate_study(study.path) == [
        {"input": "transcriptomics/array", "reader": "expression_matrix",
         "shape": (124, 15528)}, {"input": "clinical", "reader": "table", "shape": (124, 7)}]
    store = ingest_study(study.path, tmp_path / "s.zarr")
    clinical = open_table(store, "clinical")
    assert clinical["event"].sum() == 35
    assert list(clinical.index) == list(open_transcriptomics(store, "array").obs_names)
    plan = study.analysis.transcriptomics["array"]
    summary = differential_transcriptomics(store, "array", plan)
    genes = {row["gene"]: row for row in clinical_analysis(store, study.analysis.clinical)
             ["genes"]}

    expression = open_transcriptomics(store, "array")
    er = expression.obs["fac_er_positive"].astype(str)
    chosen = (er != "missing").to_numpy()
    assert chosen.sum() == 122
    samples = pd.DataFrame({"fac_er_positive": er[chosen].to_numpy()})
    design = design_matrix(samples, "~ 0 + fac_er_positive")
    values = expression.X[chosen].T
    reference = rscript_limma(tmp_path, values, design, np.array([1.0, -1.0]))
    ours = read_result(store, "differential_transcriptomics_array", "er_negative_vs_positive")
    np.testing.assert_allclose(ours["t"], reference["t"], rtol=1e-8, atol=1e-8)
    called = (ours["fdr"] < 0.05).to_numpy()
    np.testing.assert_array_equal(called, (reference["fdr"] < 0.05).to_numpy())
    assert summary["er_negative_vs_positive"]["significant_fdr_0.05"] == called.sum() == 3903
    assert "(limma; 122 of 124 samples: fac_er_positive != 'missing')" in findings(store, {})[0]

    names = list(genes)
    table = pd.DataFrame(expression[:, names].X, columns=names).assign(
        time=expression.obs["time"].to_numpy(), event=expression.obs["event"].to_numpy())
    r = run_r(tmp_path, table, "for (g in c(" + ",".join(f"'{g}'" for g in names) + ")) { "
              "f <- coxph(Surv(time, event) ~ scale(d[[g]]), data = d); "
              "cat(sprintf('%.15g', c(exp(coef(f)), summary(f)$coefficients[1, 5])), '\\n') }",
              packages=("survival",))
    hazard = np.array(r).reshape(-1, 2)
    np.testing.assert_allclose([genes[g]["cox_hazard_ratio_per_sd"] for g in names],
                               hazard[:, 0], rtol=1e-7)  # R coxph converges to 1e-9
    np.testing.assert_allclose([genes[g]["cox_p"] for g in names], hazard[:, 1], rtol=1e-6)
    assert round(genes["ANXA6"]["cox_hazard_ratio_per_sd"], 2) == 1.07
    assert round(genes["ANXA6"]["cox_p"], 2) == 0.69

    # analysis.clinical.subjects narrows every clinical analysis, and the summary says so
    from omics.steps.summary import clinical_findings

    narrowed = study.analysis.clinical.model_copy(update={
        "subjects": "fac_node_status == '0'",
        "genes": study.analysis.clinical.genes.model_copy(update={"genes": ["ANXA6"]})})
    selected = clinical_analysis(store, narrowed)
    negative = clinical[clinical["fac_node_status"].astype(str) == "0"]
    assert selected["n_subjects"] == len(negative) == 51 and selected["n_subjects_total"] == 124
    (gene,) = selected["genes"]
    assert gene["cox_n"] == 51 and gene["cox_events"] == int(negative["event"].sum())
    assert clinical_findings(selected)[0] == ("Clinical analyses on 51 of 124 subjects: "
                                              "fac_node_status == '0'")


def test_tcga_mixomics_example_rppa_and_mrna_match_limma(tmp_path):
    """examples/tcga_brca_mixomics: log2 mRNA and RPPA by PAM50 subtype equal R limma; the
    RPPA antibodies carry HGNC genes and modifications; protein pairs with mRNA by sample id
    on total-protein antibodies only."""
    from omics.io.study import load_study
    from omics.stats.design import design_matrix
    from omics.steps.analysis import differential_transcriptomics, protein_mrna
    from omics.steps.ingest import ingest_study
    from omics.store.reader import open_transcriptomics
    from omics.store.results import read_result
    from tests.conftest import shared_data
    from tests.rlimma import rscript_limma

    shared_data("transcriptomics_clinical/tcga_brca_mixomics/data.train_protein.csv")
    study = load_study(EXAMPLES / "tcga_brca_mixomics" / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    for modality in ("mrna", "rppa"):
        differential_transcriptomics(store, modality, study.analysis.transcriptomics[modality])
        adata = open_transcriptomics(store, modality)
        design = design_matrix(adata.obs, "~ 0 + subtype")
        assert list(design.columns) == ["subtype[Basal]", "subtype[Her2]", "subtype[LumA]"]
        for contrast, weights in [("basal_vs_luma", [1.0, 0, -1]),
                                  ("her2_vs_luma", [0, 1.0, -1])]:
            reference = rscript_limma(tmp_path, adata.X.T, design, np.array(weights))
            ours = read_result(store, f"differential_transcriptomics_{modality}", contrast)
            np.testing.assert_allclose(ours["t"], reference["t"], rtol=1e-8, atol=1e-8)
            np.testing.assert_array_equal(ours["fdr"] < 0.05, reference["fdr"] < 0.05)
    rppa = read_result(store, "differential_transcriptomics_rppa", "basal_vs_luma")
    rppa = rppa.set_index("feature")
    assert rppa.loc[["EGFR", "EGFR_pY1068", "HER2", "Akt"], "gene"].tolist() == [
        "EGFR", "EGFR", "ERBB2", "AKT1;AKT2;AKT3"]
    assert rppa.at["EGFR", "fdr"] < 0.001 and rppa.at["EGFR", "log2_fc"] > 0  # EGFR up in Basal
    paired = protein_mrna(store, study.analysis.protein_mrna)
    assert paired["genes"] == 2 and paired["pairs"] == 150  # COL6A1, STAT5A
    from omics.steps.factors import factor_analysis

    factors = factor_analysis(store, study.analysis.factors)  # MOFA+ of mRNA and RPPA
    assert factors["samples"] == 150 and factors["views"] == {"mrna": [150, 200],
                                                              "rppa": [150, 142]}
    best = factors["associations"][0]
    assert best["variable"] == "subtype" and best["fdr"] < 1e-15 and best["effect"] > 0.5


def test_msstatstmt_pd_example_matches_limma(tmp_path):
    """examples/msstatstmt_pd: PD PSMs summed per protein, mixture and channel, Norm channels
    left out, mixture as a block; R limma's t on the same values. The 10 proteins of this
    MSstatsTMT example are HeLa background (unchanged): no call is the right answer."""
    from omics.io.study import load_study
    from omics.stats.design import design_matrix
    from omics.steps.analysis import analysed_view, differential_proteomics
    from omics.steps.ingest import ingest_study
    from omics.store.reader import open_proteomics
    from omics.store.results import read_result
    from tests.conftest import shared_data
    from tests.rlimma import rscript_limma

    shared_data("proteomics/msstatstmt_pd22_psm_tmt10.tsv")
    shared_data("idmap/hgnc_entries.tsv.gz")
    study = load_study(EXAMPLES / "msstatstmt_pd" / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    plan = study.analysis.proteomics
    summary = differential_proteomics(store, plan)
    values, samples = analysed_view(open_proteomics(store), plan)
    assert values.shape == (10, 40) and "Norm" not in set(samples["Condition"].astype(str))
    design = design_matrix(samples, plan.design)
    for name, level in [("c1_vs_c0125", "Condition[1]"), ("c05_vs_c0125", "Condition[0.5]")]:
        weights = np.array([1.0 * (c == level) - 1.0 * (c == "Condition[0.125]")
                            for c in design.columns])
        reference = rscript_limma(tmp_path, np.asarray(values.values), design, weights)
        ours = read_result(store, "differential_proteomics", name)
        np.testing.assert_allclose(ours["t"], reference["t"], rtol=1e-8, atol=1e-8)
        assert summary[name]["significant_fdr_0.05"] == int((reference["fdr"] < 0.05).sum()) == 0
    genes = read_result(store, "differential_proteomics", "c1_vs_c0125").set_index("feature")
    assert genes.loc[["P04406", "P06576"], "gene"].tolist() == ["GAPDH", "ATP5F1B"]  # HGNC


def test_protein_and_mrna_pair_through_hgnc_from_uniprot_and_ensembl_ids(tmp_path):
    """UniProt accessions (the PD example's proteins) and Ensembl gene ids (an RNA matrix of
    the same samples) meet on HGNC symbols; the ids of neither side need to be symbols."""
    from omics.io.study import load_study
    from omics.steps.analysis import (
        differential_proteomics,
        differential_transcriptomics,
        protein_mrna,
    )
    from omics.steps.ingest import ingest_study
    from omics.store.reader import open_proteomics
    from tests.conftest import shared_data

    shared_data("proteomics/msstatstmt_pd22_psm_tmt10.tsv")
    hgnc = shared_data("idmap/hgnc_entries.tsv.gz")
    example = load_study(EXAMPLES / "msstatstmt_pd" / "study.yaml")
    store = ingest_study(example.path, tmp_path / "p.zarr")
    samples = [str(s) for s in open_proteomics(store)["sample"].values]
    ensembl = {"GAPDH": "ENSG00000111640", "SFN": "ENSG00000175793", "NONO": "ENSG00000147140",
               "CKB": "ENSG00000166165"}
    rng = np.random.default_rng(4)
    rows = ["gene_id\t" + "\t".join(samples)]
    rows += [f"{eid}.7\t" + "\t".join(f"{v:.4f}" for v in rng.normal(10, 1, len(samples)))
             for eid in ensembl.values()]
    (tmp_path / "rna.tsv").write_text("\n".join(rows) + "\n")
    sheet = pd.read_csv(example.proteomics.annotation, sep="\t").drop_duplicates(
        ["Mixture", "Channel"])
    sheet = sheet.assign(sample=sheet["Mixture"] + "_" + sheet["Channel"].astype(str))
    sheet[["sample", "Condition"]].to_csv(tmp_path / "rna_samples.csv", index=False)
    text = example.path.read_text().replace("../../../shared/data", str(hgnc.parents[1]))
    text = text.replace("analysis:\n", f"""transcriptomics:
  rna: {{reader: expression_matrix, table: {tmp_path / 'rna.tsv'}, scale: log2,
         samples: {tmp_path / 'rna_samples.csv'}, hgnc: {hgnc},
         orientation: features_by_samples}}
analysis:
  protein_mrna: {{rna_modality: rna, pair_by: null}}
  transcriptomics:
    rna:
      samples: "Condition != 'Norm'"
      design: "~ 0 + Condition"
      contrasts: {{c1_vs_c0125: "Condition[1] - Condition[0.125]"}}
""", 1)
    (tmp_path / "study.yaml").write_text(text)
    study = load_study(tmp_path / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    differential_proteomics(store, study.analysis.proteomics)
    differential_transcriptomics(store, "rna", study.analysis.transcriptomics["rna"])
    paired = protein_mrna(store, study.analysis.protein_mrna)
    # the 40 non-Norm samples both analyses selected
    assert paired["genes"] == 4 and paired["pairs"] == 40 and paired["contrasts"] == [
        "c1_vs_c0125"]


def _r_fits(tmp_path, store, modality, plan, proteomics, contrast):
    """R limma's fit of one contrast at the site and at the protein level, on the values the
    pipeline analysed (each level's samples and preprocessing)."""
    import re

    from omics.stats.design import design_matrix
    from omics.steps.analysis import analysed_view
    from omics.steps.ptm import protein_side_plan
    from omics.store.reader import open_proteomics, open_ptm
    from tests.rlimma import rscript_limma

    first, second = re.fullmatch(r"(\S+) - (\S+)", plan.contrasts[contrast]).groups()
    fits = {}
    for level, dataset, view in (("site", open_ptm(store, modality), plan),
                                 ("protein", open_proteomics(store),
                                  protein_side_plan(plan, proteomics))):
        values, samples = analysed_view(dataset, view)
        design = design_matrix(samples, plan.design)
        weights = (design.columns == first).astype(float) - (design.columns == second)
        folder = tmp_path / level
        folder.mkdir()
        fit = rscript_limma(folder, np.asarray(values.values), design, np.asarray(weights))
        fit.index = np.asarray(values["feature"].values).astype(str)
        fits[level] = fit
    return fits


def _assert_adjusted_equals_r(table: pd.DataFrame, fits: dict) -> None:
    """MSstatsPTM's adjustment computed by hand from R limma's two fits equals the stored
    table: fold changes subtracted, SEs (coef / t) combined, Satterthwaite df, t test."""
    from scipy import stats

    rows = table.set_index("feature")
    adjusted = rows[rows["adjusted"]]
    site = fits["site"].loc[adjusted.index]
    protein = fits["protein"].loc[adjusted["protein"]]
    se_site = (site["coef"] / site["t"]).to_numpy()
    se_protein = (protein["coef"] / protein["t"]).to_numpy()
    fc = site["coef"].to_numpy() - protein["coef"].to_numpy()
    se = np.sqrt(se_site ** 2 + se_protein ** 2)
    df = se ** 4 / (se_site ** 4 / site["df_total"].to_numpy()
                    + se_protein ** 4 / protein["df_total"].to_numpy())
    p = 2 * stats.t.sf(np.abs(fc / se), df)
    for column, expected in (("log2_fc", fc), ("se", se), ("df", df), ("p_value", p)):
        np.testing.assert_allclose(adjusted[column], expected, rtol=1e-7, err_msg=column)
    unadjusted = rows[~rows["adjusted"] & rows["p_value"].notna()]
    np.testing.assert_allclose(unadjusted["p_value"], fits["site"].loc[unadjusted.index, "p"],
                               rtol=1e-7)


def test_msstatsptm_tmt_example_adjusted_sites_match_r_limma(tmp_path):
    """examples/msstatsptm_tmt: 90 phosphosites of the MSstatsPTM TMT example, 89 with
    their protein in the proteome; the adjusted test equals MSstatsPTM's formula applied to
    R limma's site and protein fits of the same values."""
    from omics.io.study import load_study
    from omics.steps.ingest import ingest_study
    from omics.steps.ptm import ptm_analysis
    from omics.store.results import read_result
    from tests.conftest import shared_data

    shared_data("ptm/msstatsptm_sim_tmt_ptm.tsv")
    study = load_study(EXAMPLES / "msstatsptm_tmt" / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    plan = study.analysis.ptm["phospho"]
    summary = ptm_analysis(store, "phospho", plan, study.analysis.proteomics)
    assert {name: (s["adjusted"], s["unadjusted"]) for name, s in summary.items()} == {
        name: (89, 1) for name in plan.contrasts}
    table = read_result(store, "ptm_phospho", "c2_vs_c1")
    _assert_adjusted_equals_r(table, _r_fits(tmp_path, store, "phospho", plan,
                                             study.analysis.proteomics, "c2_vs_c1"))


def test_cptac_fragpipe_phospho_example_matches_r_limma(tmp_path):
    """examples/cptac_ccrcc_phospho: FragPipe phosphosites (PTMProphet >= 0.75) of 8 tumour
    and 8 normal channels tested net of the global run's proteins; equal to the formula on
    R limma's fits; sites of proteins the global run missed are reported unadjusted."""
    from omics.io.study import load_study
    from omics.steps.ingest import ingest_study
    from omics.steps.ptm import ptm_analysis
    from omics.store.results import read_result
    from tests.conftest import shared_data

    shared_data("ptm/msstatsptm_fragpipe_input.tsv")
    study = load_study(EXAMPLES / "cptac_ccrcc_phospho" / "study.yaml")
    store = ingest_study(study.path, tmp_path / "s.zarr")
    plan = study.analysis.ptm["phospho"]
    summary = ptm_analysis(store, "phospho", plan, study.analysis.proteomics)["tumour_vs_normal"]
    table = read_result(store, "ptm_phospho", "tumour_vs_normal")
    assert len(table) == 115
    assert summary["adjusted"] + summary["unadjusted"] == 115
    _assert_adjusted_equals_r(table, _r_fits(tmp_path, store, "phospho", plan,
                                             study.analysis.proteomics, "tumour_vs_normal"))
