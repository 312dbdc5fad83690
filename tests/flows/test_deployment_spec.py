"""prefect.yaml: the pipeline deployment's entrypoint loads the real flow."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_pipeline_entrypoint_is_valid(monkeypatch):
    from prefect.flows import load_flow_from_entrypoint

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = [d for d in spec["deployments"] if d["name"] == "omics-pipeline"]
    monkeypatch.chdir(ROOT)
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name == "omics-pipeline"
    assert set(deployment["parameters"]) == {"study_yaml", "out_dir", "dask_address", "scale"}
