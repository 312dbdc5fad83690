"""prefect.yaml: one deployment per flow, each entrypoint loads a flow whose parameters the
deployment's defaults match, all on the process work pool."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "prefect.yaml").read_text())


@pytest.mark.parametrize("name,flow_name", [
    ("omics-pipeline", "omics-pipeline"), ("omics-ingest", "omics-ingest-deployment"),
    ("omics-analysis", "omics-analysis-deployment"),
    ("omics-network", "omics-network-deployment")])
def test_deployment_entrypoints_load_their_flows(monkeypatch, name, flow_name):
    from prefect.flows import load_flow_from_entrypoint

    (deployment,) = [d for d in SPEC["deployments"] if d["name"] == name]
    monkeypatch.chdir(ROOT)
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name == flow_name
    signature = inspect.signature(flow.fn).parameters
    assert set(deployment["parameters"]) <= set(signature)
    for parameter, default in deployment["parameters"].items():
        assert signature[parameter].default == default, parameter
    assert {"dask_address", "cluster", "cluster_config"} <= set(signature)
    assert deployment["work_pool"]["name"] == "omics-process"


@pytest.mark.parametrize("name", ["omics-pipeline", "omics-ingest", "omics-analysis",
                                  "omics-network"])
def test_every_deployment_parameter_has_a_description_and_choices_are_enums(monkeypatch,
                                                                           name):
    """The UI form showed free-text fields without descriptions; Prefect reads the
    schema from the entrypoint's source, as ``prefect deploy`` does."""
    from prefect.utilities.callables import parameter_schema_from_entrypoint

    (deployment,) = [d for d in SPEC["deployments"] if d["name"] == name]
    monkeypatch.chdir(ROOT)
    schema = parameter_schema_from_entrypoint(deployment["entrypoint"]).model_dump()
    undescribed = [p for p, spec in schema["properties"].items() if not spec.get("description")]
    assert undescribed == []
    if name == "omics-pipeline":
        assert schema["properties"]["scale"]["enum"] == ["small", "default", "large", "xlarge"]
