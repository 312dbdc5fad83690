"""I/O tasks retry transient operating-system errors and fail fast on bad input, against a
real Prefect API (the task-run states are read back from it)."""

from __future__ import annotations

import shutil
import threading
import time

import numpy as np
import pytest

from omics.errors import OmicsInputError
from omics.simulate import simulate_cohort
from tests.editing import replace_cell

pytestmark = pytest.mark.slow  # a Prefect API server and flow runs


def _stage_runs(flow_run_id) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[flow_run_id])))
    return [r for r in runs if r.name.startswith("stage_input")]


def test_transient_io_error_is_retried_until_the_file_is_back(prefect_api, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        TaskRunFilter,
        TaskRunFilterState,
        TaskRunFilterStateName,
    )

    from flows.ingest import ingest_study

    study = simulate_cohort(tmp_path / "cohort", scale="small")
    table = tmp_path / "cohort" / "clinical.csv"
    parked = tmp_path / "clinical.csv.parked"
    shutil.move(table, parked)
    table.mkdir()  # reading it now fails with IsADirectoryError, an OSError
    restored = threading.Event()

    def restore_when_awaiting_retry() -> None:
        waiting = TaskRunFilter(state=TaskRunFilterState(
            name=TaskRunFilterStateName(any_=["AwaitingRetry"])))
        deadline = time.monotonic() + 120
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline:
                if client.read_task_runs(task_run_filter=waiting):
                    table.rmdir()
                    shutil.move(parked, table)
                    restored.set()
                    return
                time.sleep(0.1)

    helper = threading.Thread(target=restore_when_awaiting_retry)
    helper.start()
    state = ingest_study(str(study), str(tmp_path / "s.zarr"), return_state=True)
    helper.join()
    assert restored.is_set() and state.is_completed()
    runs = _stage_runs(state.state_details.flow_run_id)
    assert sorted(r.run_count for r in runs)[-1] == 2  # the clinical read: failed, then retried
    assert all(r.state.is_completed() for r in runs)


def test_bad_input_fails_at_once_with_its_clear_error(prefect_api, tmp_path):
    from flows.ingest import ingest_study

    study = simulate_cohort(tmp_path / "cohort", scale="small")
    table = tmp_path / "cohort" / "clinical.csv"
    replace_cell(table, 4, 2, "old")  # line 4, column 2: age
    started = time.monotonic()
    state = ingest_study(str(study), str(tmp_path / "s.zarr"), return_state=True)
    assert state.is_failed() and time.monotonic() - started < 30
    with pytest.raises(OmicsInputError) as caught:
        state.result()
    assert str(caught.value).startswith(f"{table}:4:2: found 'old'")
    runs = _stage_runs(state.state_details.flow_run_id)
    assert [r.run_count for r in runs if r.state.is_failed()] == [1]
    assert not (tmp_path / "s.zarr").exists()


def test_flow_and_command_line_ingest_behave_the_same_on_a_rerun(prefect_api, tmp_path):
    """One transaction for both: unchanged inputs are copied and results are kept."""
    import subprocess
    import sys
    from pathlib import Path

    from flows.ingest import ingest_study
    from omics.store.reader import open_proteomics

    study = simulate_cohort(tmp_path / "cohort", scale="small")
    omics = str(Path(sys.executable).with_name("omics"))
    stores = {}
    for way in ("flow", "cli"):
        store = tmp_path / f"{way}.zarr"
        for run in range(2):
            if way == "flow":
                summary = ingest_study(str(study), str(store))
            else:
                done = subprocess.run([omics, "ingest", str(study), "--store", str(store)],
                                      capture_output=True, text=True, timeout=300)
                assert done.returncode == 0, done.stderr
            if run == 0:
                (store / "results" / "kept").mkdir(parents=True)
                (store / "results" / "kept" / "marker").write_text("result")
        assert (store / "results" / "kept" / "marker").read_text() == "result"
        stores[way] = open_proteomics(store)["intensity"].values
    assert summary["proteomics"] == {"features": 674, "samples": 22, "reused": True}
    assert (stores["flow"] == stores["cli"])[~np.isnan(stores["cli"])].all()
