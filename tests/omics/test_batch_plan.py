"""ComBat as a step of the study plan: it runs in the analysis, records itself, is refused
without the batch in the design, and the report's QC shows the batches before and after."""

from __future__ import annotations

import json

import numpy as np
import pytest

from omics.errors import OmicsInputError
from omics.io.plan_steps import CombatStep, Log2Step, MedianNormaliseStep
from omics.io.study import load_study
from omics.report.batch_qc import batch_pca
from omics.steps.analysis import analysed_view, differential_proteomics
from omics.steps.plan_check import validate_study
from omics.store.reader import open_proteomics
from omics.store.results import read_result, recorded_parameters

STEPS = [Log2Step(step="log2"), MedianNormaliseStep(step="median_normalise"),
         CombatStep(step="combat", batch="plex", covariates=["condition"])]


def test_combat_step_runs_in_the_analysis_and_records_itself(small_cohort, small_store):
    plan = load_study(small_cohort).analysis.proteomics.model_copy(update={"preprocess": STEPS})
    summary = differential_proteomics(small_store, plan)
    name = next(iter(plan.contrasts))
    table = read_result(small_store, "differential_proteomics", name)
    assert summary[name]["tested"] == table["p_value"].notna().sum() > 500
    recorded = recorded_parameters(small_store, "differential_proteomics", name)
    combat = json.loads(recorded["preprocessing_applied"])[-1]
    assert combat["step"] == "combat" and combat["batches"] == ["P1", "P2"]
    assert combat["covariates"][0].startswith("condition[T.")
    assert combat["features_adjusted"] + combat["features_too_few_values"] \
        + combat["features_constant_in_a_batch"] == len(table)
    # the planted resistance effects survive: condition was protected
    assert table.set_index("gene").loc["ANXA6", "log2_fc"] == pytest.approx(1.3, abs=0.3)
    # the report's methods say what ComBat did
    from omics.report.render import _differential_method

    method = _differential_method(small_store, "differential_proteomics")
    assert "ComBat (port of sva::ComBat, parametric prior) over the batches P1, P2 protecting " \
           "condition[T." in method and "features adjusted" in method


def test_report_pca_shows_the_batches_before_and_after_combat(small_cohort, small_store):
    plan = load_study(small_cohort).analysis.proteomics.model_copy(update={"preprocess": STEPS})
    dataset = open_proteomics(small_store)
    values, samples = analysed_view(dataset, plan)
    raw = dataset["intensity"].sel(sample=samples.index.to_numpy())
    figure, title = batch_pca(raw, values, samples, plan, STEPS, samples["condition"])
    panels = [axes.get_title() for axes in figure.axes]
    assert panels == ["before batch correction", "after ComBat (analysed)"]
    assert "coloured by batch (plex)" in title
    # without ComBat, the design's plex is removed for display only
    figure, title = batch_pca(raw, values, samples, plan, STEPS[:2], samples["condition"])
    assert [a.get_title() for a in figure.axes][1] == "after removeBatchEffect (display only)"
    assert "the test keeps the batch in its design" in title
    assert np.isfinite(figure.axes[1].collections[0].get_offsets()).all()


def test_combat_without_the_batch_in_the_design_is_refused(small_cohort, tmp_path):
    import shutil

    folder = tmp_path / "cohort"
    shutil.copytree(small_cohort.parent, folder)
    text = (folder / "study.yaml").read_text()
    old = "    design: ~ 0 + condition + plex\n"
    assert old in text
    (folder / "study.yaml").write_text(text.replace(old, (
        "    design: ~ 0 + condition\n    preprocess: [{step: log2}, {step: combat, batch: plex,"
        " covariates: [condition]}]\n"), 1))
    with pytest.raises(OmicsInputError) as caught:
        validate_study(folder / "study.yaml")
    assert ("found analysis.proteomics.design: '~ 0 + condition' without the ComBat batch "
            "'plex'; expected the batch in the design too (+ plex)") in str(caught.value)
