"""Bad input: one located message, exit code 2 from the CLI, and the store left as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from omics.errors import OmicsInputError
from omics.io import read_table, read_wide_table
from omics.steps.ingest import ingest_study
from tests.cli import run_omics
from tests.editing import file_tree, replace_cell


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
    ("proteomics_tmt.tsv", 6, 5, "Inf",
     "proteomics_tmt.tsv:6:5: found 'Inf' in column 'P1_128N'; "
     "expected a finite non-negative number"),
    ("proteomics_tmt.tsv", 6, 5, "-inf",
     "proteomics_tmt.tsv:6:5: found '-inf' in column 'P1_128N'; "
     "expected a finite non-negative number"),
    ("proteomics_tmt.tsv", 8, 1, "",
     "proteomics_tmt.tsv:8:1: found an empty feature id; expected a feature id in every row"),
    ("proteomics_samples.csv", 2, 1, "P9_126",
     "proteomics_tmt.tsv:1:3: found sample column 'P1_127N'; expected a sample listed in "
     "proteomics_samples.csv"),
    ("rnaseq_cells_counts.tsv", 4, 3, "-1",
     "rnaseq_cells_counts.tsv:4:3: found '-1' in column 'rna_sens_cells_2'; "
     "expected a non-negative integer count"),
    ("rnaseq_cells_counts.tsv", 4, 3, "NA",
     "rnaseq_cells_counts.tsv:4:3: found 'NA' in column 'rna_sens_cells_2'; "
     "expected a non-negative integer count"),
    ("rnaseq_cells_samples.csv", 3, 1, "rna_sens_cells_1",
     "rnaseq_cells_samples.csv:3:1: found sample id 'rna_sens_cells_1' a second time; "
     "expected unique sample ids"),
    ("clinical.csv", 4, 8, "-2",
     "clinical.csv:4:8: found '-2' in column 'pfs_months'; expected a number >= 0 (months)"),
    ("clinical.csv", 5, 9, "2",
     "clinical.csv:5:9: found '2' in column 'pfs_event'; expected 0 or 1"),
    ("clinical.csv", 5, 9, "",
     "clinical.csv:5:8: found only one of 'pfs_months' and 'pfs_event'; expected a survival "
     "time and its event together, or neither"),
    ("clinical.csv", 6, 2, "old",
     "clinical.csv:6:2: found 'old' in column 'age'; expected an integer >= 18 <= 100 (years)"),
    ("clinical.csv", 6, 2, "150",
     "clinical.csv:6:2: found '150' in column 'age'; expected an integer >= 18 <= 100 (years)"),
    ("clinical.csv", 7, 6, "301",
     "clinical.csv:7:6: found '301' in column 'ihc_anxa6_hscore'; "
     "expected an integer >= 0 <= 300"),
    ("clinical.csv", 8, 5, "#DIV/0!",
     "clinical.csv:8:5: found '#DIV/0!' in column 'serum_exo_anxa6_ng_ml'; "
     "expected a number >= 0 (ng/mL)"),
    ("clinical.csv", 9, 1, "PT0001",
     "clinical.csv:9:1: found id 'PT0001' empty or repeated; expected a unique value in "
     "'subject_id'"),
    ("clinical.csv", 9, 3, "V",
     "clinical.csv:9:3: found 'V' in column 'stage'; expected one of II, III, IV"),
])
def test_located_error_and_store_unchanged(cohort_copy, tmp_path, name, line, column, value,
                                           message):
    store = ingest_study(cohort_copy, tmp_path / "study.zarr")
    before = file_tree(store)
    path = _corrupt_cell(cohort_copy, name, line, column, value)
    with pytest.raises(OmicsInputError) as caught:
        ingest_study(cohort_copy, store)
    assert str(caught.value) == f"{path.parent}/{message}"
    assert file_tree(store) == before
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
    ("a;b\n1;2\n", "x.csv:1: found a header line of a single column (its text is not shown: "
                   "the file may not be a table); expected comma-separated columns"),
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


def test_missing_value_tokens_are_missing_not_errors(cohort_copy, tmp_path):
    for column, token in zip((3, 4, 5, 6), ("NA", "#N/A", "NaN", ""), strict=True):
        _corrupt_cell(cohort_copy, "proteomics_tmt.tsv", 5, column, token)
    from omics.store import open_proteomics

    store = ingest_study(cohort_copy, tmp_path / "study.zarr")
    row = open_proteomics(store)["intensity"].isel(feature=3).values
    assert np.isnan(row[:4]).all()


def test_all_missing_sample_is_refused(cohort_copy, tmp_path):
    path = cohort_copy.parent / "proteomics_tmt.tsv"
    lines = path.read_text().splitlines()
    rows = [line.split("\t") for line in lines]
    for row in rows[1:]:
        row[3] = "NA"
    path.write_text("\n".join("\t".join(row) for row in rows) + "\n")
    with pytest.raises(OmicsInputError) as caught:
        ingest_study(cohort_copy, tmp_path / "study.zarr")
    assert str(caught.value) == (
        f"{path}:1:4: found no observed intensity in sample column 'P1_127C'; expected at "
        "least one value per sample (a failed channel is left out of the table and the "
        "sample sheet)")
    assert not (tmp_path / "study.zarr").exists()


def test_over_long_field_is_refused_without_parsing_it(tmp_path):
    (tmp_path / "big.csv").write_text("a,b\n1," + "x" * 1_100_000 + "\n")
    with pytest.raises(OmicsInputError) as caught:
        read_table(tmp_path / "big.csv")
    assert str(caught.value) == (
        f"{tmp_path}/big.csv:2: found a malformed or over-long field (field larger than field "
        "limit (1000000)); expected cells of at most 1,000,000 characters and balanced quotes")


def test_excel_clinical_table_with_its_header_on_the_wrong_row(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Clinical export, site A"])
    sheet.append(["subject_id", "response", "pfs_months", "pfs_event"])
    sheet.append(["P1", "resistant", 4.5, 1])
    sheet.append(["P2", "sensitive", -1, 0])
    book.save(tmp_path / "clinical.xlsx")
    with pytest.raises(OmicsInputError) as caught:
        read_table(tmp_path / "clinical.xlsx", id_column="subject_id")
    assert str(caught.value) == (f"{tmp_path}/clinical.xlsx:1: found columns "
                                 "['Clinical export, site A']; expected a 'subject_id' column")
    with pytest.raises(OmicsInputError) as caught:
        read_table(tmp_path / "clinical.xlsx", id_column="subject_id", header_row=2,
                   survival=[("pfs_months", "pfs_event")])
    assert str(caught.value) == (f"{tmp_path}/clinical.xlsx:4:3: found '-1' in column "
                                 "'pfs_months'; expected a number >= 0")
    sheet["C4"] = 7.25
    book.save(tmp_path / "clinical.xlsx")
    table = read_table(tmp_path / "clinical.xlsx", id_column="subject_id", header_row=2,
                       categories={"response": ["sensitive", "resistant"]},
                       survival=[("pfs_months", "pfs_event")])
    assert table["pfs_months"].tolist() == [4.5, 7.25]
    assert table["response"].cat.codes.tolist() == [1, 0]


def test_sample_of_an_unknown_subject_is_refused(cohort_copy, tmp_path):
    store = ingest_study(cohort_copy, tmp_path / "study.zarr")
    before = file_tree(store)
    path = _corrupt_cell(cohort_copy, "rnaseq_tumours_samples.csv", 3, 2, "PT9999")
    with pytest.raises(OmicsInputError) as caught:
        ingest_study(cohort_copy, store)
    assert str(caught.value) == (f"{path}: found subject 'PT9999' of sample 'tumour_PT0002'; "
                                 "expected a subject listed in clinical.csv")
    assert file_tree(store) == before


def test_subjects_missing_a_modality_are_kept_and_reported(cohort_copy, tmp_path):
    from omics.steps.sample_map import subjects_missing
    from omics.store import open_table

    for name, sep in (("rnaseq_tumours_samples.csv", ","), ("rnaseq_tumours_counts.tsv", "\t")):
        path = cohort_copy.parent / name
        lines = path.read_text().splitlines()
        if sep == ",":
            lines = [line for line in lines if not line.startswith("tumour_PT0005,")]
        else:
            rows = [line.split(sep) for line in lines]
            drop = rows[0].index("tumour_PT0005")
            lines = [sep.join(r[:drop] + r[drop + 1:]) for r in rows]
        path.write_text("\n".join(lines) + "\n")
    store = ingest_study(cohort_copy, tmp_path / "study.zarr")
    assert subjects_missing(store) == {"transcriptomics/tumours": ["PT0005"]}
    assert "PT0005" in open_table(store, "clinical").index


def test_a_line_beyond_the_limit_stops_the_read_early(tmp_path, monkeypatch):
    import omics.io.delimited as delimited

    monkeypatch.setattr(delimited, "MAX_LINE_BYTES", 1000)
    (tmp_path / "one_line.csv").write_text("a,b\n1,2\n" + "x" * 5000 + "\n3,4\n")
    with pytest.raises(OmicsInputError) as caught:
        read_table(tmp_path / "one_line.csv")
    assert str(caught.value) == (f"{tmp_path}/one_line.csv:3: found a line longer than 1,000 "
                                 "bytes; expected a text table with line breaks")


def _validate(study: Path) -> subprocess.CompletedProcess:
    return run_omics("validate", study)


@pytest.mark.parametrize(("line", "column", "value", "sample", "name"), [
    (3, 4, "", "P1_127C", "condition"),   # was the level '' of condition (6 hits, exit 0)
    (4, 1 + 1, "NA", "P1_128N", "plex"),  # a missing token, not a level 'NA'
])
def test_empty_design_cell_is_refused_not_a_level(cohort_copy, line, column, value, sample,
                                                   name):
    _corrupt_cell(cohort_copy, "proteomics_samples.csv", line, column, value)
    result = _validate(cohort_copy)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {cohort_copy}: found analysis.proteomics.design: sample {sample!r} with no "
        f"value in column {name!r}, which the design uses; expected a value for every sample "
        "analysed (or leave the sample out with the analysis's samples: selection)"]


def test_missing_covariate_keeps_its_column_numeric(cohort_copy):
    """One empty cell of a number column made it a 12-level factor, then a traceback."""
    from omics.io.sample_sheet import read_sample_sheet

    _corrupt_cell(cohort_copy, "proteomics_samples.csv", 5, 6, "")
    sheet = read_sample_sheet(cohort_copy.parent / "proteomics_samples.csv")
    assert sheet["replicate"].dtype == np.float64
    assert np.isnan(sheet.loc["P1_128C", "replicate"])
    assert sheet["replicate"].drop("P1_128C").notna().all()
    _corrupt_cell(cohort_copy, "proteomics_samples.csv", 3, 8, "")
    flags = read_sample_sheet(cohort_copy.parent / "proteomics_samples.csv")["reference"]
    assert str(flags.dtype) == "boolean" and flags.isna().sum() == 1


def test_sample_left_out_by_selection_is_not_refused(cohort_copy):
    _corrupt_cell(cohort_copy, "proteomics_samples.csv", 3, 4, "")
    study = cohort_copy.read_text().replace(
        "samples: not reference",
        "samples: not reference and condition in ['sens_cells', 'res_cells', 'sens_exo', "
        "'res_exo', 'sens_cells_res_exo']")
    cohort_copy.write_text(study)
    result = _validate(cohort_copy)
    assert result.returncode == 0, result.stderr


def test_messages_print_names_as_they_are(tmp_path):
    """rich turned ``:smile:`` in a file name into an emoji and ``[bold]`` into style."""
    name = tmp_path / "[bold]study:smile:.yaml"
    result = _validate(name)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {name}: found no such file; expected an "
                                     "existing study YAML file")
