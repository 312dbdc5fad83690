"""Direct chunk reads (omics.store.direct_chunks) give exactly what zarr-python reads, and
step aside for every array layout they do not read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr
from zarr.codecs import BloscCodec, GzipCodec, ZstdCodec

from omics.errors import OmicsInputError
from omics.store.direct_chunks import direct_chunk_array, direct_strings
from omics.store.reader import open_dataset
from omics.store.writer import create_store, write_dataset


def _values(dtype=np.float64) -> np.ndarray:
    values = np.random.default_rng(0).normal(size=(23, 11)).astype(dtype)
    values[values > 1.2] = np.nan
    values[7:14, 4:8] = np.nan  # exactly chunk (1, 1) of the 7 x 4 grid: not written
    return values


def _write(folder: Path, values: np.ndarray, **options) -> xr.Variable:
    array = zarr.create_array(str(folder), shape=values.shape, chunks=(7, 4),
                              dtype=values.dtype, fill_value=np.nan, zarr_format=3,
                              dimension_names=("feature", "sample"), **options)
    array[...] = values
    return xr.Variable(("feature", "sample"), zarr.open_array(str(folder))[...]).chunk(
        {"feature": 7, "sample": 4})


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("compressors", [[BloscCodec(cname="lz4", shuffle="shuffle")], None])
def test_direct_read_equals_zarr(tmp_path, dtype, compressors):
    """Edge chunks in both dimensions, NaN, an all-NaN chunk that zarr did not write (read
    as the fill value), with and without Blosc, float64 and float32."""
    values = _values(dtype)
    variable = _write(tmp_path / "x", values, compressors=compressors)
    assert not (tmp_path / "x" / "c" / "1" / "1").exists()
    array = direct_chunk_array(tmp_path / "x", variable)
    assert array is not None and array.name.startswith("zarr-direct-")
    assert array.chunks == ((7, 7, 7, 2), (4, 4, 3))
    read = array.compute()
    assert read.dtype == dtype
    np.testing.assert_array_equal(read, zarr.open_array(str(tmp_path / "x"))[...])
    np.testing.assert_array_equal(read, values)


def test_other_layouts_stay_on_zarr(tmp_path):
    """gzip, sharding, integers, other chunks or a non-NaN fill value to mask: None."""
    values = _values()
    gzip = _write(tmp_path / "gzip", values, compressors=[GzipCodec()])
    assert direct_chunk_array(tmp_path / "gzip", gzip) is None
    sharded = _write(tmp_path / "shard", values, shards=(14, 8))
    assert direct_chunk_array(tmp_path / "shard", sharded) is None
    whole = _write(tmp_path / "whole", values)
    assert direct_chunk_array(tmp_path / "whole", whole.chunk({"feature": 23})) is None
    zarr.create_array(str(tmp_path / "int"), shape=(3,), chunks=(2,), dtype="int64")
    assert direct_chunk_array(tmp_path / "int", xr.Variable("i", np.zeros(3, int))) is None
    masked = xr.Dataset({"x": (("i",), np.array([1.0, -1.0, 2.0]))})
    masked.to_zarr(tmp_path / "masked", zarr_format=3,
                   encoding={"x": {"_FillValue": -1.0}})
    opened = xr.open_zarr(tmp_path / "masked")
    assert direct_chunk_array(tmp_path / "masked" / "x", opened["x"].variable) is None
    assert np.isnan(opened["x"].values[1])


def test_open_dataset_reads_float_arrays_directly(tmp_path):
    """The store's float arrays are read directly, with the same values and coordinates;
    a string variable stays on xarray's path."""
    store = tmp_path / "s.zarr"
    create_store(store, study_name="direct")
    values = _values()
    write_dataset(store, "proteomics", xr.Dataset(
        {"log2": (("feature", "sample"), values),
         "gene": (("feature",), np.array([f"G{i}" for i in range(23)], dtype=object))},
        coords={"feature": np.array([f"p{i}" for i in range(23)], dtype=object)}))
    opened = open_dataset(store, "proteomics")
    assert opened["log2"].data.name.startswith("zarr-direct-")
    np.testing.assert_array_equal(opened["log2"].sel(feature=["p3", "p20"]).values,
                                  values[[3, 20]])
    assert opened["gene"].values.tolist()[:2] == ["G0", "G1"]
    assert opened.indexes["feature"].dtype == object


@pytest.mark.parametrize("compressors", [[ZstdCodec()], None])
def test_direct_strings_equal_zarr(tmp_path, compressors):
    """Ids over several chunks, the last one partial, one chunk absent (the fill value),
    with and without Zstandard; other layouts give None."""
    ids = np.array([f"P{i:05d}" for i in range(8)] + [""] * 4 + ["Ω-1", "x", "y"], dtype=object)
    array = zarr.create_array(str(tmp_path / "ids"), shape=(15,), chunks=(4,), dtype=str,
                              zarr_format=3, compressors=compressors, fill_value="")
    array[...] = ids
    (tmp_path / "ids" / "c" / "2").unlink(missing_ok=True)  # an absent chunk: fill value
    read = direct_strings(tmp_path / "ids")
    assert read.dtype == object and read.tolist() == ids.tolist()
    assert read.tolist() == zarr.open_array(str(tmp_path / "ids"))[...].tolist()
    gzip = zarr.create_array(str(tmp_path / "gzip"), shape=(3,), chunks=(2,), dtype=str,
                             zarr_format=3, compressors=[GzipCodec()])
    gzip[...] = np.array(["a", "b", "c"])
    assert direct_strings(tmp_path / "gzip") is None
    _write(tmp_path / "floats", _values())
    assert direct_strings(tmp_path / "floats") is None
    masked = zarr.create_array(str(tmp_path / "masked"), shape=(2,), chunks=(2,), dtype=str,
                               zarr_format=3, attributes={"_FillValue": ""})
    masked[...] = np.array(["a", ""])
    assert direct_strings(tmp_path / "masked") is None  # xarray would mask "" as missing


@pytest.mark.parametrize("compressors", [[BloscCodec(cname="lz4", shuffle="shuffle")], None])
def test_a_damaged_chunk_is_one_located_error(tmp_path, compressors):
    """A truncated chunk file: an input error naming the file and what it should hold."""
    variable = _write(tmp_path / "x", _values(), compressors=compressors)
    damaged = tmp_path / "x" / "c" / "0" / "0"
    damaged.write_bytes(damaged.read_bytes()[:40])
    with pytest.raises(OmicsInputError) as raised:
        direct_chunk_array(tmp_path / "x", variable).compute(scheduler="sync")
    assert str(raised.value).startswith(f"{damaged}: found a damaged chunk (")
    assert str(raised.value).endswith(
        "expected 224 bytes of float64 values as the store wrote them (ingest again, or "
        "rerun the step that wrote this group)")


def test_a_damaged_string_chunk_is_one_located_error(tmp_path):
    array = zarr.create_array(str(tmp_path / "ids"), shape=(3,), chunks=(3,), dtype=str,
                              zarr_format=3, compressors=[ZstdCodec()])
    array[...] = np.array(["EGFR", "ANXA6", "CBL"])
    damaged = tmp_path / "ids" / "c" / "0"
    damaged.write_bytes(damaged.read_bytes()[:9])
    with pytest.raises(OmicsInputError) as raised:
        direct_strings(tmp_path / "ids")
    assert str(raised.value).startswith(f"{damaged}: found a damaged chunk (")
    assert str(raised.value).endswith(
        "expected 3 strings as the store wrote them (ingest again, or rerun the step that "
        "wrote this group)")
