"""The study plan's preprocessing steps and model options: applied in order, checked at load."""

from __future__ import annotations

import numpy as np
import pytest

from omics.errors import OmicsInputError
from omics.io.study import load_study
from omics.steps.analysis import differential_proteomics
from omics.store.results import read_result


def _plan(tmp_path, section: str):
    path = tmp_path / "study.yaml"
    path.write_text(f"name: x\nanalysis:\n  proteomics: {section}\n")
    return path


@pytest.mark.parametrize(("section", "message"), [
    ("{design: '~ g', contrasts: {a: g}, trend: true, robust: true}",
     "choose one of trend and robust"),
    ("{design: '~ g', contrasts: {a: g}, method: welch, robust: true}",
     "trend and robust belong to the moderated and voom methods"),
    ("{design: '~ g', contrasts: {a: g}, preprocess: [{step: log10}]}",
     "found step 'log10' in analysis.proteomics.preprocess.0; expected one of 'log2', "
     "'median_normalise', 'quantile_normalise'"),
    ("{design: '~ g', contrasts: {a: g}, preprocess: [{step: median_normalise, "
     "reference: {regex: '(unclosed'}}]}", "invalid regular expression '(unclosed'"),
    ("{design: '~ g', contrasts: {a: g}, preprocess: [{step: log2, base: 10}]}",
     "found unknown key 'base' in analysis.proteomics.preprocess.0.log2; expected one of "
     "step"),
])
def test_plan_mistakes_are_refused_at_load_in_one_line(tmp_path, section, message):
    with pytest.raises(OmicsInputError) as caught:
        load_study(_plan(tmp_path, section))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_steps_run_in_order_on_the_selected_samples(small_cohort, small_store, tmp_path):
    """Reference channels left out before normalisation; IRS-free median normalisation on a
    reference feature list; the recorded preprocessing says so."""
    study = load_study(small_cohort)
    plan = study.analysis.proteomics.model_copy(update={
        "samples": "not reference",
        "preprocess": load_study(_plan(tmp_path, (
            "{design: '~ 0 + condition', contrasts: {a: 'condition[a]'}, preprocess: "
            "[{step: log2}, {step: median_normalise, reference: {column: gene, values: "
            "[ANXA6, EGFR, CBL, NOT_A_GENE]}}, {step: filter_min_valid, group: condition, "
            "min_valid: 3}]}"))).analysis.proteomics.preprocess})
    summary = differential_proteomics(small_store, plan)
    name = next(iter(plan.contrasts))
    table = read_result(small_store, "differential_proteomics", name)
    assert summary[name]["tested"] == table["p_value"].notna().sum() > 500
    import json

    from omics.store.results import recorded_parameters

    steps = json.loads(recorded_parameters(small_store, "differential_proteomics",
                                           name)["preprocessing_applied"])
    assert [s["step"] for s in steps] == ["log2", "median_normalise", "filter_min_valid"]
    assert steps[1]["reference_features"] == 3
    assert len(steps[1]["sample_shift"]) == 20  # the 2 reference channels left out


def test_zero_features_tested_is_an_error(tmp_path):
    """Groups a and c never observed in the same feature: the contrast tests nothing, and
    says so."""
    from omics.steps.ingest import ingest_study

    rng = np.random.default_rng(0)
    values = 2.0 ** rng.normal(20, 1, (40, 6))
    values[1:, 4:] = 0  # group c seen only in feature P0 (0 = missing) ...
    values[0, :2] = 0  # ... where group a is missing
    rows = ["protein\t" + "\t".join(f"s{j}" for j in range(6))]
    rows += [f"P{i}\t" + "\t".join(f"{v:.1f}" for v in row) for i, row in enumerate(values)]
    (tmp_path / "t.tsv").write_text("\n".join(rows) + "\n")
    (tmp_path / "s.csv").write_text("sample,g\n" + "".join(
        f"s{j},{'abc'[j // 2]}\n" for j in range(6)))
    path = tmp_path / "study.yaml"
    path.write_text("name: x\nproteomics: {table: t.tsv, samples: s.csv}\nanalysis:\n"
                    "  proteomics: {design: '~ 0 + g', contrasts: {c_vs_a: 'g[c] - g[a]'}}\n")
    study = load_study(path)
    store = ingest_study(path, tmp_path / "s.zarr")
    with pytest.raises(OmicsInputError, match=r"found 0 of 40 features tested for contrast "
                                              r"'c_vs_a' \(design '~ 0 \+ g' on 6 samples\)"):
        differential_proteomics(store, study.analysis.proteomics)


def _edited(small_cohort, tmp_path, old: str, new: str):
    """A copy of the built-in cohort's study.yaml with one edit (inputs stay where they are)."""
    import shutil

    folder = tmp_path / "cohort"
    shutil.copytree(small_cohort.parent, folder)
    text = (folder / "study.yaml").read_text()
    assert old in text, old
    (folder / "study.yaml").write_text(text.replace(old, new, 1))
    return folder / "study.yaml"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("design: ~ 0 + condition + plex", "design: ~ 0 + conditon + plex",
     "analysis.proteomics.design: no sample column 'conditon'; expected one of plex, channel, "
     "condition, compartment, replicate, culture, reference"),
    ("condition[res_cells] - condition[sens_cells]", "condition[res_cell] - condition[sens_cells]",
     "analysis.proteomics.contrasts: contrast 'resistant_vs_sensitive_cells' = "
     "'condition[res_cell] - condition[sens_cells]'; expected a linear combination"),
    ("samples: not reference", "samples: plex == 'P9'",
     "analysis.proteomics.samples: \"plex == 'P9'\", which selects no sample"),
    ("biomarker: serum_exo_anxa6_ng_ml", "biomarker: serum_anxa6",
     "analysis.clinical: no column 'serum_anxa6'; expected one of"),
    ("- ANXA6\n", "- ANXA66\n",
     "gene 'ANXA66', which the modality does not measure"),
    ("pair_by: culture", "pair_by: cultures", "analysis.protein_mrna.pair_by: no column "
     "'cultures'"),
    ("    - gene_sets.gmt\n", "    - gene_set.gmt\n",
     "cohort/gene_set.gmt: found no such file; expected an existing file"),
    ("    categorical:\n    - condition\n", "    categorical:\n    - conditions\n",
     "analysis.factors: no sample or clinical column 'conditions'; expected one of "),
    ("    - proteomics\n    - cells\n", "    - proteomics\n    - cell\n",
     "analysis.factors.modalities: modality 'cell'"),
])
def test_validate_finds_a_typo_anywhere_in_the_plan(small_cohort, tmp_path, old, new, message):
    import time

    from omics.steps.plan_check import validate_study

    study = _edited(small_cohort, tmp_path, old, new)
    started = time.monotonic()
    with pytest.raises(OmicsInputError) as caught:
        validate_study(study)
    assert time.monotonic() - started < 10
    assert "\n" not in str(caught.value) and message in str(caught.value), str(caught.value)


def test_run_validates_the_study_before_starting_anything(small_cohort, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    study = _edited(small_cohort, tmp_path, "design: ~ 0 + condition + plex",
                    "design: ~ 0 + conditon + plex")
    omics = str(Path(sys.executable).with_name("omics"))
    done = subprocess.run([omics, "run", "--study", str(study), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2 and "no sample column 'conditon'" in done.stderr
    assert "Prefect API" not in done.stdout and not (tmp_path / "out").exists()


def test_unknown_keys_name_the_allowed_ones_and_the_schema_says_them(small_cohort, tmp_path):
    import json

    import jsonschema
    import yaml

    from tests.cli import run_omics

    study = _edited(small_cohort, tmp_path, "design: ~ 0 + condition + plex",
                    "desing: ~ 0 + condition + plex")
    done = run_omics("validate", study)
    assert done.stderr.strip().endswith(
        "found unknown key 'desing' in analysis.proteomics; expected one of design, contrasts, "
        "samples, preprocess, method, trend, robust, sample_weights, fdr, fdr_level")
    schema = json.loads(run_omics("schema").stdout)
    jsonschema.validate(yaml.safe_load(small_cohort.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(study.read_text()), schema)


def _expression_study(tmp_path, scale: str | None, values: np.ndarray):
    """An expression_matrix modality (genes x samples) with a two-group analysis."""
    rows = ["gene\t" + "\t".join(f"s{j}" for j in range(values.shape[1]))]
    rows += [f"G{i}\t" + "\t".join(f"{v:.6f}" for v in row) for i, row in enumerate(values)]
    (tmp_path / "x.tsv").write_text("\n".join(rows) + "\n")
    (tmp_path / "s.csv").write_text("sample,g\n" + "".join(
        f"s{j},{'ab'[j * 2 // values.shape[1]]}\n" for j in range(values.shape[1])))
    declared = f", scale: {scale}" if scale else ""
    path = tmp_path / "study.yaml"
    path.write_text("name: x\ntranscriptomics:\n  arr: {reader: expression_matrix, table: x.tsv, "
                    f"samples: s.csv, orientation: features_by_samples{declared}}}\n"
                    "analysis:\n  transcriptomics:\n"
                    "    arr: {design: '~ g', contrasts: {b_vs_a: 'g[T.b]'}}\n")
    return path


def test_log2_values_are_analysed_as_they_are_and_match_limma_on_them(tmp_path):
    """A log2 (microarray-like) modality is not log-CPM'd: the fold change is the planted
    difference of the log values, as limma on the same values gives."""
    from omics.stats.differential import moderated_t
    from omics.steps.analysis import differential_transcriptomics
    from omics.steps.ingest import ingest_study
    from omics.steps.plan_check import validate_study

    rng = np.random.default_rng(3)
    values = rng.normal(8, 0.5, (200, 8))
    values[0, 4:] += 2.0
    path = _expression_study(tmp_path, "log2", values)
    validate_study(path)
    store = ingest_study(path, tmp_path / "s.zarr")
    summary = differential_transcriptomics(store, "arr", load_study(path).analysis
                                           .transcriptomics["arr"])
    table = read_result(store, "differential_transcriptomics_arr", "b_vs_a").set_index("feature")
    import pandas as pd
    import xarray as xr

    expected = moderated_t(xr.DataArray(np.round(values, 6), dims=("feature", "sample"),
                                        coords={"feature": [f"G{i}" for i in range(200)]}),
                           pd.DataFrame({"g": list("aaaabbbb")}), "~ g",
                           {"b_vs_a": "g[T.b]"})["b_vs_a"].set_index("feature")
    np.testing.assert_allclose(table["t"], expected.loc[table.index, "t"], rtol=1e-10)
    assert table.loc["G0", "log2_fc"] == pytest.approx(2.0, abs=0.5)
    assert summary["b_vs_a"]["tested"] == 200


def test_an_undeclared_scale_is_refused_before_anything_runs(tmp_path):
    from omics.steps.plan_check import validate_study

    path = _expression_study(tmp_path, None, np.random.default_rng(0).normal(8, 1, (20, 6)))
    with pytest.raises(OmicsInputError, match=r"found transcriptomics\.arr\.scale: no declared "
                                              r"scale for a modality that analysis\."
                                              r"transcriptomics\.arr analyses"):
        validate_study(path)


def test_qc_network_and_protein_mrna_see_the_analysed_samples(small_cohort, small_store):
    """The samples and preprocessing of the differential analysis are recorded and reused
    by everything that reads proteomics values afterwards."""
    from omics.steps.analysis import normalised_proteomics, protein_matrix_by_gene

    plan = load_study(small_cohort).analysis.proteomics.model_copy(
        update={"samples": "not reference and replicate != 1"})
    before, all_samples = normalised_proteomics(small_store)
    assert len(all_samples) == 22  # no analysis yet: every sample, default normalisation
    differential_proteomics(small_store, plan)
    values, samples = normalised_proteomics(small_store)
    chosen = all_samples[~all_samples["reference"].astype(bool)
                         & (all_samples["replicate"].astype(int) != 1)]
    assert list(samples.index) == list(chosen.index) and 0 < len(chosen) < 20
    assert protein_matrix_by_gene(small_store).shape[1] == len(chosen)
    medians = np.nanmedian(values.values, axis=0)
    np.testing.assert_allclose(medians, medians.mean(), atol=1e-9)  # normalised on these


def test_protein_mrna_sees_the_samples_and_preprocessing_of_the_rna_analysis(small_cohort,
                                                                            small_store):
    """One selected-sample view: the mRNA side of protein-mRNA is the RNA analysis' own
    selection (here one culture left out) and its preprocessing (TMM + voom's counts, shown
    as log-CPM), as recorded with its results."""
    from omics.steps.analysis import (
        analysed_expression,
        differential_transcriptomics,
        protein_mrna,
    )

    study = load_study(small_cohort)
    rna_plan = study.analysis.transcriptomics["cells"]
    differential_proteomics(small_store, study.analysis.proteomics)
    differential_transcriptomics(small_store, "cells", rna_plan)
    everything = protein_mrna(small_store, study.analysis.protein_mrna)
    _, all_samples = analysed_expression(small_store, "cells")
    dropped = all_samples[study.analysis.protein_mrna.pair_by].iloc[0]
    narrowed = rna_plan.model_copy(update={
        "samples": f"{study.analysis.protein_mrna.pair_by} != {dropped!r}",
        "method": "voom", "preprocess": None})
    differential_transcriptomics(small_store, "cells", narrowed)
    values, samples = analysed_expression(small_store, "cells")
    assert dropped not in set(samples[study.analysis.protein_mrna.pair_by])
    assert values.attrs["preprocess"].count("tmm_normalise") == 1
    fewer = protein_mrna(small_store, study.analysis.protein_mrna)
    assert fewer["pairs"] < everything["pairs"]


def test_the_fdr_level_of_the_plan_sets_what_is_called(small_cohort, small_store):
    from omics.steps.summary import findings

    plan = load_study(small_cohort).analysis.proteomics.model_copy(update={"fdr_level": 0.1})
    summary = differential_proteomics(small_store, plan)
    name = next(iter(plan.contrasts))
    table = read_result(small_store, "differential_proteomics", name)
    assert summary[name]["fdr_level"] == 0.1
    assert summary[name]["significant"] == int((table["fdr"] < 0.1).sum()) > \
        summary[name]["significant_fdr_0.05"]
    line = next(line for line in findings(small_store, {}) if f"Proteome {name} " in line)
    assert f"{summary[name]['significant']:,} proteins at FDR < 0.1" in line


@pytest.mark.parametrize(("options", "message"), [
    (["--scale", "huge"],
     "error: --scale: found 'huge'; expected one of small, default, large, xlarge"),
    (["--address", "localhost"], "error: --address: found 'localhost'; expected a Dask "
                                 "scheduler address tcp://host:port (or tls://host:port)"),
    (["--cluster", "nope", "--cluster-config", "/nonexistent.yaml"],
     "error: /nonexistent.yaml: found no such file; expected a clusters YAML (see "
     "deploy/clusters.yaml)"),
])
def test_run_options_are_checked_before_any_server_starts(tmp_path, options, message):
    """``--scale huge`` ran 65 s (a Prefect server, a flow) before failing."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    omics = str(Path(sys.executable).with_name("omics"))
    started = time.monotonic()
    done = subprocess.run([omics, "run", "--out", str(tmp_path / "out"), *options],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert (done.returncode, done.stderr.strip()) == (2, message)
    assert "Prefect API" not in done.stdout and not (tmp_path / "out").exists()
    assert not (tmp_path / ".omics").exists() and time.monotonic() - started < 30
