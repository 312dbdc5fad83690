"""The study store: Zarr v3, plain reopening, provenance on every array, atomic writes."""

from __future__ import annotations

import json

import anndata as ad
import pytest
import xarray as xr
import zarr

from omics.store import file_sha256, groups, open_table, staged_directory


def test_layout_format_and_reopening(small_store, small_cohort):
    assert groups(small_store) == ["clinical", "proteomics", "sample_map", "tables/viability",
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


def _create_parents(args) -> None:
    from omics.store.writer import ensure_parent_groups

    store, index = args
    ensure_parent_groups(store, f"tables/t{index}")


def test_concurrent_writers_create_parent_groups_without_clashing(tmp_path):
    """Four processes creating ``tables/`` at once (zarr raised ContainsGroupError in 24 of
    40 such trials before the fix)."""
    from concurrent.futures import ProcessPoolExecutor

    import zarr

    with ProcessPoolExecutor(4) as pool:
        for trial in range(20):
            store = str(tmp_path / f"s{trial}.zarr")
            zarr.open_group(store, mode="w", zarr_format=3)
            list(pool.map(_create_parents, [(store, i) for i in range(4)]))
            assert zarr.open_group(store, path="tables", mode="r") is not None
