"""The reader registry: one options model per reader, other readers' keys refused."""

from __future__ import annotations

import pytest

from omics.errors import OmicsInputError
from omics.io.networks import NETWORK_OPTIONS
from omics.io.options import READER_OPTIONS
from omics.io.study import load_study
from tests.cli import run_omics


def test_every_reader_declares_its_options_and_read():
    assert sorted(READER_OPTIONS) == [
        "10x_mtx", "counts", "expression_matrix", "fragpipe_psm", "fragpipe_ptm_psm", "h5ad",
        "maxquant_evidence", "maxquant_protein_groups", "maxquant_ptm_evidence",
        "maxquant_sites", "msstats", "msstats_ptm", "paw", "proteome_discoverer_psm",
        "proteome_discoverer_ptm_psm", "table", "wide_table"]
    assert sorted(NETWORK_OPTIONS) == ["biogrid", "edges", "omnipath", "string", "string_links"]
    for model in READER_OPTIONS.values():
        assert model.__doc__ and ("read" in model.__dict__ or "read_sites" in model.__dict__), \
            model
        assert model.__module__.startswith("omics.io."), model
    from graphs.sources import NETWORK_READERS

    assert set(NETWORK_READERS) == set(NETWORK_OPTIONS)


@pytest.mark.parametrize(("yaml", "message"), [
    ("proteomics: {reader: paw, table: a.tsv, quantity: lfq}",
     "study.yaml: found key 'quantity' in proteomics, which the paw reader does not take; "
     "expected keys of the paw reader: reader, table, samples, hgnc"),
    ("proteomics: {table: a.tsv}",
     "study.yaml: found no 'samples' in proteomics; expected 'samples', which the wide_table "
     "reader needs"),
    ("proteomics: {reader: pow, table: a.tsv}",
     "study.yaml: found reader 'pow' in proteomics; expected one of 'fragpipe_psm', "
     "'maxquant_protein_groups', 'maxquant_evidence', 'msstats', 'paw', "
     "'proteome_discoverer_psm', 'wide_table'"),
    ("transcriptomics: {tumours: {reader: h5ad, table: t.h5ad, orientation: auto}}",
     "study.yaml: found key 'orientation' in transcriptomics.tumours, which the h5ad reader "
     "does not take; expected keys of the h5ad reader: reader, table, scale"),
    ("analysis: {network: {networks: [{format: omnipath, path: o.tsv, min_score: 0.9}]}}",
     "study.yaml: found key 'min_score' in analysis.network.networks.0, which the omnipath "
     "format does not take; expected keys of the omnipath format: format, path"),
])
def test_keys_of_another_reader_are_refused_in_one_line(tmp_path, yaml, message):
    path = tmp_path / "study.yaml"
    path.write_text(f"name: x\n{yaml}\n")
    with pytest.raises(OmicsInputError) as caught:
        load_study(path)
    assert str(caught.value) == f"{path.parent}/{message}"
    done = run_omics("validate", path)
    assert (done.returncode, done.stderr.strip()) == (2, f"error: {path.parent}/{message}")


def test_defaults_and_paths_resolve_per_reader(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("name: x\nproteomics: {table: p.tsv, samples: s.csv}\n"
                    "transcriptomics: {rna: {table: c.tsv, samples: r.csv}}\n"
                    "analysis: {network: {networks: [{format: string_links, path: l.txt, "
                    "info: i.txt}]}}\n")
    study = load_study(path)
    assert study.proteomics.reader == "wide_table"
    assert study.transcriptomics["rna"].reader == "counts"
    assert study.proteomics.files() == [tmp_path / "p.tsv", tmp_path / "s.csv"]
    network = study.analysis.network.networks[0]
    assert network.files() == [tmp_path / "l.txt", tmp_path / "i.txt"]
