"""The scripts in ``examples/`` run and recover the built-in cohort's planted truth."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

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
    assert abs(result["ic50_sens_um"] / ic50["sens_cells"] - 1) < 0.1
    assert abs(result["ic50_res_um"] / ic50["res_cells"] - 1) < 0.1
    assert {p.name for p in tmp_path.iterdir()} == {"volcano_cells.png", "roc.png",
                                                    "kaplan_meier.png"}


def test_seed_study_runs_as_a_script(tmp_path):
    out = subprocess.run([sys.executable, str(EXAMPLES / "seed_study.py")],
                         capture_output=True, text=True, check=True).stdout
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines["roc_auc"].strip() == "0.913"
    assert lines["ic50_res_um"].strip() == "13.9"
