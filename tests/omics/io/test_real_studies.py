"""Real public data sets as studies: read, validated and round-tripped through the store."""

from __future__ import annotations

import numpy as np
import pytest

from omics.ingest import ingest_study, validate_study
from omics.store import open_table, open_transcriptomics
from tests.conftest import shared_data


def test_gse1992_expression_and_survival_as_one_study(tmp_path):
    table = shared_data("transcriptomics_clinical/gse1992_breast_expression_survival.csv.gz")
    (tmp_path / "study.yaml").write_text(f"""
name: gse1992
transcriptomics:
  tumours: {{reader: expression_matrix, table: '{table}', value_prefix: num_HS_}}
clinical:
  table: '{table}'
  id_column: pid
  keep_columns: [event, time, num_age, fac_er_positive]
  columns:
    time: {{unit: months}}
    num_age: {{unit: years, minimum: 18}}
  survival: [[time, event]]
""")
    report = validate_study(tmp_path / "study.yaml")
    assert report == [{"input": "transcriptomics/tumours", "reader": "expression_matrix",
                       "shape": (124, 15528)},
                      {"input": "clinical", "reader": "table", "shape": (124, 5)}]
    store = ingest_study(tmp_path / "study.yaml", tmp_path / "s.zarr")
    expression = open_transcriptomics(store, "tumours")
    clinical = open_table(store, "clinical")
    assert expression.shape == (124, 15528) and "ANXA6" in expression.var_names
    assert clinical["event"].sum() == 35
    assert list(clinical.index) == list(expression.obs_names)


def test_tcga_breast_multi_omics_as_one_study(tmp_path):
    folder = shared_data("transcriptomics_clinical/tcga_brca_mixomics/data.train_mrna.csv").parent
    (tmp_path / "study.yaml").write_text(f"""
name: tcga-brca
transcriptomics:
  mrna: {{reader: expression_matrix, table: '{folder / "data.train_mrna.csv"}'}}
  mirna: {{reader: expression_matrix, table: '{folder / "data.train_mirna.csv"}'}}
  rppa: {{reader: expression_matrix, table: '{folder / "data.train_protein.csv"}',
          orientation: samples_by_features}}
clinical:
  table: '{folder / "data.train_subtype.csv"}'
  id_column: sample
  categories: {{subtype: [Basal, Her2, LumA]}}
""")
    store = ingest_study(tmp_path / "study.yaml", tmp_path / "s.zarr")
    shapes = {m: open_transcriptomics(store, m).shape for m in ("mrna", "mirna", "rppa")}
    assert shapes == {"mrna": (150, 200), "mirna": (150, 184), "rppa": (150, 142)}
    rppa = open_transcriptomics(store, "rppa")
    assert "EGFR" in rppa.var_names and "EGFR_pY1068" in rppa.var_names
    assert (rppa.X < 0).any()  # RPPA values are centred: negatives kept
    subtype = open_table(store, "clinical")["subtype"]
    assert subtype.value_counts().to_dict() == {"Basal": 45, "Her2": 30, "LumA": 75}
    assert np.isfinite(open_transcriptomics(store, "mrna").X).all()


def test_orientation_is_checked_against_the_sample_sheet(tmp_path):
    from omics.errors import OmicsInputError
    from omics.io.expression import read_expression_matrix

    (tmp_path / "m.csv").write_text("gene,s1,s2\nEGFR,1,2\nCBL,3,4\nANXA6,5,6\n")
    (tmp_path / "samples.csv").write_text("sample,group\ns1,a\ns2,b\n")
    adata = read_expression_matrix(tmp_path / "m.csv", tmp_path / "samples.csv")
    assert adata.obs_names.tolist() == ["s1", "s2"] and adata.obs["group"].tolist() == ["a", "b"]
    (tmp_path / "other.csv").write_text("sample,group\nx1,a\n")
    with pytest.raises(OmicsInputError) as caught:
        read_expression_matrix(tmp_path / "m.csv", tmp_path / "other.csv")
    assert str(caught.value) == (f"{tmp_path}/m.csv:1: found neither its rows nor its columns "
                                 "all listed in other.csv; expected sample ids as row names or "
                                 "as column names")
