"""The curated axis layer and evidence attached from a store."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graphs import load_axis_layer
from graphs.curated import AxisLayer
from graphs.steps.axis_graph import build_axis_graph
from omics.io import load_study
from omics.steps import analysis
from omics.store import results


def test_curated_layer_holds_the_mechanism():
    graph = load_axis_layer()
    assert graph.edges["ANXA6", "EGFR"]["evidence"] == "experimental"
    assert graph.edges["CBL", "EGFR"]["sign"] == -1
    assert {"UBB", "UBC", "UBA52", "RPS27A"} <= set(graph["CBL"])
    assert {"EGFR", "ERBB2"} == set(graph["lapatinib"])
    assert {"RRM1", "RRM2"} <= set(graph["gemcitabine"])


def test_schema_rejects_edge_to_undeclared_node():
    with pytest.raises(ValidationError, match="names undeclared XYZ"):
        AxisLayer.model_validate({"version": 1, "nodes": {"A": {"role": "axis"}},
                                  "edges": [{"source": "A", "target": "XYZ",
                                             "evidence": "curated"}]})


def test_evidence_from_store(small_store, small_cohort):
    plan = load_study(small_cohort).analysis
    analysis.differential_proteomics(small_store, plan.proteomics)
    graph = build_axis_graph(small_store)
    table = results.read_result(small_store, "differential_proteomics",
                                 "resistant_vs_sensitive_cells").set_index("feature")
    assert graph.nodes["EGFR"]["protein_log2_fc__resistant_vs_sensitive_cells"] == \
        pytest.approx(table.loc["EGFR", "log2_fc"])
    assert -1 <= graph.edges["ANXA6", "EGFR"]["protein_corr_r"] <= 1
    assert graph.edges["ANXA6", "EGFR"]["protein_corr_n"] == 20
