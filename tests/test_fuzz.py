"""Fuzz tests (hypothesis): the text readers, the study schema, sample selections, design
formulas and ingest get generated hostile input. Each must succeed or raise
:class:`OmicsInputError` with a one-line message (the CLI prints it and exits 2): never
another exception, never a hang (pytest-timeout), and a refused ingest leaves the store
byte-identical. The number of examples is bounded so that the whole module runs in about
a minute in CI; the seed is derandomised, so a failure reproduces."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omics.errors import OmicsInputError
from omics.io import read_counts, read_expression_matrix, read_table, read_wide_table
from omics.io.sample_sheet import read_sample_sheet
from omics.io.study import load_study
from omics.stats.design import contrast_matrix, design_matrix
from omics.stats.selection import select_samples
from omics.steps.ingest import ingest_study
from tests.editing import file_tree, replace_cell

pytestmark = pytest.mark.timeout(300)

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

#: Cells a careless or hostile file holds: numbers, missing tokens, text, separators,
#: quotes, control characters, huge numbers, formulas of spreadsheet programs.
CELLS = st.one_of(
    st.integers(-10, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "NA", "nan", "NULL", "-", "#N/A", "1e999", "0x1F", "1,5", "=1+1",
                     "TRUE", "true", '"', '""', "a\tb", "a,b", "\r", "\x00", "é", "1 000"]),
    st.text(max_size=12),
)
NAMES = st.one_of(st.sampled_from(["s1", "s2", "s3", "gene", "sample", "", "s1 ", "S1"]),
                  st.text(min_size=0, max_size=6))


def _one_line(error: OmicsInputError) -> None:
    message = str(error)
    assert "\n" not in message and "\r" not in message, message
    assert ": found " in message and "; expected " in message, message


@st.composite
def tables(draw) -> tuple[str, str]:
    """A genes x samples text table and a sample sheet that may or may not match it."""
    samples = draw(st.lists(NAMES, min_size=0, max_size=4))
    header = [draw(st.sampled_from(["gene", "feature", "id", ""]))] + samples
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 1),
                         min_size=0, max_size=5))
    sep = draw(st.sampled_from(["\t", ","]))
    table = "\n".join(sep.join(cells) for cells in [header, *rows])
    sheet_samples = draw(st.one_of(st.just(samples), st.lists(NAMES, max_size=4)))
    sheet = "sample,group,dose\n" + "\n".join(
        f"{name},{draw(CELLS).replace(',', ';')},{draw(CELLS).replace(',', ';')}"
        for name in sheet_samples)
    return table, sheet


def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="fuzz-"))


@FUZZ
@given(tables())
def test_text_readers_succeed_or_refuse_in_one_line(case):
    table_text, sheet_text = case
    folder = _folder()
    try:
        table, sheet = folder / "t.tsv", folder / "samples.csv"
        table.write_text(table_text, encoding="utf-8", errors="surrogateescape")
        sheet.write_text(sheet_text, encoding="utf-8", errors="surrogateescape")
        readers = [
            lambda: read_sample_sheet(sheet),
            lambda: read_wide_table(table, sheet),
            lambda: read_counts(table, sheet, feature_column="gene"),
            lambda: read_expression_matrix(table, sheet),
            lambda: read_table(sheet, id_column="sample"),
        ]
        for read in readers:
            try:
                read()
            except OmicsInputError as error:
                _one_line(error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: Study documents: the schema's keys and some that are not, with any YAML values.
KEYS = st.sampled_from(["name", "description", "proteomics", "transcriptomics", "clinical",
                        "tables", "analysis", "subject_column", "chunk_mb", "reader", "table",
                        "samples", "design", "contrasts", "preprocess", "step", "method",
                        "!!python/object", "__class__", ""])
YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(),
              st.text(max_size=10), st.sampled_from(["/etc/passwd", "../../x", "~", "*"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12)


@FUZZ
@given(st.one_of(st.dictionaries(KEYS, YAML_VALUES, max_size=6).map(
    lambda d: yaml.safe_dump(d, allow_unicode=True)), st.text(max_size=80)))
def test_study_schema_succeeds_or_refuses_in_one_line(document):
    folder = _folder()
    try:
        study = folder / "study.yaml"
        study.write_text(document, encoding="utf-8", errors="surrogateescape")
        try:
            load_study(study)
        except OmicsInputError as error:
            _one_line(error)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SHEET = pd.DataFrame({"group": ["a", "a", "b", None], "dose": [1.0, 2.0, None, 4.0],
                      "reference": [False, True, False, False]},
                     index=["s1", "s2", "s3", "s4"])
EXPRESSION_TOKENS = st.sampled_from(
    ["group", "dose", "reference", "C(group)", "0", "1", "~", "+", "-", "*", ":", "(", ")",
     "==", "!=", "<", "in", "not", "and", "or", "'a'", "['a', 'b']", "[", "]", "2.5", "I(",
     "__import__('os')", ".system", "@x", "{", "}", "group[a]", "group[b]", "lambda", ","])


@FUZZ
@given(st.lists(EXPRESSION_TOKENS, max_size=8).map(" ".join))
def test_selections_formulas_and_contrasts_succeed_or_refuse_in_one_line(expression):
    for use in (lambda: select_samples(SHEET, expression),
                lambda: design_matrix(SHEET.iloc[:2], expression),
                lambda: contrast_matrix(["group[a]", "group[b]"], {"c": expression})):
        try:
            use()
        except OmicsInputError as error:
            _one_line(error)


INPUTS = ["proteomics_tmt.tsv", "proteomics_samples.csv", "clinical.csv",
          "rnaseq_cells_counts.tsv", "rnaseq_tumours_samples.csv"]


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(INPUTS), st.integers(1, 6), st.integers(1, 6), CELLS)
def test_ingest_succeeds_or_leaves_the_store_byte_identical(small_cohort,
                                                            _small_store_template, name,
                                                            line, column, value):
    folder = _folder()
    try:
        cohort = folder / "cohort"
        shutil.copytree(small_cohort.parent, cohort)
        store = shutil.copytree(_small_store_template, folder / "s.zarr")
        before = file_tree(store)
        path = cohort / name
        sep = "\t" if name.endswith(".tsv") else ","
        width = len(path.read_text().splitlines()[0].split(sep))
        replace_cell(path, line, min(column, width), value.replace(sep, " ").replace(
            "\n", " ").replace("\r", " "))
        try:
            ingest_study(cohort / "study.yaml", store)
        except OmicsInputError as error:
            _one_line(error)
            assert file_tree(store) == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)
