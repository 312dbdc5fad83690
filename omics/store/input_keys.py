"""Input keys: what a store group was computed from, so unchanged work is not redone.

A key is the sha256 of the step's name, its parameters (JSON), the sha256 of every input
file and the omics-axis version. Ingested groups and result groups record theirs in the
group's ``omics_input_key`` attribute; a step whose key equals the recorded one has nothing
to recompute.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_text("x\\n1\\n")
>>> first = input_key("stage_clinical", {"id_column": "x"}, files=[d / "a.csv"])
>>> first == input_key("stage_clinical", {"id_column": "x"}, files=[d / "a.csv"])
True
>>> _ = (d / "a.csv").write_text("x\\n2\\n")
>>> first == input_key("stage_clinical", {"id_column": "x"}, files=[d / "a.csv"])
False
>>> (d / "mtx").mkdir(); _ = (d / "mtx" / "matrix.mtx").write_text("1")
>>> folder = input_key("stage_transcriptomics", {}, files=[d / "mtx"])
>>> _ = (d / "mtx" / "matrix.mtx").write_text("2")
>>> folder == input_key("stage_transcriptomics", {}, files=[d / "mtx"])
False
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import zarr

from omics.store.provenance import file_sha256

__all__ = ["INPUT_KEY_ATTR", "input_key", "mark_group", "recorded_key"]

#: The group attribute holding the key a group was computed from.
INPUT_KEY_ATTR = "omics_input_key"


def _content_digests(path: Path) -> list[str]:
    """sha256 of a file; of a folder (e.g. a 10x ``matrix.mtx`` folder), every file in it
    with its relative name."""
    path = Path(path)
    if not path.is_dir():
        return [file_sha256(path)]
    return [f"{p.relative_to(path)}:{file_sha256(p)}" for p in sorted(path.rglob("*"))
            if p.is_file()]


def input_key(step: str, parameters, files=(), upstream=()) -> str:
    """Key of ``step`` run with ``parameters`` (JSON-serialisable) on ``files`` (files or
    folders) and on groups with the ``upstream`` keys."""
    digest = hashlib.sha256()
    for part in (step, json.dumps(parameters, sort_keys=True, default=str),
                 metadata.version("omics-axis"),
                 *[d for f in files for d in _content_digests(f)],
                 *[str(u) for u in upstream]):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def mark_group(store: str | Path, group: str, key: str, **extra) -> None:
    """Record ``key`` (and JSON ``extra`` attributes) on ``store/group``."""
    from omics.store.staged_results import group_path  # noqa: PLC0415 - import cycle

    attributes = zarr.open_group(str(group_path(store, group)[0]), mode="r+").attrs
    attributes[INPUT_KEY_ATTR] = key
    for name, value in extra.items():
        attributes[name] = json.dumps(value, default=str)


def recorded_key(store: str | Path, group: str) -> str | None:
    """The key recorded on ``store/group`` (None when the group or its key is absent)."""
    path = Path(store) / group
    if not (path / "zarr.json").exists():
        return None
    return zarr.open_group(str(path), mode="r").attrs.get(INPUT_KEY_ATTR)
