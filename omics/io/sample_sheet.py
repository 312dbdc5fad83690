"""Sample sheets: one row per sample, a ``sample`` column plus factor columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import line_of, read_text_table
from omics.io.spreadsheet import read_spreadsheet

__all__ = ["match_samples", "read_sample_sheet", "typed_columns"]

_BOOLEAN = {"true": True, "false": False}


def read_sample_sheet(path: str | Path) -> pd.DataFrame:
    """Read a sample sheet (CSV, TSV or XLSX), indexed by ``sample``, with typed columns.

    Columns whose values are all ``True``/``False`` become booleans, all-numeric columns
    become numbers, everything else stays text.

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
    """Text columns typed as a sample sheet's: all ``True``/``False`` become booleans, all
    numbers become numbers, everything else stays text.

    Examples
    --------
    >>> typed_columns(pd.DataFrame({"a": ["1", "2"], "b": ["1", "missing"]})).dtypes.tolist()
    [dtype('int64'), dtype('O')]
    """
    typed = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column].astype(str)
        lowered = values.str.lower()
        if lowered.isin(_BOOLEAN).all():
            typed[column] = lowered.map(_BOOLEAN).astype(bool)
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        typed[column] = numbers if numbers.notna().all() else values
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
