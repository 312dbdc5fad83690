"""Excel workbooks (``.xlsx``) read as the same string tables as delimited files.

Cells become text (numbers without a trailing ``.0`` when integral); line numbers are the
sheet's row numbers, so errors point at the cell a user sees in Excel.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.xlsx"
>>> book = openpyxl.Workbook(); sheet = book.active
>>> sheet.append(["Export of 2024-01-05"]); sheet.append(["subject_id", "age"])
>>> sheet.append(["P1", 52]); book.save(path)
>>> frame = read_spreadsheet(path, header_row=2)
>>> frame.to_dict("list"), frame.attrs["line_numbers"]
({'subject_id': ['P1'], 'age': ['52']}, [3])
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from omics.errors import OmicsInputError

__all__ = ["read_spreadsheet"]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_spreadsheet(path: str | Path, sheet: str | None = None,
                     header_row: int = 1) -> pd.DataFrame:
    """Read one sheet (the first by default); the header is on ``header_row`` (1-based)."""
    import openpyxl

    path = Path(path)
    try:
        with warnings.catch_warnings():  # e.g. "Unknown extension is not supported"
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise OmicsInputError(path, "no such file", "an existing file") from None
    except Exception as exc:  # openpyxl raises several types for damaged files
        raise OmicsInputError(path, f"an unreadable workbook ({type(exc).__name__})",
                              "an .xlsx file saved by Excel or LibreOffice") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise OmicsInputError(path, f"no sheet {sheet!r}", "one of " + ", ".join(book.sheetnames))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rows = [[_text(v) for v in row] for row in (book[sheet] if sheet else book.active)
                .iter_rows(values_only=True)]
    book.close()
    if len(rows) < header_row:
        raise OmicsInputError(path, f"{len(rows)} rows", f"a header on row {header_row}",
                              line=header_row)
    header = rows[header_row - 1]
    while header and not header[-1]:
        header = header[:-1]
    body, lines = [], []
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        cells = (row + [""] * len(header))[: len(header)]
        if any(cells):
            body.append(cells)
            lines.append(number)
    for column, name in enumerate(header, start=1):
        if not name:
            raise OmicsInputError(path, "an empty column name", "a name for every column",
                                  line=header_row, column=column)
    if not body:
        raise OmicsInputError(path, "a header but no data rows", "at least one data row",
                              line=header_row + 1)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.attrs = {"line_numbers": lines, "path": str(path), "header_line": header_row}
    return frame
