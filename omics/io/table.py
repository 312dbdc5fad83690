"""Plain tables (clinical, viability): typed columns, declared categories, unique ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import MISSING_TOKENS, line_of, read_text_table

__all__ = ["READER_NAME", "read_table"]

READER_NAME = "table"


def read_table(
    path: str | Path,
    *,
    id_column: str | None = None,
    categories: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """Read a CSV/TSV table with typed columns.

    Columns named in ``categories`` must hold one of the listed levels (or be missing) and
    become ordered categoricals in that order; all-numeric columns become numbers; other
    columns stay text. ``id_column`` must be present and unique.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("subject_id,response,age\\nP1,resistant,50\\nP2,sensitive,61\\n")
    >>> t = read_table(p, id_column="subject_id",
    ...                categories={"response": ["sensitive", "resistant"]})
    >>> t["response"].cat.codes.tolist(), t["age"].tolist()
    ([1, 0], [50, 61])
    """
    path = Path(path)
    frame = read_text_table(path)
    header = list(frame.columns)
    categories = categories or {}
    for name in ([id_column] if id_column else []) + list(categories):
        if name not in header:
            raise OmicsInputError(path, f"columns {header[:6]}", f"a {name!r} column", line=1)
    if id_column:
        ids = frame[id_column]
        duplicated = ids.duplicated() | ids.eq("")
        if duplicated.any():
            i = int(np.flatnonzero(duplicated.to_numpy())[0])
            raise OmicsInputError(path, f"id {ids.iloc[i]!r} empty or repeated",
                                  f"a unique value in {id_column!r}", line=line_of(frame, i),
                                  column=header.index(id_column) + 1)
    out = pd.DataFrame(index=frame.index)
    for name in header:
        cells = frame[name]
        missing = cells.isin(MISSING_TOKENS)
        if name in categories:
            levels = list(categories[name])
            bad = ~missing & ~cells.isin(levels)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise OmicsInputError(path, f"{cells.iloc[i]!r} in column {name!r}",
                                      "one of " + ", ".join(levels), line=line_of(frame, i),
                                      column=header.index(name) + 1)
            out[name] = pd.Categorical(cells.where(~missing), categories=levels, ordered=True)
            continue
        numbers = pd.to_numeric(cells.where(~missing), errors="coerce")
        if name != id_column and numbers.notna().sum() == (~missing).sum() and (~missing).any():
            out[name] = numbers
        else:
            out[name] = cells.where(~missing).astype(object)
    out.attrs = {"path": str(path)}
    return out
