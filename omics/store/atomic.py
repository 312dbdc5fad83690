"""Atomic replacement of a directory or a table file: write beside it, then rename.

A reader of the store sees either the old or the new version of a group, never a half-written
one; a failure while writing leaves the old version untouched.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

__all__ = [
    "discard_staging",
    "new_staging_dir",
    "publish_files",
    "recover_interrupted",
    "relocated",
    "replaced_on_success",
    "replace_directory",
    "staged_directory",
    "write_atomically",
    "write_table_atomically",
]


def replace_directory(staged: Path, target: Path) -> None:
    """Move ``staged`` to ``target``, replacing any existing ``target``.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> (base / "new").mkdir(); (base / "old").mkdir()
    >>> _ = (base / "new" / "f").write_text("v2")
    >>> replace_directory(base / "new", base / "old")
    >>> (base / "old" / "f").read_text()
    'v2'
    """
    target = Path(target)
    if target.exists():
        retired = target.with_name(f".{target.name}.retired-{_owner()}")
        os.rename(target, retired)
        os.rename(staged, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, target)


def _owner() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _dead_owner(path: Path) -> bool:
    pid = path.name.rsplit("-", 2)[-2]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_interrupted(target: str | Path) -> list[Path]:
    """Clean up after a writer of ``target`` that was killed (its process is gone).

    Its staging directories are removed. If it was killed between retiring the old version
    and renaming the new one into place, the old version is renamed back. Returns the paths
    acted on.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> (base / ".s.zarr.retired-999999999-abcd1234").mkdir()
    >>> [p.name for p in recover_interrupted(base / "s.zarr")], (base / "s.zarr").is_dir()
    (['.s.zarr.retired-999999999-abcd1234'], True)
    """
    target = Path(target)
    if not target.parent.exists():
        return []
    acted = []
    for kind in ("retired", "staging"):
        for path in sorted(target.parent.glob(f".{target.name}.{kind}-*")):
            if not _dead_owner(path):
                continue
            acted.append(path)
            if kind == "retired" and not target.exists():
                os.rename(path, target)
            else:
                shutil.rmtree(path, ignore_errors=True)
    return acted


def new_staging_dir(target: str | Path) -> Path:
    """Create and return an empty hidden directory beside ``target`` (same file system),
    after recovering from any killed writer of ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted(target)
    staged = target.with_name(f".{target.name}.staging-{_owner()}")
    staged.mkdir()
    return staged


def discard_staging(staged: str | Path) -> None:
    """Remove a staging directory that will not be committed."""
    shutil.rmtree(staged, ignore_errors=True)


@contextmanager
def staged_directory(target: str | Path) -> Iterator[Path]:
    """Yield an empty directory beside ``target``; on success it replaces ``target``.

    On any exception the staged directory is removed and ``target`` is left as it was.
    """
    staged = new_staging_dir(target)
    try:
        yield staged
    except BaseException:
        discard_staging(staged)
        raise
    replace_directory(staged, Path(target))


@contextmanager
def replaced_on_success(path: str | Path) -> Iterator[Path]:
    """Yield a new, empty hidden file beside ``path`` (same file system) to write; when the
    block succeeds it is renamed onto ``path``, when it fails it is removed: ``path`` is its
    previous version or complete, never a part (also when the disk fills up). Unlike
    ``tempfile.mkstemp`` (mode 0600) the file gets the permissions of any new file (0666
    less the umask), so a report or table renamed into place is as readable as one written
    directly.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "report.html"
    >>> with replaced_on_success(target) as partial:
    ...     _ = partial.write_text("<html>")
    >>> target.read_text(), partial.exists()
    ('<html>', False)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}")
        try:
            os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            break
        except FileExistsError:
            continue
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_table_atomically(frame: pd.DataFrame, path: str | Path, **to_csv) -> None:
    """Write ``frame`` as delimited text (tab-separated by default) through
    :func:`replaced_on_success`."""
    with replaced_on_success(path) as partial:
        frame.to_csv(partial, **{"sep": "\t", "index": False, **to_csv})


def write_atomically(path: str | Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) through :func:`replaced_on_success`.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "summary.md"
    >>> write_atomically(target, "# findings\\n").read_text()
    '# findings\\n'
    """
    with replaced_on_success(path) as partial:
        partial.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return Path(path)


def publish_files(staged: str | Path, out: str | Path) -> None:
    """Move every file of the staging folder ``staged`` into ``out`` (same relative paths,
    each replacing any file of that name), then remove ``staged``: ``out`` gets complete
    files only, and files of ``out`` that the run did not write stay.

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> staged = new_staging_dir(base / "out")
    >>> _ = write_atomically(staged / "a.txt", "new")
    >>> publish_files(staged, base / "out")
    >>> (base / "out" / "a.txt").read_text(), staged.exists()
    ('new', False)
    """
    staged, out = Path(staged), Path(out)
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        target = out / path.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    discard_staging(staged)


def relocated(value, old: str | Path, new: str | Path):
    """``value`` (dicts, lists and text, e.g. a summary) with paths under ``old`` moved
    under ``new``.

    Examples
    --------
    >>> relocated({"files": ["/o/.r.staging-1/a.graphml"], "n": 3}, "/o/.r.staging-1", "/o/r")
    {'files': ['/o/r/a.graphml'], 'n': 3}
    """
    if isinstance(value, dict):
        return {k: relocated(v, old, new) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(relocated(v, old, new) for v in value)
    if isinstance(value, str | Path) and str(value).startswith(str(old)):
        return type(value)(str(new) + str(value)[len(str(old)):])
    return value
