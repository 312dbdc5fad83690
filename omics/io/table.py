"""Plain tables (clinical, viability; CSV, TSV or XLSX): typed columns checked against a
declared schema, ordered categories, survival pairs, unique ids."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from omics.errors import OmicsInputError
from omics.io.delimited import MISSING_TOKENS, line_of, read_text_table
from omics.io.options import ReaderOptions, register
from omics.io.schema import ColumnSpec
from omics.io.spreadsheet import read_spreadsheet

__all__ = ["READER_NAME", "read_table"]

READER_NAME = "table"


def read_table(
    path: str | Path,
    *,
    id_column: str | None = None,
    categories: dict[str, list[str]] | None = None,
    columns: dict[str, ColumnSpec] | None = None,
    survival: list[tuple[str, str]] | tuple = (),
    sheet: str | None = None,
    header_row: int = 1,
    keep: list[str] | None = None,
) -> pd.DataFrame:
    """Read a CSV/TSV/XLSX table with typed columns, checked against a declared schema.

    Columns named in ``categories`` must hold one of the listed levels (or be missing) and
    become ordered categoricals in that order; ``columns`` declares types, units, ranges and
    required columns; each ``survival`` pair ``(time, event)`` needs a time >= 0 and an event
    of 0/1 together. Undeclared all-numeric columns become numbers, others stay text.
    ``id_column`` must be present and unique. ``.xlsx`` files are read from ``sheet`` (the
    first by default) with the header on ``header_row``. ``keep`` limits the result to
    those columns (and the id column), e.g. the clinical part of a wide mixed table.

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
    if path.suffix.lower() == ".xlsx":
        frame = read_spreadsheet(path, sheet, header_row)
    else:
        frame = read_text_table(path)
    header_line = frame.attrs.get("header_line", 1)
    if keep:
        absent = [name for name in keep if name not in frame.columns]
        if absent:
            raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}",
                                  f"a {absent[0]!r} column", line=header_line)
        chosen = list(dict.fromkeys(([id_column] if id_column else []) + list(keep)))
        attrs = dict(frame.attrs)
        frame = frame[chosen].copy()
        frame.attrs = attrs
    header = list(frame.columns)
    categories, columns = categories or {}, columns or {}
    survival_columns = [c for pair in survival for c in pair]
    needed = ([id_column] if id_column else []) + list(categories) + survival_columns + [
        name for name, spec in columns.items() if spec.required]
    for name in needed:
        if name not in header:
            raise OmicsInputError(path, f"columns {header[:6]}", f"a {name!r} column",
                                  line=header_line)
    if id_column:
        ids = frame[id_column]
        duplicated = ids.duplicated() | ids.eq("")
        if duplicated.any():
            i = int(np.flatnonzero(duplicated.to_numpy())[0])
            raise OmicsInputError(path, f"id {ids.iloc[i]!r} empty or repeated",
                                  f"a unique value in {id_column!r}", line=line_of(frame, i),
                                  column=header.index(id_column) + 1)
    specs = dict(columns)
    for time, event in survival:  # a survival time is >= 0 whatever else is declared
        declared = specs.get(time, ColumnSpec())
        specs[time] = declared.model_copy(update={"minimum": max(declared.minimum or 0, 0)})
        specs[event] = specs.get(event, ColumnSpec()).model_copy(update={"type": "event"})
    out = pd.DataFrame(index=frame.index)
    for name in header:
        cells = frame[name]
        missing = cells.isin(MISSING_TOKENS)
        if name in categories:
            out[name] = _categorical(cells, missing, list(categories[name]), path, frame, name)
        elif name in specs:
            out[name] = _declared(cells, missing, specs[name], path, frame, name)
        else:
            numbers = pd.to_numeric(cells.where(~missing), errors="coerce")
            if name != id_column and numbers.notna().sum() == (~missing).sum() and \
                    (~missing).any():
                out[name] = numbers
            else:
                out[name] = cells.where(~missing).astype(object)
    for time, event in survival:
        half = out[time].isna() != out[event].isna()
        if half.any():
            i = int(np.flatnonzero(half.to_numpy())[0])
            raise OmicsInputError(path, f"only one of {time!r} and {event!r}",
                                  "a survival time and its event together, or neither",
                                  line=line_of(frame, i), column=header.index(time) + 1)
    out.attrs = {"path": str(path),
                 "units": {name: spec.unit for name, spec in specs.items() if spec.unit}}
    return out


def _fail(path, frame, name, i, found, expected):
    raise OmicsInputError(path, f"{found!r} in column {name!r}", expected,
                          line=line_of(frame, i), column=list(frame.columns).index(name) + 1)


def _categorical(cells, missing, levels, path, frame, name) -> pd.Categorical:
    bad = ~missing & ~cells.isin(levels)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        _fail(path, frame, name, i, cells.iloc[i], "one of " + ", ".join(levels))
    return pd.Categorical(cells.where(~missing), categories=levels, ordered=True)


def _declared(cells, missing, spec: ColumnSpec, path, frame, name) -> pd.Series:
    """A declared column, converted and range-checked (first bad cell raises)."""
    if not spec.missing_allowed and missing.any():
        i = int(np.flatnonzero(missing.to_numpy())[0])
        _fail(path, frame, name, i, cells.iloc[i], spec.describe() + " (no missing values)")
    if spec.type == "text":
        return cells.where(~missing).astype(object)
    numbers = pd.to_numeric(cells.where(~missing), errors="coerce")
    bad = ~missing & ~np.isfinite(numbers.to_numpy(dtype=float))
    if spec.type in ("integer", "event"):
        bad |= ~missing & (numbers != numbers.round())
    if spec.type == "event":
        bad |= ~missing & ~numbers.isin([0, 1])
    if spec.minimum is not None:
        bad |= ~missing & (numbers < spec.minimum)
    if spec.maximum is not None:
        bad |= ~missing & (numbers > spec.maximum)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        _fail(path, frame, name, i, cells.iloc[i], spec.describe())
    return numbers


@register
class TableOptions(ReaderOptions):
    """``reader: table``: a plain table (clinical, viability; CSV, TSV or XLSX) and its
    declared schema: id column, ordered categories, column types/units/ranges, survival
    (time, event) pairs."""

    kind = "table"
    reader: Literal["table"] = "table"
    id_column: str | None = None
    categories: dict[str, list[str]] = Field(default_factory=dict)
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    survival: list[tuple[str, str]] = Field(default_factory=list)
    sheet: str | None = None
    header_row: int = 1
    keep_columns: list[str] = Field(default_factory=list)  # empty: all columns

    def read(self) -> pd.DataFrame:
        return read_table(self.table, id_column=self.id_column, categories=self.categories,
                          columns=self.columns, survival=self.survival, sheet=self.sheet,
                          header_row=self.header_row, keep=self.keep_columns or None)
