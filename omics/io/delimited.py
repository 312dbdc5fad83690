"""Reading delimited text (CSV/TSV, optionally gzip) as strings, with located errors.

Readers of every text format go through :func:`read_text_table` so that encodings, empty files,
duplicate headers and unparsable numbers are reported the same way everywhere:
``file:line:column: found ...; expected ...`` (line 1 is the header).

Tables are parsed by pandas' C parser; the columns a reader names as numeric are parsed to
float64 there, never held as Python strings. The careful row-by-row scan (Python's ``csv``)
runs only when the fast pass cannot vouch for the result (ragged rows, fields spanning lines,
a cell that is not a number, a preamble before the header): it finds the offending line and
column for the error message, or reads what the fast pass could not.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError

__all__ = [
    "LineNumbers",
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


class LineNumbers(tuple):
    """The file line numbers of a table's rows, kept in ``frame.attrs["line_numbers"]``.

    pandas deep-copies ``attrs`` on every operation on a frame or column; this immutable
    tuple is shared instead of copied, so that a 100,000-row table does not copy 100,000
    line numbers per column operation.

    Examples
    --------
    >>> import copy
    >>> lines = LineNumbers([2, 3, 5])
    >>> copy.deepcopy(lines) is lines, lines[1]
    (True, 3)
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> LineNumbers:
        return self


def rows_where(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of a table read here where ``keep`` is true, with their file line numbers.

    Examples
    --------
    >>> f = pd.DataFrame({"a": ["x", "y", "z"]}); f.attrs["line_numbers"] = [2, 3, 5]
    >>> rows_where(f, np.array([True, False, True])).attrs["line_numbers"]
    (2, 5)
    """
    keep = np.asarray(keep, dtype=bool)
    kept = frame[keep]
    lines = np.asarray(frame.attrs["line_numbers"])[keep]
    kept.attrs = frame.attrs | {"line_numbers": LineNumbers(lines.tolist())}
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


def _checked_header(cells: list[str], path: Path, delimiter: str, row_names: bool,
                    line: int) -> list[str]:
    """The header's column names, stripped; empty, repeated or a single name is an error."""
    header = [h.strip() for h in cells]
    if row_names and header and not header[0]:
        header[0] = "row_name"
    if len(header) < 2:
        expected = "comma-separated columns" if delimiter == "," else "tab-separated columns"
        raise OmicsInputError(path, "a header line of a single column (its text is not "
                              "shown: the file may not be a table)", expected, line=line)
    seen = set()
    for col, name in enumerate(header, start=1):
        if not name:
            raise OmicsInputError(path, "an empty column name", "a name for every column",
                                  line=line, column=col)
        if name in seen:
            raise OmicsInputError(path, f"column name {name!r} a second time",
                                  "unique column names", line=line, column=col)
        seen.add(name)
    return header


def _careful_table(text: str, path: Path, delimiter: str, header_first_cell: str | None,
                   row_names: bool, pad_short_rows: bool) -> pd.DataFrame:
    """The table read row by row with Python's ``csv``: every cell a stripped string."""
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
    header = _checked_header(rows[0], path, delimiter, row_names, line=1)
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
    frame.attrs["line_numbers"] = LineNumbers(line_numbers[1:])
    return frame


#: Lines whose delimiter count differs from the header's (blank, short, or with quoted
#: delimiters) that the fast pass checks one by one before leaving a file to the careful scan.
_MAX_UNEVEN_LINES = 10_000


def _line_fields(body: str, delimiter: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Per line of ``body``: the number of delimiters it holds (quoted ones included) and
    whether it is blank (nothing but spaces, tabs, quotes and delimiters); the longest
    line's length in bytes."""
    kind = np.zeros(256, dtype=np.uint8)  # 0 content, 1 line end, 2 delimiter, 3 space
    kind[[ord(c) for c in ' \t\r"']] = 3
    kind[ord("\n")], kind[ord(delimiter)] = 1, 2
    raw = kind[np.frombuffer(body.encode("utf-8"), dtype=np.uint8)]
    ends = np.flatnonzero(raw == 1)
    n_lines = len(ends) + int(raw.size > 0 and raw[-1] != 1)
    longest = int(np.diff(ends, prepend=-1, append=raw.size).max(initial=0))
    fields = np.bincount(np.searchsorted(ends, np.flatnonzero(raw == 2)),
                         minlength=n_lines)[:n_lines]
    starts = np.concatenate([[0], ends + 1])[:n_lines]
    blank = (~np.logical_or.reduceat(raw == 0, starts) if n_lines  # (add: 70x slower)
             else np.zeros(0, dtype=bool))
    return fields, blank, longest


#: Columns up to which the fast pass has the parser read text columns as ``str`` (beyond,
#: GSE1992's 15,537 columns: 0.8 s against 0.3 s with a converter).
_TYPED_TEXT_UP_TO_COLUMNS = 256

#: Every character ``str.strip`` removes (the last is U+3000, the ideographic space).
_WHITE_SPACE = tuple(chr(code) for code in range(0x3001) if chr(code).isspace())


def _edge_space(body: str, delimiter: str) -> bool:
    """Whether any field might start or end with white space (what ``str.strip`` removes),
    by substring searches for each white-space character the text holds: next to a line end
    or the delimiter (inside a quote or not), or at the very start or end. Quoted delimiters
    may make it say yes needlessly, never no wrongly. ``\\r\\n`` is a line end (the
    parser's), not a field ending in ``\\r``."""
    ascii_only = body.isascii()
    for char in _WHITE_SPACE:
        if (ascii_only and ord(char) > 127) or char in ("\n", delimiter) or char not in body:
            continue
        for quote in ("", '"'):
            if body.startswith(quote + char) or body.endswith(char + quote):
                return True
            for bound in ("\n", delimiter):
                after = "" if (char, quote, bound) == ("\r", "", "\n") else char + quote + bound
                if bound + quote + char in body or (after and after in body):
                    return True
    return False


def _fast_table(text: str, path: Path, delimiter: str, row_names: bool, pad_short_rows: bool,
                numeric: Callable[[int, str], bool] | None) -> pd.DataFrame | None:
    """The table parsed by pandas' C parser (``numeric`` columns as float64), or None where
    only the careful scan can read it or say what is wrong."""
    newline = text.find("\n")
    if newline < 0:
        return None
    first = text[:newline].rstrip("\r")
    if first.count('"') % 2:  # a quoted header cell spanning lines
        return None
    header = _checked_header(next(csv.reader([first], delimiter=delimiter)), path, delimiter,
                             row_names, line=1)
    body = text[newline + 1:]
    fields, blank, longest = _line_fields(body, delimiter)
    if longest > MAX_FIELD_CHARS:
        return None  # maybe a damaged file: the careful scan refuses an over-long field
    expected, n_lines = len(header) - 1, len(fields)
    uneven = np.flatnonzero((fields != expected) & ~blank)
    if len(uneven) > _MAX_UNEVEN_LINES or blank.all():
        return None
    if (fields[uneven] < expected).any() and not pad_short_rows:
        return None  # a short row: the careful scan names it
    long_rows = uneven[fields[uneven] > expected]
    lines = body.splitlines() if long_rows.size else []
    if lines and len(lines) != n_lines:
        return None
    for position in long_rows:  # too many fields, unless their delimiters are quoted
        if len(next(csv.reader([lines[position]], delimiter=delimiter), [])) != len(header):
            return None  # a long row: the careful scan names it
    wanted = [i for i, name in enumerate(header) if numeric is not None and numeric(i, name)]
    is_numeric = set(wanted)
    text_columns = [i for i in range(len(header)) if i not in is_numeric]
    # numbers inferred (faster than a declared dtype); text kept as it is, NA tokens
    # included: read as str by the parser, which shares equal strings within a column (a
    # long table's repeated names: a third of the memory), or, for a wide table, where
    # per-column dtypes cost more than the parse, by a `str` converter; bytes, not a
    # StringIO, which holds 4 bytes per character
    text_options = {"dtype": dict.fromkeys(text_columns, str),
                    "na_values": dict.fromkeys(wanted, sorted(MISSING_TOKENS))} \
        if len(header) <= _TYPED_TEXT_UP_TO_COLUMNS else \
        {"converters": dict.fromkeys(text_columns, str), "na_values": sorted(MISSING_TOKENS)}
    try:
        frame = pd.read_csv(
            io.BytesIO(body.encode("utf-8")), encoding="utf-8", sep=delimiter, header=None,
            names=range(len(header)), keep_default_na=False, skip_blank_lines=False,
            low_memory=False, engine="c", quoting=csv.QUOTE_MINIMAL,
            skiprows=set(np.flatnonzero(blank).tolist()), **text_options)
    except (ValueError, pd.errors.ParserError, csv.Error):
        return None  # the tokenizer refused the file: the careful scan says where
    if len(frame) != n_lines - blank.sum():
        return None  # quoted fields spanning lines: line numbers need the careful scan
    kinds = [dtype.kind for dtype in frame.dtypes]
    if any(kinds[i] not in "fi" for i in wanted):
        return None  # a cell that is not a number: the careful scan locates it
    padded = _edge_space(body, delimiter)
    for i in text_columns:
        frame[i] = frame[i].fillna("")
        if padded:  # per cell in Python: only where some field has space at an edge
            frame[i] = frame[i].str.strip()
    integers = [i for i in wanted if kinds[i] == "i"]
    if integers:
        frame[integers] = frame[integers].astype(np.float64)
    frame.columns = header
    frame.attrs["line_numbers"] = LineNumbers((np.flatnonzero(~blank) + 2).tolist())
    return frame


def read_text_table(path: str | Path, header_first_cell: str | None = None,
                    row_names: bool = False, pad_short_rows: bool = False,
                    numeric: Callable[[int, str], bool] | None = None) -> pd.DataFrame:
    """Read a delimited file into a DataFrame of strings (no type guessing).

    The delimiter follows the extension (``.csv`` comma, otherwise tab; ``.gz`` is opened
    transparently). UTF-8 (with or without BOM) and Latin-1 are accepted. With
    ``header_first_cell``, lines before the header (a preamble) are skipped: the header is
    the first line whose first cell is that text; line numbers stay those of the file.
    With ``row_names``, the first column may have an empty name (R's ``write.csv`` row
    names); it is then called ``row_name``. With ``pad_short_rows``, a row with fewer fields
    than the header is read as if its last cells were empty (as pandas reads such exports);
    a row with more fields is still an error. Columns for which ``numeric(position, name)``
    (0-based position) is true are parsed to float64 right away (missing tokens as NaN)
    when every cell is a number; :func:`parse_numeric_columns` accepts them as they are.

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
    >>> read_text_table(p, numeric=lambda position, name: position > 0).to_dict("list")
    {'gene': ['EGFR'], 's1': [3.0]}
    """
    path = Path(path)
    text = _read_text(path)
    if not text.strip():
        raise OmicsInputError(path, "an empty file", "a header line and data rows", line=1)
    delimiter = _delimiter_for(path)
    frame = None if header_first_cell is not None else _fast_table(
        text, path, delimiter, row_names, pad_short_rows, numeric)
    if frame is None:
        frame = _careful_table(text, path, delimiter, header_first_cell, row_names,
                               pad_short_rows)
    frame.attrs["path"] = str(path)
    return frame


def _cell_text(path: str | Path, line: int, column: int) -> str:
    """The text of one cell (1-based line and column) as it is in the file."""
    path = Path(path)
    for number, text in read_lines(path):
        if number == line:
            return next(csv.reader([text], delimiter=_delimiter_for(path)))[column - 1].strip()
    return ""


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
    dtypes = frame.dtypes.loc[columns].to_numpy()
    is_parsed = np.array([dtype == np.float64 for dtype in dtypes], dtype=bool)
    parsed = [c for c, done in zip(columns, is_parsed, strict=True) if done]
    values = np.empty((len(frame), len(columns)), dtype=np.float64)
    missing = np.zeros(values.shape, dtype=bool)
    if parsed:
        where = np.flatnonzero(is_parsed)
        values[:, where] = frame[parsed].to_numpy(np.float64)
        missing[:, where] = np.isnan(values[:, where])
    if not is_parsed.all():
        where = np.flatnonzero(~is_parsed)
        text = [columns[j] for j in where]
        cells = frame.loc[:, text].to_numpy(dtype=object)
        absent = pd.isna(cells) | np.isin(cells, list(MISSING_TOKENS))
        flat = pd.Series(np.where(absent, None, cells).ravel(order="F"), dtype=object)
        values[:, where] = pd.to_numeric(flat, errors="coerce").to_numpy(np.float64).reshape(
            cells.shape, order="F")
        missing[:, where] = absent
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
        line, column = line_of(frame, i), header.index(columns[j]) + 1
        cell = frame[columns[j]].iloc[i]
        found = _cell_text(path, line, column) if is_parsed[j] else cell
        raise OmicsInputError(path, f"{found!r} in column {columns[j]!r}", what,
                              line=line, column=column)
    return values
