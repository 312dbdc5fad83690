"""Reading delimited text (CSV/TSV, optionally gzip) as strings, with located errors.

Readers of every text format go through :func:`read_text_table` so that encodings, empty files,
duplicate headers and unparsable numbers are reported the same way everywhere:
``file:line:column: found ...; expected ...`` (line 1 is the header).
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_LINE_BYTES",
    "MISSING_TOKENS",
    "line_of",
    "parse_numeric_columns",
    "read_lines",
    "read_text_table",
    "rows_where",
]

#: Cell values read as missing.
MISSING_TOKENS = frozenset({"", "NA", "N/A", "#N/A", "NaN", "nan", "NULL", "null", "na"})


def rows_where(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of a table read here where ``keep`` is true, with their file line numbers.

    Examples
    --------
    >>> f = pd.DataFrame({"a": ["x", "y", "z"]}); f.attrs["line_numbers"] = [2, 3, 5]
    >>> rows_where(f, np.array([True, False, True])).attrs["line_numbers"]
    [2, 5]
    """
    keep = np.asarray(keep, dtype=bool)
    kept = frame[keep]
    kept.attrs = frame.attrs | {"line_numbers": [frame.attrs["line_numbers"][i]
                                                 for i in np.flatnonzero(keep)]}
    return kept


def line_of(frame: pd.DataFrame, row_position: int) -> int:
    """1-based file line of the data row at 0-based ``row_position`` of a table read here."""
    return int(frame.attrs["line_numbers"][row_position])


def _delimiter_for(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    return "," if suffixes and suffixes[-1] == ".csv" else "\t"


#: Longest line accepted (bytes). Reading stops as soon as a line exceeds it, so a damaged
#: file without line breaks (e.g. 2 GB on one line) never fills the memory.
MAX_LINE_BYTES = 256 * 2**20


def _read_bytes(path: Path, max_line: int) -> bytes:
    """The file's bytes (gunzipped), read in blocks, refusing any line longer than
    ``max_line`` as soon as it is seen."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    blocks, since_newline, lines = [], 0, 0
    try:
        with opener(path, "rb") as stream:
            # a block no longer than max_line cannot hold a whole line that is too long
            while block := stream.read(min(8 * 2**20, max_line)):
                first = block.find(b"\n")
                if first < 0:
                    since_newline += len(block)
                elif since_newline + first > max_line:
                    since_newline += first
                else:
                    lines += block.count(b"\n")
                    since_newline = len(block) - block.rfind(b"\n") - 1
                if since_newline > max_line:
                    raise OmicsInputError(path, f"a line longer than {max_line:,} bytes",
                                          "a text table with line breaks", line=lines + 1)
                blocks.append(block)
    except FileNotFoundError:
        raise OmicsInputError(path, "no such file", "an existing file") from None
    except (EOFError, zlib.error, gzip.BadGzipFile):
        raise OmicsInputError(path, "a truncated or corrupt gzip stream",
                              "a complete gzip file") from None
    return b"".join(blocks)


def _read_text(path: Path) -> str:
    raw = _read_bytes(path, MAX_LINE_BYTES)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every line of a text file (``.gz``, UTF-8 or Latin-1).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_text("a\\nb\\n")
    >>> list(read_lines(p))
    [(1, 'a'), (2, 'b')]
    """
    yield from enumerate(_read_text(Path(path)).splitlines(), start=1)


#: Longest cell accepted (characters): a damaged file with no line breaks must not be read
#: as one gigantic field.
MAX_FIELD_CHARS = 1_000_000


def _guarded(reader, path: Path) -> Iterator[list[str]]:
    """Rows of a ``csv.reader``, with an over-long field reported at its line."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        yield from reader
    except csv.Error as exc:
        raise OmicsInputError(path, f"a malformed or over-long field ({exc})",
                              f"cells of at most {MAX_FIELD_CHARS:,} characters and "
                              "balanced quotes", line=reader.line_num) from None


def read_text_table(path: str | Path, header_first_cell: str | None = None,
                    row_names: bool = False, pad_short_rows: bool = False) -> pd.DataFrame:
    """Read a delimited file into a DataFrame of strings (no type guessing).

    The delimiter follows the extension (``.csv`` comma, otherwise tab; ``.gz`` is opened
    transparently). UTF-8 (with or without BOM) and Latin-1 are accepted. With
    ``header_first_cell``, lines before the header (a preamble) are skipped: the header is
    the first line whose first cell is that text; line numbers stay those of the file.
    With ``row_names``, the first column may have an empty name (R's ``write.csv`` row
    names); it is then called ``row_name``. With ``pad_short_rows``, a row with fewer fields
    than the header is read as if its last cells were empty (as pandas reads such exports);
    a row with more fields is still an error.

    Raises
    ------
    OmicsInputError
        Empty file, header only, ragged rows, empty or repeated column names.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("gene,s1\\nEGFR,3\\n")
    >>> read_text_table(p).to_dict("list")
    {'gene': ['EGFR'], 's1': ['3']}
    """
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise OmicsInputError(path, "an empty file", "a header line and data rows", line=1)
    delimiter = _delimiter_for(path)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, line_numbers = [], []
    for row in _guarded(reader, path):
        if not rows and header_first_cell is not None and (
                not row or row[0].strip() != header_first_cell):
            continue
        if any(cell.strip() for cell in row):
            rows.append(row)
            line_numbers.append(reader.line_num)
    if not rows:
        raise OmicsInputError(path, f"no line starting with {header_first_cell!r}",
                              "a header line after the preamble")
    header = [h.strip() for h in rows[0]]
    if row_names and header and not header[0]:
        header[0] = "row_name"
    if len(header) < 2:
        expected = "comma-separated columns" if delimiter == "," else "tab-separated columns"
        raise OmicsInputError(path, "a header line of a single column (its text is not "
                              "shown: the file may not be a table)", expected, line=1)
    for col, name in enumerate(header, start=1):
        if not name:
            raise OmicsInputError(path, "an empty column name", "a name for every column",
                                  line=1, column=col)
        if name in header[: col - 1]:
            raise OmicsInputError(path, f"column name {name!r} a second time",
                                  "unique column names", line=1, column=col)
    if len(rows) == 1:
        raise OmicsInputError(path, "a header but no data rows", "at least one data row",
                              line=line_numbers[0] + 1)
    for position, (row, line) in enumerate(zip(rows[1:], line_numbers[1:], strict=True),
                                           start=1):
        if pad_short_rows and len(row) < len(header):
            rows[position] = row + [""] * (len(header) - len(row))
        elif len(row) != len(header):
            raise OmicsInputError(path, f"{len(row)} fields",
                                  f"{len(header)} fields as in the header", line=line)
    frame = pd.DataFrame([[c.strip() for c in r] for r in rows[1:]], columns=header, dtype=object)
    frame.attrs["line_numbers"] = line_numbers[1:]
    frame.attrs["path"] = str(path)
    return frame


def parse_numeric_columns(
    frame: pd.DataFrame,
    columns: list[str],
    path: str | Path,
    *,
    allow_negative: bool = False,
    integer: bool = False,
) -> np.ndarray:
    """Parse ``columns`` of a string table into a float64 array (rows x columns).

    Missing tokens (:data:`MISSING_TOKENS`) become NaN. Text, infinities, negative values
    (unless allowed) and, with ``integer=True``, non-integers or missing values raise
    :class:`~omics.errors.OmicsInputError` at the first offending cell.

    Examples
    --------
    >>> f = pd.DataFrame({"a": ["1.5", "NA"], "b": ["2", "3"]}, dtype=object)
    >>> f.attrs["line_numbers"] = [2, 3]
    >>> parse_numeric_columns(f, ["a", "b"], "x.tsv")
    array([[1.5, 2. ],
           [nan, 3. ]])
    """
    header = list(frame.columns)
    cells = frame.loc[:, columns].to_numpy(dtype=object)
    missing = pd.isna(cells) | np.isin(cells, list(MISSING_TOKENS))
    flat = pd.Series(np.where(missing, None, cells).ravel(order="F"), dtype=object)
    values = pd.to_numeric(flat, errors="coerce").to_numpy(np.float64).reshape(
        cells.shape, order="F")
    bad = ~missing & ~np.isfinite(values)
    if not allow_negative:
        bad |= values < 0
    if integer:
        bad |= missing | (np.isfinite(values) & (values != np.round(values)))
    if bad.any():
        j, i = (int(k) for k in np.argwhere(bad.T)[0])
        what = "a non-negative integer count" if integer else (
            "a finite number" if allow_negative else "a finite non-negative number"
        )
        raise OmicsInputError(
            path, f"{cells[i, j]!r} in column {columns[j]!r}", what,
            line=line_of(frame, i), column=header.index(columns[j]) + 1,
        )
    return values
