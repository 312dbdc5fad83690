"""The C-parser pass of read_text_table reads exactly what the careful row-by-row scan reads,
and leaves to it (for the located error) what it cannot vouch for."""

from __future__ import annotations

import copy
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omics.errors import OmicsInputError
from omics.io.delimited import (
    LineNumbers,
    _careful_table,
    _delimiter_for,
    _fast_table,
    _read_text,
    parse_numeric_columns,
    read_text_table,
)
from tests.conftest import shared_data

TRICKY = ('\ufeff"",gene name,s1,s2\r\n'
          '"A1", EGFR ,1.5,NA\r\n'
          '\r\n'
          'A2,"ANXA6, isoform",  -2 ,7\r\n'
          '   ,  ,  ,  \r\n'
          'A3,NA,1e-3,\r\n')


def _both(path: Path, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    text, delimiter = _read_text(path), _delimiter_for(path)
    fast = _fast_table(text, path, delimiter, options.get("row_names", True),
                       options.get("pad_short_rows", False), options.get("numeric"))
    careful = _careful_table(text, path, delimiter, None, options.get("row_names", True),
                             options.get("pad_short_rows", False))
    return fast, careful


def test_fast_and_careful_reads_are_identical_on_quotes_blanks_spaces_and_crlf(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(TRICKY, encoding="utf-8")
    fast, careful = _both(path)
    pd.testing.assert_frame_equal(fast, careful)
    assert fast.attrs["line_numbers"] == (2, 4, 6)
    assert fast["gene name"].tolist() == ["EGFR", "ANXA6, isoform", "NA"]  # text kept as is
    numbers, _ = _both(path, numeric=lambda position, name: name.startswith("s"))
    assert numbers["s1"].dtype == np.float64 and numbers["gene name"].tolist()[2] == "NA"
    np.testing.assert_array_equal(
        parse_numeric_columns(numbers, ["s1", "s2"], path, allow_negative=True),
        parse_numeric_columns(careful, ["s1", "s2"], path, allow_negative=True))


@pytest.mark.parametrize("body", [
    "id\tgene\ts1\nA1\tEGFR\t1.5\nA2\tNA\t2\n",  # no space at any edge: nothing stripped
    "id\tgene\ts1\r\nA1\tEGFR\t1.5\r\nA2\tsens cells\t2\r\n",  # CRLF, inner spaces
    'id,gene,s1\nA1," EGFR",1.5\nA2,"ANXA6 ",2\n',  # padded inside quotes
    "id\tgene\ts1\nA1\tEGFR\u00a0\t1.5\nA2\t\u3000Ω\t2\n",  # Unicode white space
    "id\tgene\ts1\nA1\tEGFR\t1.5\nA2\tCBL\x0b\t2\n",  # a vertical tab
])
def test_fast_read_strips_exactly_where_the_careful_scan_does(tmp_path, body):
    """The per-cell strip is skipped when no field has white space at an edge; wherever
    one might, the fast read still equals the careful scan (which strips every cell)."""
    path = tmp_path / ("t.csv" if body.startswith("id,") else "t.tsv")
    path.write_bytes(body.encode("utf-8"))
    fast, careful = _both(path, row_names=False)
    pd.testing.assert_frame_equal(fast, careful)
    assert fast["gene"].tolist()[1] in ("NA", "sens cells", "ANXA6", "Ω", "CBL")


def test_short_rows_are_padded_only_when_asked(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("id\ta\tb\nx\t1\t2\ny\t3\n")
    padded, careful = _both(path, pad_short_rows=True, row_names=False)
    pd.testing.assert_frame_equal(padded, careful)
    assert _fast_table(_read_text(path), path, "\t", False, False, None) is None
    with pytest.raises(OmicsInputError, match=r"p.tsv:3: found 2 fields; expected 3 fields"):
        read_text_table(path)


@pytest.mark.parametrize(("body", "message"), [
    ("g,s1\nA,1.2.3\n", "m.csv:2:2: found '1.2.3' in column 's1'; expected a finite number"),
    ("g,s1\nA,Inf\n", "m.csv:2:2: found 'Inf' in column 's1'; expected a finite number"),
    # a quoted cell over two lines: the careful scan reports the row's last line
    ("g,s1\nA,\"1\n2\"\n", "m.csv:3:2: found '1\\n2' in column 's1'; expected a finite number"),
])
def test_a_cell_that_is_not_a_number_is_located_with_its_own_text(tmp_path, body, message):
    path = tmp_path / "m.csv"
    path.write_text(body)
    frame = read_text_table(path, numeric=lambda position, name: position > 0)
    with pytest.raises(OmicsInputError) as caught:
        parse_numeric_columns(frame, ["s1"], path, allow_negative=True)
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_line_numbers_are_shared_not_copied_by_pandas():
    frame = pd.DataFrame({"a": range(3)})
    frame.attrs["line_numbers"] = LineNumbers([2, 3, 4])
    assert (frame["a"] + 1).attrs["line_numbers"] is frame.attrs["line_numbers"]
    assert copy.deepcopy(frame).attrs["line_numbers"] == (2, 3, 4)


def _fast_equals_careful_on_gse1992(path: Path, shape: tuple[int, int]) -> None:
    fast, careful = _both(path, numeric=lambda position, name: name.startswith("num_HS_"))
    values = [c for c in fast.columns if c.startswith("num_HS_")]
    assert fast.shape == careful.shape == shape
    np.testing.assert_array_equal(parse_numeric_columns(fast, values, path, allow_negative=True),
                                  parse_numeric_columns(careful, values, path,
                                                        allow_negative=True))
    others = [c for c in fast.columns if c not in set(values)]
    pd.testing.assert_frame_equal(fast[others], careful[others])


def test_gse1992_slice_fast_read_equals_the_careful_scan(tmp_path):
    """The first 40 tumours and 1,500 columns of GSE1992 (the whole file is a slow test)."""
    path = shared_data("transcriptomics_clinical/gse1992_breast_expression_survival.csv.gz")
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()[:41]
    part = tmp_path / "gse1992_slice.csv"
    part.write_text("\n".join(",".join(line.split(",")[:1500]) for line in lines) + "\n")
    _fast_equals_careful_on_gse1992(part, (40, 1500))


@pytest.mark.slow  # the whole file; a slice runs in make test
def test_gse1992_fast_read_equals_the_careful_scan():
    path = shared_data("transcriptomics_clinical/gse1992_breast_expression_survival.csv.gz")
    _fast_equals_careful_on_gse1992(path, (124, 15537))
