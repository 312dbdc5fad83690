"""``omics clinical`` and ``omics dose-response`` as a user runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

from omics.simulate.clinical import IC50_UM
from omics.stats.roc import roc_analysis
from omics.store import open_table
from tests.cli import run_omics
from tests.editing import file_tree


def _omics(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_omics(*args, cwd=cwd)


def test_clinical_command_writes_the_store_and_tables(small_store, tmp_path):
    done = _omics("clinical", str(small_store), "--biomarker", "serum_exo_anxa6_ng_ml",
                  "--outcome", "response", "--positive", "resistant", "--covariates",
                  "age,stage", "--time", "pfs_months", "--event", "pfs_event", "--out", "tables",
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ROC for resistant: AUC" in done.stdout
    roc = pd.read_csv(tmp_path / "tables" / "roc.tsv", sep="\t").iloc[0]
    clinical = open_table(small_store, "clinical")
    direct = roc_analysis(clinical["serum_exo_anxa6_ng_ml"].to_numpy(float),
                          (clinical["response"] == "resistant").to_numpy(float))
    assert roc["auc"] == pytest.approx(direct.auc, rel=1e-9)
    assert roc["ci_low"] == pytest.approx(direct.ci_low, rel=1e-9)
    assert sorted(p.stem for p in (tmp_path / "tables").iterdir()) == [
        "association", "cox", "kaplan_meier", "logistic", "pairwise", "roc"]
    cox = pd.read_csv(tmp_path / "tables" / "cox.tsv", sep="\t").set_index("term")
    assert {"serum_exo_anxa6_ng_ml", "age", "stage_III", "stage_IV"} == set(cox.index)


def test_clinical_command_invalidates_the_pipelines_cached_clinical_analysis(
        small_store, small_cohort, tmp_path):
    """After ``omics clinical`` on another biomarker, the pipeline's key no longer matches the
    recorded one, so an unchanged ``omics run`` recomputes its clinical analysis instead of
    reusing the cached task; ``--out`` holds only the tables this command wrote."""
    from omics.io.study import load_study
    from omics.steps.analysis_keys import analysis_keys
    from omics.steps.clinical import clinical_analysis
    from omics.store.input_keys import mark_group, recorded_key

    plan = load_study(small_cohort).analysis
    group, key = analysis_keys(small_store, plan)["clinical"]
    clinical_analysis(small_store, plan.clinical)  # as the pipeline's task, then its mark
    mark_group(small_store, group, key)
    assert recorded_key(small_store, group) == key
    done = _omics("clinical", str(small_store), "--biomarker", "ihc_anxa6_hscore",
                  "--outcome", "response", "--out", "tables", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert recorded_key(small_store, group) not in (None, key)
    assert sorted(p.stem for p in (tmp_path / "tables").iterdir()) == [
        "association", "logistic", "pairwise", "roc"]  # not the pipeline's cox, genes, ...
    roc = pd.read_csv(tmp_path / "tables" / "roc.tsv", sep="\t").iloc[0]
    assert roc["biomarker"] == "ihc_anxa6_hscore"


@pytest.mark.parametrize(("args", "message"), [
    (["--biomarker", "serum", "--outcome", "response"],
     "clinical: found no column 'serum'; expected one of age, stage, response, "
     "serum_exo_anxa6_ng_ml, ihc_anxa6_hscore, ihc_egfr_hscore, pfs_months, pfs_event"),
    (["--biomarker", "serum_exo_anxa6_ng_ml", "--outcome", "response", "--time", "pfs_months"],
     "command line: found only one of --time and --event; expected both --time and --event, "
     "or neither"),
])
def test_clinical_command_refuses_bad_arguments_in_one_line(small_store, tmp_path, args,
                                                            message):
    done = _omics("clinical", str(small_store), *args, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: ") and done.stderr.strip().endswith(message)
    assert not (small_store / "results" / "clinical").exists()


def test_survival_cutoff_outside_the_range_is_one_line_and_keeps_the_results(small_store,
                                                                              tmp_path):
    """A failing run left results/clinical half-rewritten, and omics report then crashed."""
    survival = ["--biomarker", "serum_exo_anxa6_ng_ml", "--outcome", "response", "--time",
                "pfs_months", "--event", "pfs_event"]
    assert _omics("clinical", str(small_store), *survival, cwd=tmp_path).returncode == 0
    before = file_tree(small_store / "results")
    done = _omics("clinical", str(small_store), *survival, "--cutoff", "1e9", cwd=tmp_path)
    assert (done.returncode, done.stderr.strip()) == (2, (
        "error: cutoff: found 1000000000.0, which leaves the high group empty; expected a "
        "cut-off inside the biomarker's range"))
    assert file_tree(small_store / "results") == before
    assert not [p for p in (small_store / "results").iterdir() if p.name.startswith(".")]
    report = _omics("report", str(small_store), cwd=tmp_path)
    assert report.returncode == 0, report.stderr


def test_dose_response_command_fits_and_ratios(small_cohort, tmp_path):
    done = _omics("dose-response", str(small_cohort.parent / "viability.csv"), "--dose",
                  "gemcitabine_um", "--ratio", "resistance_index=res_cells/sens_cells",
                  "--out", "dr", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fits = pd.read_csv(tmp_path / "dr" / "fits.tsv", sep="\t").set_index("condition")
    for condition, ic50 in IC50_UM.items():
        assert fits.at[condition, "ci_low"] < ic50 < fits.at[condition, "ci_high"]
    ratio = pd.read_csv(tmp_path / "dr" / "ratios.tsv", sep="\t").iloc[0]
    assert ratio["ci_low"] < 10 < ratio["ci_high"]
    checkerboard = _omics("dose-response", str(small_cohort.parent /
                                              "viability_checkerboard.csv"),
                          "--dose", "gemcitabine_um", "--second-drug", "lapatinib_um", "--out",
                          "dr", cwd=tmp_path)
    assert checkerboard.returncode == 0, checkerboard.stderr
    combination = pd.read_csv(tmp_path / "dr" / "combination.tsv", sep="\t")
    assert len(combination) == 24 and combination["excess"].mean() > 0.03


def test_dose_response_command_names_the_bad_cell(small_cohort, tmp_path):
    table = tmp_path / "v.csv"
    lines = (small_cohort.parent / "viability.csv").read_text().splitlines()
    cells = lines[3].split(",")
    cells[2] = "lots"
    lines[3] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n")
    done = _omics("dose-response", str(table), "--dose", "gemcitabine_um", "--out", "dr",
                  cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: {table}:4:3: found 'lots' in column "
                                   "'gemcitabine_um'; expected a finite non-negative number")
    assert not (tmp_path / "dr").exists()
