"""Record preprocessing steps in a DataArray's ``attrs["preprocess"]`` (a JSON list).

Examples
--------
>>> import xarray as xr
>>> out = record_step(xr.DataArray([1.0]), xr.DataArray([1.0]), "log2")
>>> steps(out)
[{'step': 'log2'}]
"""

from __future__ import annotations

import json

import xarray as xr

__all__ = ["record_step", "steps"]


def steps(data: xr.DataArray) -> list[dict]:
    """The preprocessing steps applied so far, oldest first."""
    return json.loads(data.attrs.get("preprocess", "[]"))


def record_step(out: xr.DataArray, source: xr.DataArray, step: str, **parameters) -> xr.DataArray:
    """``out`` with the source's steps plus ``{"step": step, **parameters}`` in its attrs."""
    history = steps(source)
    history.append({"step": step, **parameters})
    out.attrs = {**source.attrs, "preprocess": json.dumps(history)}
    return out
