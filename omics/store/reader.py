"""Opening the study store: lazy datasets, AnnData and tables."""

from __future__ import annotations

import json
from pathlib import Path

import anndata as ad
import pandas as pd
import xarray as xr
import zarr

from omics.errors import OmicsInputError
from omics.store import layout
from omics.store.direct_chunks import direct_chunk_array, direct_strings
from omics.store.staged_results import group_path

__all__ = [
    "describe_groups",
    "groups",
    "load_dataset",
    "open_dataset",
    "open_proteomics",
    "open_table",
    "open_transcriptomics",
    "require_store",
    "table_of",
]


def require_store(path: Path) -> Path:
    """``path``, checked to be a study store (a Zarr group made by omics-axis).

    Examples
    --------
    >>> import tempfile
    >>> require_store(Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    omics.errors.OmicsInputError: ...: found no zarr.json; expected a study store made by omics-axis
    """
    if not (Path(path) / "zarr.json").exists():
        raise OmicsInputError(path, "no zarr.json", "a study store made by omics-axis")
    return Path(path)


def _group_path(store: str | Path, group: str) -> Path:
    path = group_path(store, group)[0]  # inside a staged analysis: its new version
    if not (path / "zarr.json").exists():
        raise OmicsInputError(store, f"no group {group!r} in the store",
                              f"a study store holding {group!r} (run the pipeline or ingest)")
    return path


def open_dataset(store: str | Path, group: str) -> xr.Dataset:
    """Open one Dataset group lazily (dask-backed data, small coordinates loaded).

    Floating-point arrays are read chunk by chunk straight from their files
    (:func:`omics.store.direct_chunks.direct_chunk_array`), 2-4x faster than through
    zarr-python; other arrays through xarray.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from omics.store.writer import write_dataset
    >>> store = tempfile.mkdtemp() + "/s.zarr"
    >>> ds = xr.Dataset({"x": (("feature",), np.arange(3.0))},
    ...                 coords={"feature": np.array(["a", "b", "c"], dtype=object)})
    >>> _ = write_dataset(store, "results/demo", ds)
    >>> open_dataset(store, "results/demo")["x"].values
    array([0., 1., 2.])
    """
    folder = _group_path(store, group)
    dataset = _object_strings(xr.open_zarr(str(folder), create_default_indexes=False), folder)
    data = {}
    for name, variable in dataset.data_vars.items():
        direct = direct_chunk_array(folder / str(name), variable.variable)
        data[name] = variable.data if direct is None else direct
    # new data for the same variables: no alignment of the (possibly long) indexes
    return dataset.copy(data=data)


def load_dataset(store: str | Path, group: str) -> xr.Dataset:
    """One Dataset group read into memory at once, without Dask (small results and tables:
    a Dask graph per table cost more than the read).

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from omics.store.writer import write_dataset
    >>> store = tempfile.mkdtemp() + "/s.zarr"
    >>> ds = xr.Dataset({"x": (("feature",), np.arange(3.0))},
    ...                 coords={"feature": np.array(["a", "b", "c"], dtype=object)})
    >>> _ = write_dataset(store, "results/demo", ds)
    >>> load_dataset(store, "results/demo")["feature"].values.tolist()
    ['a', 'b', 'c']
    """
    return _object_strings(xr.open_zarr(str(_group_path(store, group)), chunks=None,
                                        create_default_indexes=False).load())


def _object_strings(dataset: xr.Dataset, folder: Path | None = None) -> xr.Dataset:
    """Coordinates loaded; numpy StringDType (Zarr v3 strings) as object arrays (string
    coordinates read straight from ``folder``'s files where they can be:
    :func:`omics.store.direct_chunks.direct_strings`); an index for each dimension
    coordinate, made once, on the object strings."""
    for name in list(dataset.coords):
        coord = dataset.coords[name]
        strings = direct_strings(folder / str(name)) \
            if folder is not None and coord.dtype.kind in "TO" else None
        if strings is not None and strings.shape == coord.shape:
            coord = coord.copy(data=strings)
        else:
            coord = coord.load()
            if coord.dtype.kind == "T":
                coord = coord.copy(data=coord.values.astype(object))
        dataset.coords[name] = coord
    return dataset


def open_proteomics(store: str | Path) -> xr.Dataset:
    """The proteomics Dataset (``intensity``: feature x sample, dask-backed)."""
    return open_dataset(store, layout.PROTEOMICS)


def open_ptm(store: str | Path, modality: str) -> xr.Dataset:
    """One PTM modality's Dataset (``intensity``: site x sample, dask-backed; the site's
    ``protein`` as a feature coordinate)."""
    return open_dataset(store, layout.ptm_group(modality))


def open_transcriptomics(store: str | Path, modality: str) -> ad.AnnData:
    """One transcriptomics modality as AnnData (in memory)."""
    return ad.read_zarr(str(_group_path(store, layout.transcriptomics_group(modality))))


def open_table(store: str | Path, group: str) -> pd.DataFrame:
    """A stored table as a DataFrame, ordered categoricals restored.

    The dimension coordinate becomes the index.
    """
    return table_of(load_dataset(store, group))


def table_of(dataset: xr.Dataset) -> pd.DataFrame:
    """A one-dimensional Dataset as a DataFrame (see :func:`open_table`)."""
    (dim,) = dataset.dims
    frame = pd.DataFrame(index=pd.Index(_text(dataset[dim].values), name=dim))
    for name, variable in dataset.data_vars.items():
        values = variable.values
        if "categories" in variable.attrs:
            levels = json.loads(variable.attrs["categories"])
            values = pd.Categorical([v if v else None for v in _text(values)],
                                    categories=levels, ordered=True)
        elif values.dtype.kind not in "biuf":
            values = _text(values)
        frame[name] = values
    order = json.loads(dataset.attrs.get("column_order", "[]"))
    if order:  # the writer's order (Zarr lists members alphabetically)
        frame = frame[[c for c in order if c in frame] + [c for c in frame if c not in order]]
    return frame


def _text(values) -> list[str]:
    """Strings from any numpy string dtype (``<U``, object or ``StringDType``)."""
    return [str(v) for v in values.tolist()]


def groups(store: str | Path) -> list[str]:
    """Paths of all array-holding groups in the store (datasets and AnnData objects)."""
    root = zarr.open_group(str(store), mode="r")
    found = []

    def visit(group: zarr.Group, prefix: str) -> None:
        if group.attrs.get("encoding-type") == "anndata" or any(True for _ in group.arrays()):
            found.append(prefix)
            return
        for name, child in sorted(group.groups()):
            visit(child, f"{prefix}/{name}" if prefix else name)

    visit(root, "")
    return found


def describe_groups(store: str | Path) -> list[dict]:
    """Each group's path, shape and provenance (``step``, ``source_files`` as a list,
    ``prefect_flow_run_id``), read from its main array (``intensity`` or ``X``, else the
    first array that records a step), and the function that opens it (``opens_with``:
    ``anndata.read_zarr`` for expression modalities, ``xarray.open_zarr`` for the rest).

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from omics.store.writer import write_dataset
    >>> store = tempfile.mkdtemp() + "/s.zarr"
    >>> _ = write_dataset(store, "results/demo", xr.Dataset({"x": ("f", np.arange(3.0))}))
    >>> [(g["group"], g["shape"]) for g in describe_groups(store)]
    [('results/demo', (3,))]
    """
    root = zarr.open_group(str(store), mode="r")
    described = []
    for name in groups(store):
        node = root[name]
        arrays = dict(node.arrays())
        main = next((arrays[n] for n in ("intensity", "X") if n in arrays), None)
        attrs = dict(main.attrs) if main is not None else dict(node.attrs)
        if not attrs.get("step") and arrays:
            attrs = dict(next(iter(arrays.values())).attrs)
        shape = main.shape if main is not None else max((a.shape for a in arrays.values()),
                                                        default=())
        opens_with = "anndata.read_zarr" if node.attrs.get("encoding-type") == "anndata" \
            else "xarray.open_zarr"
        described.append({"group": name, "shape": tuple(shape), "step": attrs.get("step", ""),
                          "source_files": json.loads(attrs.get("source_files", "[]")),
                          "prefect_flow_run_id": attrs.get("prefect_flow_run_id", ""),
                          "opens_with": opens_with})
    return described
