"""Dask arrays that read the store's floating-point chunks straight from their files.

Reading a chunk through xarray and zarr-python goes through zarr's asynchronous codec
pipeline and its event-loop thread: for the store's Blosc chunks that is 2-4x the time of
reading the file and decoding it (200,000 x 200 float64: 0.23-0.45 s against 0.08-0.13 s
on two threads). Every float array the writer makes has the same simple layout (a regular
chunk grid, ``c/i/j`` chunk keys, little-endian bytes, Blosc), so a chunk is one file read
and one Blosc decode, which releases the global interpreter lock. :func:`direct_chunk_array`
gives such a dask array, or ``None`` for any array it does not fully understand (other
codecs, sharding, CF-encoded values, other chunks): those stay on xarray's path. An absent
chunk file holds the fill value, as in Zarr.

Examples
--------
>>> import tempfile, numpy as np, xarray as xr
>>> from omics.store.writer import write_dataset
>>> store = tempfile.mkdtemp() + "/s.zarr"
>>> values = np.arange(12.0).reshape(4, 3)
>>> _ = write_dataset(store, "demo", xr.Dataset({"x": (("feature", "sample"), values)}))
>>> opened = xr.open_zarr(store + "/demo")
>>> array = direct_chunk_array(Path(store) / "demo" / "x", opened["x"].variable)
>>> bool((array.compute() == values).all())
True
"""

from __future__ import annotations

import json
import math
import os
import struct
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import dask.array as da
import numpy as np
import xarray as xr
from dask.base import tokenize
from numcodecs import Blosc, VLenUTF8, Zstd

from omics.errors import OmicsInputError

__all__ = ["direct_chunk_array", "direct_strings"]

_FLOAT_TYPES = ("float32", "float64")
_FILL_VALUES = {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}
_MASKING = {"_FillValue", "missing_value", "scale_factor", "add_offset", "dtype", "units"}


@dataclass(frozen=True)
class _ChunkLayout:
    """Where an array's chunks are and how to decode one."""

    folder: str
    shape: tuple[int, ...]
    chunk_shape: tuple[int, ...]
    dtype: str
    fill_value: float
    separator: str
    compressed: bool


def _metadata(folder: Path) -> dict | None:
    """The array's ``zarr.json`` if it is Zarr v3 with a regular grid, default chunk keys
    and no storage transformers, else ``None``."""
    try:
        meta = json.loads((folder / "zarr.json").read_text())
    except (OSError, ValueError):
        return None
    if (meta.get("zarr_format") != 3 or meta.get("node_type") != "array"
            or meta.get("storage_transformers")
            or meta.get("chunk_grid", {}).get("name") != "regular"
            or meta.get("chunk_key_encoding", {}).get("name") != "default"):
        return None
    return meta


def _chunk_path(folder: str, separator: str, block_id: tuple[int, ...]) -> str:
    """The file of chunk ``block_id`` (default chunk key encoding)."""
    key = separator.join(["c", *map(str, block_id)])
    return os.path.join(folder, *key.split("/"))


def _layout(folder: Path) -> _ChunkLayout | None:
    """The array's layout, or ``None`` unless it is one this module reads: float32/64,
    bytes (little endian) optionally followed by Blosc."""
    meta = _metadata(folder)
    if meta is None:
        return None
    codecs = meta.get("codecs", [])
    fill = meta.get("fill_value")
    fill = _FILL_VALUES.get(fill, fill) if isinstance(fill, str) else fill
    names = [codec.get("name") for codec in codecs]
    if (meta.get("data_type") not in _FLOAT_TYPES
            or names not in (["bytes"], ["bytes", "blosc"])
            or codecs[0].get("configuration", {}).get("endian", "little") != "little"
            or not isinstance(fill, int | float)):
        return None
    return _ChunkLayout(
        folder=str(folder), shape=tuple(meta["shape"]),
        chunk_shape=tuple(meta["chunk_grid"]["configuration"]["chunk_shape"]),
        dtype=meta["data_type"], fill_value=float(fill),
        separator=meta["chunk_key_encoding"].get("configuration", {}).get("separator", "/"),
        compressed=names[-1] == "blosc",
    )


#: The sizes in a Blosc (1.x) chunk header: whole bytes, block size, compressed bytes.
_BLOSC_SIZES = struct.Struct("<4xIII")


def _check_blosc_sizes(encoded: bytes, nbytes: int) -> None:
    """Raise ``ValueError`` unless ``encoded`` is as long as its Blosc header says and holds
    ``nbytes`` of values (Blosc does not check: a truncated chunk decodes to bytes read
    past its end)."""
    if len(encoded) < _BLOSC_SIZES.size:
        raise ValueError(f"{len(encoded)} bytes, shorter than a Blosc header")
    whole, _, compressed = _BLOSC_SIZES.unpack_from(encoded)
    if compressed != len(encoded) or whole != nbytes:
        raise ValueError(f"{len(encoded):,} bytes where its header says {compressed:,}, "
                         f"for {whole:,} bytes of values")


def _damaged(path: str, error: Exception, holding: str) -> OmicsInputError:
    """The error for a chunk file that does not decode to what it should hold."""
    return OmicsInputError(path, f"a damaged chunk ({error})",
                           f"{holding} as the store wrote them (ingest again, or rerun the "
                           "step that wrote this group)")


def _file_bytes(path: str) -> np.ndarray:
    """The bytes of a file, read into a numpy array.

    ``open(path).read()`` makes a fresh ``bytes`` object, and touching its fresh memory
    costs more than the read itself for chunk-sized files (ten 27 MB chunk files: 0.18-0.22 s
    against 0.026 s into numpy arrays, which ask the kernel for huge pages).
    """
    with open(path, "rb", buffering=0) as handle:
        buffer = np.empty(os.fstat(handle.fileno()).st_size, dtype=np.uint8)
        size = handle.readinto(buffer)
    return buffer[:size]


def _read_chunk(layout: _ChunkLayout, block_id: tuple[int, ...]) -> np.ndarray:
    """One chunk, decoded and cut to the array's edge."""
    dtype = np.dtype(layout.dtype).newbyteorder("<")
    path = _chunk_path(layout.folder, layout.separator, block_id)
    try:
        encoded = _file_bytes(path)
    except FileNotFoundError:
        chunk = np.full(layout.chunk_shape, layout.fill_value, dtype=dtype)
    else:
        chunk = np.empty(layout.chunk_shape, dtype=dtype)
        try:
            if layout.compressed:
                _check_blosc_sizes(encoded, chunk.nbytes)
                Blosc().decode(encoded, out=chunk)
            else:
                chunk.reshape(-1).view(np.uint8)[:] = np.frombuffer(encoded, dtype=np.uint8)
        except (RuntimeError, ValueError) as error:  # truncated or overwritten
            raise _damaged(path, error, f"{chunk.nbytes:,} bytes of {layout.dtype} values") \
                from None
    edge = tuple(slice(0, min(size, total - index * size)) for index, size, total in
                 zip(block_id, layout.chunk_shape, layout.shape, strict=True))
    return chunk[edge].astype(np.dtype(layout.dtype), copy=False)


def _regular_chunks(shape: tuple[int, ...], chunk_shape: tuple[int, ...]
                    ) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(min(size, total - start) for start in range(0, total, size))
                 for total, size in zip(shape, chunk_shape, strict=True))


def direct_chunk_array(folder: Path, variable: xr.Variable) -> da.Array | None:
    """A dask array reading the Zarr array in ``folder`` chunk by chunk from its files, for
    ``variable`` (the same array as opened by xarray); ``None`` where xarray's own reading
    must stay (an array layout this module does not read, values xarray decodes, or other
    chunks than the stored ones).

    Parameters
    ----------
    folder
        The Zarr array's folder (holding its ``zarr.json``).
    variable
        The variable xarray opened from it (its dtype, encoding and chunks are checked).

    Returns
    -------
    dask.array.Array or None
    """
    layout = _layout(Path(folder))
    if layout is None or variable.dtype != np.dtype(layout.dtype):
        return None
    encoding = variable.encoding
    if "scale_factor" in encoding or "add_offset" in encoding:
        return None
    masked = encoding.get("_FillValue", encoding.get("missing_value"))
    if masked is not None and not (isinstance(masked, float) and math.isnan(masked)):
        return None
    chunks = _regular_chunks(layout.shape, layout.chunk_shape)
    if tuple(variable.shape) != layout.shape or (
            variable.chunks is not None and tuple(variable.chunks) != chunks):
        return None
    stamp = os.stat(Path(folder) / "zarr.json").st_mtime_ns
    name = "zarr-direct-" + tokenize(layout, stamp)
    return da.map_blocks(partial(_read_chunk, layout), chunks=chunks, dtype=layout.dtype,
                         meta=np.empty((0,) * len(chunks), dtype=layout.dtype), name=name)



def direct_strings(folder: Path) -> np.ndarray | None:
    """A one-dimensional string array (the store's feature and sample ids) read straight
    from its chunk files as an object array, or ``None`` for any other layout than
    ``vlen-utf8`` optionally followed by Zstandard.

    Zarr-python decodes such an array to numpy's StringDType through its asynchronous
    pipeline (200,000 ids: about 0.06 s, and 0.03 s more to convert to the object strings
    the analyses use); this is one file read and two decodes in C (0.02 s).

    Parameters
    ----------
    folder
        The Zarr array's folder.

    Returns
    -------
    numpy.ndarray of object (str) or None
    """
    meta = _metadata(Path(folder))
    if meta is None:
        return None
    names = [codec.get("name") for codec in meta.get("codecs", [])]
    shape = meta.get("shape", [])
    chunk_shape = meta["chunk_grid"].get("configuration", {}).get("chunk_shape", [])
    if (meta.get("data_type") != "string" or names not in (["vlen-utf8"], ["vlen-utf8", "zstd"])
            or len(shape) != 1 or len(chunk_shape) != 1
            or not isinstance(meta.get("fill_value"), str)
            or _MASKING & set(meta.get("attributes", {}))):  # values xarray would decode
        return None
    (length,), (size,) = shape, chunk_shape
    separator = meta["chunk_key_encoding"].get("configuration", {}).get("separator", "/")
    parts = []
    for index in range(-(-length // size)):
        path = _chunk_path(str(folder), separator, (index,))
        try:
            with open(path, "rb") as handle:
                encoded = handle.read()
        except FileNotFoundError:
            parts.append(np.full(size, meta["fill_value"], dtype=object))
            continue
        try:
            if names[-1] == "zstd":
                encoded = Zstd().decode(encoded)
            parts.append(VLenUTF8().decode(encoded))
        except (RuntimeError, ValueError) as error:
            raise _damaged(path, error, f"{size:,} strings") from None
    return np.concatenate(parts)[:length] if parts else np.empty(0, dtype=object)
