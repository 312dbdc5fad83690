"""Real public data sets as studies: read, validated and round-tripped through the store."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from omics.steps.ingest import ingest_study
from omics.store import open_table, open_transcriptomics
from tests.conftest import shared_data


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


def test_counts_in_either_orientation_give_the_same_anndata(tmp_path):
    from omics.io.counts import read_counts

    (tmp_path / "genes_by_samples.tsv").write_text("gene\ts1\ts2\nEGFR\t10\t3\nCBL\t0\t7\n")
    (tmp_path / "samples_by_genes.csv").write_text("sample,EGFR,CBL\ns2,3,7\ns1,10,0\n")
    (tmp_path / "sheet.csv").write_text("sample,group\ns1,a\ns2,b\n")
    wide = read_counts(tmp_path / "genes_by_samples.tsv", tmp_path / "sheet.csv")
    tall = read_counts(tmp_path / "samples_by_genes.csv", tmp_path / "sheet.csv")
    tall = tall[wide.obs_names]
    np.testing.assert_array_equal(wide.X, tall.X)
    assert tall.obs["group"].tolist() == ["a", "b"] and tall.X.dtype == np.int32


def test_h5ad_and_10x_folders_are_read(tmp_path):
    import anndata as ad
    import scipy.io
    import scipy.sparse

    from omics.io.expression import read_10x, read_h5ad

    adata = ad.AnnData(np.arange(6, dtype=np.float32).reshape(2, 3))
    adata.obs_names, adata.var_names = ["c1", "c2"], ["EGFR", "ANXA6", "CBL"]
    adata.write_h5ad(tmp_path / "x.h5ad")
    back = read_h5ad(tmp_path / "x.h5ad")
    assert back.var_names.tolist() == ["EGFR", "ANXA6", "CBL"] and back.X.sum() == 15
    folder = tmp_path / "tenx"  # Cell Ranger v3 layout: gzipped files
    folder.mkdir()
    raw = tmp_path / "raw.mtx"
    scipy.io.mmwrite(str(raw), scipy.sparse.coo_matrix(
        np.array([[1, 0], [0, 2], [3, 4]])))  # genes x barcodes
    (folder / "matrix.mtx.gz").write_bytes(gzip.compress(raw.read_bytes()))
    (folder / "features.tsv.gz").write_bytes(gzip.compress(
        b"ENSG00000146648\tEGFR\tGene Expression\nENSG00000197043\tANXA6\tGene Expression\n"
        b"ENSG00000110395\tCBL\tGene Expression\n"))
    (folder / "barcodes.tsv.gz").write_bytes(gzip.compress(b"AAAC-1\nAAAG-1\n"))
    cells = read_10x(folder)
    assert cells.shape == (2, 3) and cells.var_names.tolist() == ["EGFR", "ANXA6", "CBL"]
    assert cells.X.toarray().tolist() == [[1, 0, 3], [0, 2, 4]]
    from omics.errors import OmicsInputError

    with pytest.raises(OmicsInputError, match="found no matrix.mtx"):
        read_10x(tmp_path)
    (folder / "barcodes.tsv.gz").unlink()
    with pytest.raises(OmicsInputError, match="found an incomplete 10x folder"):
        read_10x(folder)


def test_ensembl_ids_are_mapped_to_symbols(tmp_path):
    from omics.io.expression import read_expression_matrix
    from omics.io.hgnc import HgncMap

    hgnc = HgncMap.from_table(shared_data("idmap/hgnc_entries.tsv.gz"))
    (tmp_path / "m.tsv").write_text("gene_id\ts1\ts2\ts3\nENSG00000146648\t1\t2\t3\n"
                                    "ENSG00000197043.12\t4\t5\t6\n")
    adata = read_expression_matrix(tmp_path / "m.tsv", orientation="features_by_samples",
                                   hgnc=hgnc)
    assert adata.var["symbol"].tolist() == ["EGFR", "ANXA6"]


def test_rppa_antibody_map_names_approved_hgnc_symbols():
    from omics.io.reference import rppa_antibodies

    hgnc = pd.read_csv(shared_data("idmap/hgnc_entries.tsv.gz"), sep="\t",
                       usecols=["Approved symbol"])
    approved = set(hgnc["Approved symbol"])
    table = rppa_antibodies()
    genes = {g for entry in table["genes"] for g in entry.split(";")}
    assert len(table) == 142 and genes <= approved
    phospho = table[table["modification"].str.startswith("p")]
    assert set(phospho["antibody"]) >= {"EGFR_pY1068", "EGFR_pY1173", "HER2_pY1248"}
