"""Search-engine reports, HGNC mapping and GMT: real files from ../shared/data and
malformed inputs with their exact messages."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from omics.errors import OmicsInputError
from omics.io.gmt import read_gmt
from omics.io.hgnc import HgncMap
from omics.io.maxquant import read_maxquant_protein_groups
from omics.io.paw import read_paw
from omics.io.proteome_discoverer import read_pd_psms
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def hgnc() -> HgncMap:
    return HgncMap.from_table(shared_data("idmap/hgnc_entries.tsv.gz"))


def test_hgnc_maps_uniprot_ensembl_and_previous_symbols(hgnc):
    assert hgnc.symbols(["P00533", "P08133", "sp|P22681|CBL_HUMAN", "ENSG00000146648",
                         "ERBB1", "not-a-gene"]) == ["EGFR", "ANXA6", "CBL", "EGFR", "EGFR",
                                                     None]
    assert hgnc.group_symbol("P00533;P08133;P00533-2") == "EGFR;ANXA6"


def test_paw_report_of_pxd013277(hgnc):
    data = read_paw(shared_data("proteomics/PXD013277_grouped_protein_summary_TMT_9.txt"),
                    hgnc=hgnc)
    dropped = json.loads(data.attrs["dropped"])
    assert {k: len(v) for k, v in dropped.items()} == {"contaminant": 26, "reversed": 202}
    assert data.sizes == {"feature": 9931 - 228, "sample": 11}
    assert data["sample"].values.tolist()[:3] == ["126C", "127N", "127C"]
    human = data["feature"].to_series().str.contains("_HUMAN")
    assert human.sum() > 7000 and (data["gene"].values[human.to_numpy()] != "").mean() > 0.9
    assert np.isfinite(data["intensity"].values).mean() > 0.95


def test_maxquant_tmt_protein_groups():
    data = read_maxquant_protein_groups(
        shared_data("proteomics/msstatstmt_maxquant_proteinGroups_tmt.tsv"), quantity="reporter")
    assert data.sizes == {"feature": 8, "sample": 150}  # 15 runs x 10 channels
    assert data["sample"].values.tolist()[:2] == ["M1R1_0", "M1R1_1"]
    assert data.attrs["reader"] == "maxquant_protein_groups"
    ibaq = read_maxquant_protein_groups(
        shared_data("proteomics/msstatstmt_maxquant_proteinGroups_tmt.tsv"), quantity="ibaq")
    assert ibaq.sizes["sample"] == 15
    assert np.isnan(ibaq["intensity"].values).any()  # zeros became missing


def test_maxquant_tmt_evidence_summarised_to_proteins(hgnc):
    from omics.io.maxquant import read_maxquant_evidence

    path = shared_data("proteomics/msstatstmt_maxquant_evidence_tmt.tsv")
    summed = read_maxquant_evidence(path, hgnc=hgnc)
    assert summed.sizes == {"feature": 10, "sample": 150}
    median = read_maxquant_evidence(path, summary="median")
    both = np.isfinite(summed["intensity"].values)
    assert (median["intensity"].values[both] <= summed["intensity"].values[both] + 1e-6).all()
    assert summed.attrs["reader"] == "maxquant_evidence"


def test_maxquant_lfq_plasma_export_with_excel_metadata():
    """Niu et al. 2019 plasma LFQ: a pandas export of proteinGroups.txt (row index column,
    rows cut short) with an Excel sample sheet; 48 samples in five disease groups."""
    data = read_maxquant_protein_groups(
        shared_data("proteomics/niu2019_plasma_lfq_proteinGroups.txt.gz"), quantity="lfq",
        samples=shared_data("proteomics/niu2019_plasma_metadata.xlsx"))
    dropped = {k: len(v) for k, v in json.loads(data.attrs["dropped"]).items()}
    assert dropped == {"reverse": 37, "contaminant": 81, "only_identified_by_site": 84,
                       "no_quantity": 1453}
    assert data.sizes == {"feature": 2611 - sum(dropped.values()), "sample": 48}
    diseases = data["disease"].to_series().value_counts().to_dict()
    assert diseases == {"healthy": 10, "non-alcoholic fatty liver disease": 10,
                        "type 2 diabetes mellitus|non-alcoholic fatty liver disease": 10,
                        "liver cirrhosis": 10, "type 2 diabetes mellitus": 8}
    assert "EGFR" in set(data["gene"].values)  # ANXA6 is in the file but never quantified


def test_proteome_discoverer_psms_with_annotation(hgnc):
    data = read_pd_psms(shared_data("proteomics/msstatstmt_pd22_psm_tmt10.tsv"),
                        shared_data("proteomics/msstatstmt_pd22_annotation.tsv"), hgnc=hgnc)
    assert data.sizes == {"feature": 10, "sample": 50}  # 5 mixtures x 10 channels
    assert set(data["Mixture"].values) == {f"Mixture{i}" for i in range(1, 6)}
    median = read_pd_psms(shared_data("proteomics/msstatstmt_pd22_psm_tmt10.tsv"),
                          shared_data("proteomics/msstatstmt_pd22_annotation.tsv"),
                          summary="median")
    assert (median["intensity"].values <= data["intensity"].values + 1e-9).all()


def test_gene_sets_contain_the_egfr_downregulation_axis():
    reactome = read_gmt(shared_data("pathways/reactome_pathways.gmt"))
    assert len(reactome) == 2504
    egfr = [s for s in reactome.values() if s.description == "R-HSA-182971"][0]
    assert {"EGFR", "CBL", "UBC"} <= set(egfr.genes)
    kegg = read_gmt(shared_data("pathways/msigdb_c2_kegg_186.gmt"))
    assert len(kegg) == 186


def _paw(tmp_path, body: str, name: str = "paw.txt"):
    path = tmp_path / name
    path.write_text("PAW results\n\nProtGroup\tAccession\tFilter\tTotInt_126_x\tTotInt_127N_x\n"
                    + body)
    return path


@pytest.mark.parametrize(("body", "message"), [
    ("1\tP1\t \t10\tabc\n",
     "paw.txt:4:5: found 'abc' in column 'TotInt_127N_x'; expected a finite non-negative number"),
    ("1\tP1\t \t10\t-3\n",
     "paw.txt:4:5: found '-3' in column 'TotInt_127N_x'; expected a finite non-negative number"),
    ("1\tP1\t \t10\tInf\n",
     "paw.txt:4:5: found 'Inf' in column 'TotInt_127N_x'; expected a finite non-negative number"),
    ("1\tP1\t \t10\t5\n2\tP1\t \t1\t2\n",
     "paw.txt:5:2: found feature id 'P1' a second time; expected unique feature ids"),
    ("1\tP1\t \t10\n", "paw.txt:4: found 4 fields; expected 5 fields as in the header"),
])
def test_malformed_paw_reports_are_refused_with_their_location(tmp_path, body, message):
    with pytest.raises(OmicsInputError) as error:
        read_paw(_paw(tmp_path, body))
    assert str(error.value) == f"{tmp_path}/{message}"


def test_missing_preamble_header_and_truncated_gzip(tmp_path):
    path = tmp_path / "nohead.txt"
    path.write_text("PAW results\nno header here\n")
    with pytest.raises(OmicsInputError, match="found no line starting with 'ProtGroup'"):
        read_paw(path)
    broken = tmp_path / "pg.txt.gz"
    broken.write_bytes(gzip.compress(b"Protein IDs\tLFQ intensity A\nP1\t3\n" * 50)[:-20])
    with pytest.raises(OmicsInputError, match="found a truncated or corrupt gzip stream"):
        read_maxquant_protein_groups(broken, quantity="lfq")


def test_maxquant_refuses_unknown_quantity_and_absent_columns(tmp_path):
    path = tmp_path / "proteinGroups.txt"
    path.write_text("Protein IDs\tLFQ intensity A\nP1\t3\n")
    with pytest.raises(OmicsInputError) as error:
        read_maxquant_protein_groups(path, quantity="tmt")
    assert str(error.value) == ("quantity: found 'tmt'; expected one of reporter, lfq, "
                                "intensity, ibaq")
    with pytest.raises(OmicsInputError, match=r"found no reporter columns"):
        read_maxquant_protein_groups(path, quantity="reporter")


def test_pd_psms_with_a_run_missing_from_the_annotation(tmp_path):
    (tmp_path / "psm.txt").write_text("Master Protein Accessions\tSpectrum File\tAbundance: 126\n"
                                      "P1\tr1.raw\t5\nP1\tr2.raw\t6\n")
    (tmp_path / "ann.txt").write_text("Run\tChannel\tCondition\tMixture\tBioReplicate\n"
                                      "r1.raw\t126\tc\tM1\tB1\n")
    with pytest.raises(OmicsInputError) as error:
        read_pd_psms(tmp_path / "psm.txt", tmp_path / "ann.txt")
    assert str(error.value) == (f"{tmp_path / 'psm.txt'}:3:2: found run 'r2.raw'; expected a "
                                "Run listed in ann.txt")


def test_study_with_a_paw_report_round_trips_through_the_store(tmp_path):
    from omics.steps.ingest import ingest_study
    from omics.store import open_proteomics

    report = shared_data("proteomics/PXD013277_grouped_protein_summary_TMT_9.txt")
    hgnc_table = shared_data("idmap/hgnc_entries.tsv.gz")
    (tmp_path / "study.yaml").write_text(
        f"name: pxd013277\nproteomics: {{reader: paw, table: '{report}', hgnc: '{hgnc_table}'}}\n")
    store = ingest_study(tmp_path / "study.yaml", tmp_path / "s.zarr")
    data = open_proteomics(store)
    assert data.sizes == {"feature": 9703, "sample": 11}
    attrs = data["intensity"].attrs
    assert attrs["step"] == "reader:paw"
    files = [entry["file"] for entry in json.loads(attrs["source_files"])]
    assert files == [report.name, hgnc_table.name]
    assert json.loads(data.attrs["dropped"])["reversed"][0].startswith("REV")
    assert "EGFR" in set(data["gene"].values) or "ANXA6" in set(data["gene"].values)
