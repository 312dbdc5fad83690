"""PTM readers on the real MSstatsPTM exports in ``../shared/data/ptm`` and on hand-made files
of the formats none of them covers; malformed files fail in one line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from omics.errors import OmicsInputError
from omics.io import read
from omics.io.fragpipe import read_fragpipe_psms, read_fragpipe_ptm_psms
from omics.io.msstats import read_msstats
from omics.io.ptm_maxquant import read_maxquant_ptm_evidence, read_maxquant_sites
from omics.io.ptm_pd import read_pd_ptm_psms
from omics.io.ptm_sites import localise, read_fasta
from tests.conftest import shared_data

PTM = "ptm/msstatsptm_"


def test_maxquant_evidence_sites_of_a_phospho_run():
    evidence = shared_data(PTM + "maxq_tmt_evidence.tsv")
    ds = read_maxquant_ptm_evidence(evidence, shared_data(PTM + "maxq_tmt_annotation.tsv"))
    # 199 PSMs: 4 without a phospho candidate, 54 with a site below 0.75, 141 kept -> 40 sites
    assert json.loads(ds.attrs["dropped"]) == {"unmodified": 4, "not_localised": 54}
    assert ds.attrs["n_psms"] == 141 and ds.sizes == {"feature": 40, "sample": 10}
    assert ds.attrs["positions"] == "peptide"  # no FASTA: positions within the peptide
    site = "Q96MW1:AALLAQYADVTDEEDEADEK_T11"
    assert ds["protein"].sel(feature=site).item() == "Q96MW1"
    # the site's channel-1 value is the sum of its localised PSMs' reporter 1 over 3 runs
    raw = pd.read_csv(evidence, sep="\t")
    psms = raw[(raw["Sequence"] == "AALLAQYADVTDEEDEADEK")
               & raw["Phospho..STY..Probabilities"].map(
                   lambda s: isinstance(s, str) and localise(s).probabilities[0] >= 0.75)]
    expected = psms["Reporter.intensity.corrected.1"].replace(0, np.nan).sum()
    assert ds["intensity"].sel(feature=site, sample="Mixture1_1").item() == expected
    assert ds["Condition"].sel(sample="Mixture1_1").item() == "yeast_04x"


def test_maxquant_evidence_with_fasta_gives_protein_positions(tmp_path):
    fasta = tmp_path / "p.fasta"
    fasta.write_text(">sp|Q96MW1|CCD43_HUMAN\nMSEEAAALLAQYADVTDEEDEADEKGG\n")
    ds = read_maxquant_ptm_evidence(shared_data(PTM + "maxq_tmt_evidence.tsv"),
                                    shared_data(PTM + "maxq_tmt_annotation.tsv"), fasta=fasta)
    # AALLAQY... starts at residue 6, so its T11 is T16; every other protein is absent
    assert ds["feature"].values.tolist() == ["Q96MW1_T16"]
    assert ds.attrs["positions"] == "protein"
    assert json.loads(ds.attrs["dropped"])["peptide_not_in_fasta"] == 132  # 141 - its 9


def test_fragpipe_phospho_and_global_runs():
    ptm = read_fragpipe_ptm_psms(shared_data(PTM + "fragpipe_input.tsv"),
                                 shared_data(PTM + "fragpipe_annotation.tsv"))
    assert ptm.sizes == {"feature": 115, "sample": 20}
    assert json.loads(ptm.attrs["dropped"]) == {"not_localised": 92}
    # RRHSHSHSPMSTR starts at 92; PTMProphet puts its two phosphates on S6 and S8
    site = ptm.sel(feature="P62995_S97_S99")
    assert (site["protein"].item(), site["residues"].item(), site["positions"].item()) == \
        ("P62995", "S;S", "97;99")
    proteins = read_fragpipe_psms(shared_data(PTM + "fragpipe_input_protein.tsv"),
                                  shared_data(PTM + "fragpipe_annotation_protein.tsv"))
    assert proteins.sizes == {"feature": 9, "sample": 20}
    assert list(proteins["sample"].values) == list(ptm["sample"].values)
    linked = set(ptm["protein"].values) & set(proteins["feature"].values)
    assert len(linked) == 8  # 8 of the 9 global-run proteins have localised phosphosites


def test_msstats_long_format_sites_and_proteins():
    sites = read_msstats(shared_data(PTM + "sim_tmt_ptm.tsv"), level="site")
    proteins = read_msstats(shared_data(PTM + "sim_tmt_protein.tsv.gz"))
    assert sites.sizes == {"feature": 90, "sample": 22}
    assert proteins.sizes == {"feature": 85, "sample": 22}
    assert set(sites["sample"].values) == set(proteins["sample"].values)
    assert sites["protein"].sel(feature="Protein_12_S703").item() == "Protein_12"
    # 89 of the 90 sites (76 of their 77 proteins) have their protein in the global run
    assert np.isin(sites["protein"].values, proteins["feature"].values).sum() == 89


def test_maxquant_sites_table_and_registry_options(tmp_path):
    table = tmp_path / "GlyGly (K)Sites.txt"
    table.write_text(
        "Protein\tPosition\tAmino acid\tLocalization prob\tGene names\tReverse\t"
        "Potential contaminant\tReporter intensity corrected 1 E1___1\t"
        "Reporter intensity corrected 1 E1___2\tReporter intensity corrected 2 E1___1\n"
        "P00533\t754\tK\t0.99\tEGFR\t\t\t10\t5\t20\n"
        "P00533\t757\tK\t0.60\tEGFR\t\t\t1\t1\t1\n"
        "REV__P1\t3\tK\t1\t\t+\t\t1\t1\t1\n")
    ds = read_maxquant_sites(table, min_probability=0.75)
    assert ds["sample"].values.tolist() == ["E1_1", "E1_2"]
    assert ds["intensity"].values.tolist() == [[15.0, 20.0]]
    assert json.loads(ds.attrs["dropped"]) == {"reverse": 1, "not_localised": 1}
    adata = read("maxquant_sites", table, min_probability=0.5)
    assert adata.var_names.tolist() == ["P00533_K754", "P00533_K757"]
    assert adata.var["protein"].tolist() == ["P00533", "P00533"]


def test_pd_ptm_psms_with_ptmrs(tmp_path):
    psms = tmp_path / "psms.txt"
    psms.write_text(
        "Annotated Sequence\tModifications\tptmRS: Best Site Probabilities\t"
        "Master Protein Accessions\tPositions in Master Proteins\tSpectrum File\t"
        "Abundance: 126\tAbundance: 127N\n"
        "[R].LLGAEEKEYHAEGGK.[V]\tN-Term(TMT6plex); K7(GG)\tK7(GG): 98.5\tP00533\t"
        "P00533 [748-762]\tr1.raw\t10\t20\n"
        "[R].LLGAEEKEYHAEGGK.[V]\tK7(GG)\tK7(GG): 97; K15(GG): 3\tP00533\t"
        "P00533 [748-762]\tr1.raw\t1\t2\n"
        "[R].SAKSPK.[V]\tS1(Phospho); K3(GG)\tK3(GG): 60; K6(GG): 40\tP12345\t"
        "P12345 [10-15]\tr1.raw\t1\t2\n")
    annotation = tmp_path / "ann.txt"
    annotation.write_text("Run\tChannel\tCondition\tMixture\tBioReplicate\n"
                          "r1\t126\tsens\tM1\tS1\nr1\t127N\tres\tM1\tR1\n")
    ds = read_pd_ptm_psms(psms, annotation, modification="ubiquitin")
    assert ds["feature"].values.tolist() == ["P00533_K754"]
    assert ds["intensity"].values.tolist() == [[11.0, 22.0]]
    assert json.loads(ds.attrs["dropped"]) == {"not_localised": 1}


def test_a_tied_localisation_goes_n_terminal():
    assert localise("PEPS(0.5)T(0.5)K").offsets == (4,)  # a tie goes N-terminal


@pytest.mark.parametrize("case", ["no_run", "no_localisation", "no_ptmrs", "bad_site",
                                  "bad_fasta", "bad_probability"])
def test_malformed_ptm_files_fail_in_one_line(tmp_path, case):
    annotation = tmp_path / "ann.tsv"
    annotation.write_text("Run\tChannel\tCondition\tMixture\tBioReplicate\n"
                          "f1\t126\tsens\tM1\tS1\n")
    psm = tmp_path / "psm.tsv"
    header = "Spectrum File\tProtein ID\tGene\tProtein Start\tSTY:79.9663\tChannel 126\n"
    if case == "no_run":
        psm.write_text(header + "f1.mzML\tP1\tA\t3\tS(1)K\t5\nf9.mzML\tP1\tA\t3\tS(1)K\t5\n")
        call, message = (lambda: read_fragpipe_ptm_psms(psm, annotation),
                         f"{psm}:3:1: found run 'f9.mzML'; expected a Run listed in ann.tsv")
    elif case == "no_localisation":
        psm.write_text(header.replace("STY:79.9663", "M:15.9949") + "f1\tP1\tA\t3\tM(1)K\t5\n")
        call, message = (lambda: read_fragpipe_ptm_psms(psm, annotation),
                         f"{psm}:1: found no localisation column of 'phospho' (columns "
                         "['M:15.9949']); expected a PTMProphet column such as 'STY:79.9663'")
    elif case == "no_ptmrs":
        psm.write_text("Annotated Sequence\tModifications\tMaster Protein Accessions\t"
                       "Spectrum File\tAbundance: 126\n[K].SK.[A]\tS1(Phospho)\tP1\tf1\t3\n")
        call, message = (lambda: read_pd_ptm_psms(psm, annotation),
                         f"{psm}:1: found no 'ptmRS: Best Site Probabilities' column; expected "
                         "ptmRS localisation, or min_probability: 0 to accept the search "
                         "engine's placement")
    elif case == "bad_site":
        psm.write_text("ProteinName\tPeptideSequence\tCharge\tPSM\tMixture\tRun\tChannel\t"
                       "Condition\tBioReplicate\tIntensity\nP1_S5\tSK\t2\tp\t1\tf1\t126\ts\t"
                       "s1\t5\nP2\tSK\t2\tp\t1\tf1\t126\ts\ts1\t5\n")
        call, message = (lambda: read_msstats(psm, level="site"),
                         f"{psm}:3:1: found ProteinName 'P2' without a site; expected a site "
                         "name such as 'Protein_12_S703'")
    elif case == "bad_fasta":
        psm.write_text("MSEEK\n>sp|P1|X\nMK\n")
        call, message = (lambda: read_fasta(psm),
                         f"{psm}:1: found sequence 'MSEEK' before any header; expected a "
                         "'>accession' header first")
    else:
        psm.write_text(header + "f1\tP1\tA\t3\tS(1)K\tlots\n")
        call, message = (lambda: read_fragpipe_ptm_psms(psm, annotation),
                         f"{psm}:2:6: found 'lots'")
    with pytest.raises(OmicsInputError) as error:
        call()
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
