"""Sample sheets: one row per sample, a ``sample`` column plus factor columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import MISSING_TOKENS, line_of, read_text_table
from omics.io.spreadsheet import read_spreadsheet

__all__ = ["match_samples", "read_sample_sheet", "typed_columns"]

_BOOLEAN = {"true": True, "false": False}


def read_sample_sheet(path: str | Path) -> pd.DataFrame:
    """Read a sample sheet (CSV, TSV or XLSX), indexed by ``sample``, with typed columns.

    Empty cells and missing tokens (``NA``, ``NaN``, ...) are missing values; columns whose
    other values are all ``True``/``False`` become booleans, all-numeric columns become
    numbers, everything else stays text. A design that uses a column with a missing value
    for an analysed sample is refused (:func:`omics.stats.design.design_matrix`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("sample,group,reference\\na,x,False\\nb,y,True\\n")
    >>> read_sample_sheet(p)["reference"].tolist()
    [False, True]
    """
    path = Path(path)
    frame = read_spreadsheet(path) if path.suffix.lower() == ".xlsx" else read_text_table(path)
    if "sample" not in frame.columns:
        raise OmicsInputError(path, f"columns {list(frame.columns)[:6]}",
                              "a 'sample' column", line=1)
    duplicated = frame["sample"].duplicated()
    if duplicated.any():
        i = int(duplicated.to_numpy().nonzero()[0][0])
        raise OmicsInputError(path, f"sample id {frame['sample'].iloc[i]!r} a second time",
                              "unique sample ids", line=line_of(frame, i),
                              column=list(frame.columns).index("sample") + 1)
    sheet = typed_columns(frame.set_index("sample"))
    sheet.attrs = {"line_numbers": frame.attrs["line_numbers"], "path": str(path)}
    return sheet


def typed_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns typed as a sample sheet's: empty cells and missing tokens become missing
    values (never a level ``""`` of a factor), then columns of ``True``/``False`` become
    booleans (nullable when a value is missing), all numbers become numbers, everything else
    stays text.

    Examples
    --------
    >>> typed_columns(pd.DataFrame({"a": ["1", "2"], "b": ["1", "missing"]})).dtypes.tolist()
    [dtype('int64'), dtype('O')]
    >>> typed_columns(pd.DataFrame({"dose": ["1.5", ""], "arm": ["x", "NA"]})).to_dict("list")
    {'dose': [1.5, nan], 'arm': ['x', nan]}
    """
    typed = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column].astype(str).str.strip()
        present = ~(frame[column].isna() | values.isin(MISSING_TOKENS)).to_numpy()
        values = values.where(present, np.nan)
        lowered = values[present].str.lower()
        if present.any() and lowered.isin(_BOOLEAN).all():
            flags = values.str.lower().map(_BOOLEAN)
            typed[column] = flags.astype(bool) if present.all() else flags.astype("boolean")
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        typed[column] = numbers if numbers.notna().eq(present).all() and present.any() \
            else values
    return typed


def match_samples(
    table_columns: list[str], header: list[str], table_path: str | Path, sheet: pd.DataFrame
) -> pd.DataFrame:
    """Check that a table's sample columns and a sample sheet name the same samples.

    Returns the sheet reordered to ``table_columns``.
    """
    listed = set(sheet.index)
    for name in table_columns:
        if name not in listed:
            raise OmicsInputError(
                table_path, f"sample column {name!r}",
                f"a sample listed in {Path(sheet.attrs['path']).name}",
                line=1, column=header.index(name) + 1,
            )
    present = set(table_columns)
    for position, sample in enumerate(sheet.index):
        if sample not in present:
            raise OmicsInputError(
                sheet.attrs["path"], f"sample {sample!r} with no column in the table",
                f"a sample column named {sample!r} in {Path(table_path).name}",
                line=sheet.attrs["line_numbers"][position], column=1,
            )
    return sheet.loc[table_columns]
