"""Bad input: one located message, exit code 2 from the CLI, and the store left as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from omics.errors import OmicsInputError
from omics.ingest import ingest_study
from omics.io import read_table, read_wide_table
from tests.editing import replace_cell


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


def _corrupt_cell(study: Path, name: str, line: int, column: int, value: str) -> Path:
    return replace_cell(study.parent / name, line, column, value)


@pytest.fixture()
def cohort_copy(small_cohort, tmp_path) -> Path:
    shutil.copytree(small_cohort.parent, tmp_path / "cohort")
    return tmp_path / "cohort" / "study.yaml"


@pytest.mark.parametrize(("name", "line", "column", "value", "message"), [
    ("proteomics_tmt.tsv", 5, 4, "abc",
     "proteomics_tmt.tsv:5:4: found 'abc' in column 'P1_127C'; "
     "expected a finite non-negative number"),
    ("proteomics_tmt.tsv", 7, 3, "-12.5",
     "proteomics_tmt.tsv:7:3: found '-12.5' in column 'P1_127N'; "
     "expected a finite non-negative number"),
    ("proteomics_tmt.tsv", 9, 1, "EGFR",
     "proteomics_tmt.tsv:9:1: found feature id 'EGFR' a second time; expected unique feature ids"),
    ("rnaseq_cells_counts.tsv", 3, 2, "4.5",
     "rnaseq_cells_counts.tsv:3:2: found '4.5' in column 'rna_sens_cells_1'; "
     "expected a non-negative integer count"),
    ("clinical.csv", 4, 4, "responder",
     "clinical.csv:4:4: found 'responder' in column 'response'; "
     "expected one of highly_sensitive, sensitive, resistant"),
    ("proteomics_samples.csv", 3, 1, "P1_127N",
     "proteomics_samples.csv:3:1: found sample id 'P1_127N' a second time; "
     "expected unique sample ids"),
])
def test_located_error_and_store_unchanged(cohort_copy, tmp_path, name, line, column, value,
                                           message):
    store = ingest_study(cohort_copy, tmp_path / "study.zarr")
    before = _tree(store)
    path = _corrupt_cell(cohort_copy, name, line, column, value)
    with pytest.raises(OmicsInputError) as caught:
        ingest_study(cohort_copy, store)
    assert str(caught.value) == f"{path.parent}/{message}"
    assert _tree(store) == before
    assert [p.name for p in store.parent.iterdir() if p.name.startswith(".")] == []


def test_cli_prints_one_line_and_exits_2(cohort_copy, tmp_path):
    _corrupt_cell(cohort_copy, "clinical.csv", 4, 4, "responder")
    omics = Path(sys.executable).with_name("omics")
    result = subprocess.run([str(omics), "ingest", str(cohort_copy), "--store",
                             str(tmp_path / "s.zarr")], capture_output=True, text=True)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].endswith("clinical.csv:4:4: found 'responder' in column 'response'; "
                             "expected one of highly_sensitive, sensitive, resistant")
    assert not (tmp_path / "s.zarr").exists()


def test_sample_sheet_missing_a_table_column(tmp_path):
    (tmp_path / "t.tsv").write_text("protein\ts1\ts2\nEGFR\t1\t2\n")
    (tmp_path / "s.csv").write_text("sample,group\ns1,a\n")
    with pytest.raises(OmicsInputError, match=r"t.tsv:1:3: found sample column 's2'; "
                                              r"expected a sample listed in s.csv"):
        read_wide_table(tmp_path / "t.tsv", tmp_path / "s.csv")


@pytest.mark.parametrize(("text", "message"), [
    ("", "x.csv:1: found an empty file; expected a header line and data rows"),
    ("a,b\n", "x.csv:2: found a header but no data rows; expected at least one data row"),
    ("a;b\n1;2\n", "x.csv:1: found a single column header 'a;b'; "
                   "expected comma-separated columns"),
    ("a,b\n1,2,3\n", "x.csv:2: found 3 fields; expected 2 fields as in the header"),
])
def test_malformed_text_tables(tmp_path, text, message):
    (tmp_path / "x.csv").write_text(text)
    with pytest.raises(OmicsInputError) as caught:
        read_table(tmp_path / "x.csv")
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_bom_and_latin1_are_read(tmp_path):
    (tmp_path / "bom.csv").write_bytes("\ufeffsubject_id,site\nP1,Zürich\n".encode())
    (tmp_path / "latin.csv").write_bytes("subject_id,site\nP1,Zürich\n".encode("latin-1"))
    for name in ("bom.csv", "latin.csv"):
        table = read_table(tmp_path / name, id_column="subject_id")
        assert table.columns.tolist() == ["subject_id", "site"]
        assert table["site"].tolist() == ["Zürich"]
