"""Rerunning the pipeline: unchanged inputs are neither read again nor re-analysed (ingest
reuses groups by input key, analysis tasks are Prefect cache hits, the network's
randomisations are read from their cache); changing the clinical table re-reads and
re-analyses only what depends on it."""

from __future__ import annotations

import time

import pytest
import zarr

from omics.store import layout
from omics.store.results import read_result

pytestmark = pytest.mark.slow


def _task_states(flow_run_id) -> dict[str, str]:
    """``{task name: state name}`` of the task runs of a flow run's subflows."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterParentFlowRunId,
    )

    with get_client(sync_client=True) as client:
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])))
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[c.id for c in children])))
    return {r.name.rsplit("-", 1)[0]: r.state.name for r in runs}


def _created(store, group: str) -> str:
    return zarr.open_group(str(store / group), mode="r").attrs["created"]


def _assert_results_persisted_as_json(since: float) -> None:
    """Prefect's result files of the cached analyses hold JSON, not cloudpickle (a planted
    pickle ran on a cache hit)."""
    import json

    from prefect.settings import get_current_settings

    folder = get_current_settings().results.local_storage_path
    records = [json.loads(p.read_text()) for p in folder.iterdir()
               if p.is_file() and p.stat().st_mtime >= since]
    assert len(records) >= 5
    assert {r["metadata"]["serializer"]["type"] for r in records} == {"json"}


def test_rerun_reuses_and_a_changed_input_recomputes_only_its_dependants(prefect_api,
                                                                         tmp_path):
    from flows.pipeline import omics_pipeline

    out = tmp_path / "run"
    started = time.time() - 1
    first = omics_pipeline(out_dir=str(out), scale="small", return_state=True).result()
    store = out / "study.zarr"
    proteome_result = layout.result_group("differential_proteomics",
                                          "resistant_vs_sensitive_cells")
    roc = layout.result_group("clinical", "roc")
    before = {g: _created(store, g) for g in (layout.PROTEOMICS, proteome_result, roc)}

    again = omics_pipeline(out_dir=str(out), scale="small", return_state=True)
    summary = again.result()
    assert all(m["reused"] for m in summary["modalities"].values() if isinstance(m, dict)
               and "reused" in m)
    states = _task_states(again.state_details.flow_run_id)
    analyses = {k: v for k, v in states.items() if not k.startswith(("stage_input",
                                                                       "axis_network"))}
    assert analyses and set(analyses.values()) == {"Cached"}, states
    assert {g: _created(store, g) for g in before} == before
    assert summary["findings"] == first["findings"]
    assert summary["analyses"] == first["analyses"]  # the same summaries, read back as JSON
    assert summary["network"]["randomisations"] == "cached"  # the same graph and seeds
    _assert_results_persisted_as_json(since=started)

    clinical = out / "inputs" / "clinical.csv"
    lines = clinical.read_text().splitlines()
    header = lines[0].split(",")
    column, response = header.index("serum_exo_anxa6_ng_ml"), header.index("response")
    row = next(i for i, line in enumerate(lines[1:], start=1)
               if line.split(",")[response] != "resistant")
    cells = lines[row].split(",")
    cells[column] = "1000"  # a sensitive patient with the highest marker: the AUC drops
    lines[row] = ",".join(cells)
    clinical.write_text("\n".join(lines) + "\n")
    simulate_again = out / "inputs" / "study.yaml"
    changed = omics_pipeline(study_yaml=str(simulate_again), out_dir=str(out),
                             return_state=True)
    summary = changed.result()
    reused = {m: v["reused"] for m, v in summary["modalities"].items()
              if isinstance(v, dict) and "reused" in v}
    assert reused["clinical"] is False and reused["proteomics"] is True
    assert all(v for m, v in reused.items() if m != "clinical")
    states = _task_states(changed.state_details.flow_run_id)
    assert states["differential_proteomics"] == "Cached"
    assert states["clinical_analysis"] == "Completed"
    assert _created(store, proteome_result) == before[proteome_result]
    assert _created(store, roc) != before[roc]
    assert read_result(store, "clinical", "roc").iloc[0]["auc"] < \
        first["analyses"]["clinical"]["roc"]["auc"]
