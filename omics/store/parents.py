"""Creating the Zarr groups above a group, safely when several writers do it at once."""

from __future__ import annotations

from pathlib import Path

import zarr
from zarr.errors import ContainsGroupError

__all__ = ["ensure_parent_groups"]


def ensure_parent_groups(store: Path, group: str) -> None:
    """Create the Zarr groups above ``group`` (e.g. ``tables`` for ``tables/viability``)."""
    parts = group.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        try:
            zarr.open_group(str(store), path=path, mode="a", zarr_format=3)
        except ContainsGroupError:  # another writer created it between the check and create
            zarr.open_group(str(store), path=path, mode="r", zarr_format=3)
