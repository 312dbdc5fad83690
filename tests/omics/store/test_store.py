"""The study store: Zarr v3, plain reopening, provenance on every array, atomic writes."""

from __future__ import annotations

import json

import anndata as ad
import pytest
import xarray as xr
import zarr

from omics.store import file_sha256, groups, open_table, staged_directory


def test_layout_format_and_reopening(small_store, small_cohort):
    assert groups(small_store) == ["clinical", "proteomics", "ptm/diglycine", "sample_map",
                                   "tables/mechanism_assays", "tables/viability",
                                   "tables/viability_checkerboard", "transcriptomics/cells",
                                   "transcriptomics/tumours"]
    for group in ("", "proteomics", "transcriptomics/cells", "clinical"):
        meta = json.loads((small_store / group / "zarr.json").read_text())
        assert meta["zarr_format"] == 3
    proteome = xr.open_zarr(small_store / "proteomics")
    assert proteome["intensity"].shape == (674, 22)
    assert proteome["intensity"].chunks is not None
    tumours = ad.read_zarr(small_store / "transcriptomics" / "tumours")
    assert tumours.shape == (90, 874)
    clinical = open_table(small_store, "clinical")
    assert list(clinical["response"].cat.categories) == ["highly_sensitive", "sensitive",
                                                         "resistant"]


def test_provenance_names_source_files_with_sha256(small_store, small_cohort):
    attrs = xr.open_zarr(small_store / "proteomics")["intensity"].attrs
    files = json.loads(attrs["source_files"])
    assert files[0] == {"file": "proteomics_tmt.tsv",
                        "sha256": file_sha256(small_cohort.parent / "proteomics_tmt.tsv")}
    assert attrs["step"] == "reader:wide_table"
    assert attrs["omics_axis_version"]
    x_attrs = zarr.open_array(str(small_store / "transcriptomics" / "cells" / "X")).attrs
    assert json.loads(x_attrs["source_files"])[0]["file"] == "rnaseq_cells_counts.tsv"


def test_failed_group_write_keeps_old_version(tmp_path):
    target = tmp_path / "group"
    target.mkdir()
    (target / "data").write_text("old")
    with pytest.raises(RuntimeError), staged_directory(target) as staged:
        (staged / "data").write_text("half")
        raise RuntimeError("disk full")
    assert (target / "data").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["group"]


def test_chunk_size_is_configurable_in_the_study(small_cohort, tmp_path):
    import shutil

    folder = tmp_path / "cohort"
    shutil.copytree(small_cohort.parent, folder)
    study = folder / "study.yaml"
    study.write_text(study.read_text() + "chunk_mb: 0.05\n")
    from omics.steps.ingest import ingest_study

    store = ingest_study(study, tmp_path / "s.zarr")
    meta = json.loads((store / "proteomics" / "intensity" / "zarr.json").read_text())
    n_samples = meta["shape"][1]
    rows = int(0.05 * 2**20) // (8 * n_samples)
    assert rows < meta["shape"][0]
    assert meta["chunk_grid"]["configuration"]["chunk_shape"] == [rows, n_samples]


def _write_tables(args) -> None:
    import pandas as pd

    from omics.store.writer import write_table

    store, index = args
    write_table(store, f"tables/t{index}", pd.DataFrame({"x": [index]}), dim="row")


def _busy(seconds: float) -> None:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.slow  # a 100-trial stress run on both cores
def test_concurrent_writers_create_parent_groups_without_clashing(tmp_path):
    """Four processes writing ``tables/t<i>`` at once, 100 trials, with two more processes
    keeping both cores busy (zarr raised ContainsGroupError in 24 of 40 four-process trials
    before the fix, 30 of 160 in a stress run)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import zarr

    from omics.store import open_table

    busy = [multiprocessing.get_context("spawn").Process(target=_busy, args=(600,),
                                                         daemon=True) for _ in range(2)]
    for process in busy:
        process.start()
    try:
        with ProcessPoolExecutor(4) as pool:
            for trial in range(100):
                store = str(tmp_path / f"s{trial}.zarr")
                zarr.open_group(store, mode="w", zarr_format=3)
                list(pool.map(_write_tables, [(store, i) for i in range(4)]))
                assert [int(open_table(store, f"tables/t{i}")["x"].iloc[0])
                        for i in range(4)] == [0, 1, 2, 3]
    finally:
        for process in busy:
            process.terminate()
            process.join()


def _file_size_limit() -> None:
    """In the child: writes beyond 20 kB fail with EFBIG, as on a full disk."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_full_disk_is_one_line_and_leaves_no_partial_files(small_store, small_cohort,
                                                           tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from tests.editing import file_tree

    omics = str(Path(sys.executable).with_name("omics"))
    before = file_tree(small_store.parent)
    ingest = subprocess.run([omics, "ingest", str(small_cohort), "--store", str(small_store)],
                            capture_output=True, text=True, preexec_fn=_file_size_limit,
                            timeout=300)
    assert ingest.returncode == 1 and "Traceback" not in ingest.stderr
    (line,) = ingest.stderr.strip().splitlines()
    assert line.startswith(f"error: {small_store.parent}/.{small_store.name}.staging-")
    assert line.endswith(": found no room to write it (File too large); expected free space "
                         "(or a larger quota) for the outputs; nothing partly written was kept")
    assert file_tree(small_store.parent) == before  # no staging folder, the store as it was
    report = subprocess.run([omics, "report", str(small_store), "--out",
                             str(tmp_path / "out" / "report.html")], capture_output=True,
                            text=True, preexec_fn=_file_size_limit, timeout=300)
    assert report.returncode == 1, report.stderr
    assert "found no room to write it (File too large)" in report.stderr
    assert list((tmp_path / "out").iterdir()) == []


def test_analyses_staged_at_once_in_a_new_store_do_not_clash(tmp_path):
    """Six analyses staging their results at once all created ``results/``: zarr raised
    ContainsGroupError and the pipeline deployment failed (seen in the serve test)."""
    from concurrent.futures import ThreadPoolExecutor

    import pandas as pd

    from omics.store import open_table
    from omics.store.staged_results import staged_results
    from omics.store.writer import create_store, write_table

    for trial in range(20):
        store = tmp_path / f"s{trial}.zarr"
        create_store(store, study_name="x")

        def analyse(i, store=store):
            with staged_results(store, f"analysis{i}"):
                write_table(store, f"results/analysis{i}/t", pd.DataFrame({"x": [i]}),
                            dim="row")

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(analyse, range(6)))
        assert [int(open_table(store, f"results/analysis{i}/t")["x"].iloc[0])
                for i in range(6)] == list(range(6))
