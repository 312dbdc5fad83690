"""BioGRID TAB3 and STRING release-file loaders on fixtures, HGNC relabelling on the real HGNC
table, and layer merging."""

from __future__ import annotations

import gzip

import networkx as nx
import pytest

from graphs.biogrid import read_biogrid
from graphs.identifiers import map_to_symbols
from graphs.merge import merge_layers
from graphs.sources import read_network
from graphs.string_db import read_string_links
from omics.errors import OmicsInputError
from omics.io.hgnc import HgncMap
from tests.conftest import shared_data

BIOGRID_HEADER = [
    "#BioGRID Interaction ID", "Entrez Gene Interactor A", "Entrez Gene Interactor B",
    "BioGRID ID Interactor A", "BioGRID ID Interactor B", "Systematic Name Interactor A",
    "Systematic Name Interactor B", "Official Symbol Interactor A",
    "Official Symbol Interactor B", "Synonyms Interactor A", "Synonyms Interactor B",
    "Experimental System", "Experimental System Type", "Author", "Publication Source",
    "Organism ID Interactor A", "Organism ID Interactor B", "Throughput", "Score",
    "Modification", "Qualifications", "Tags", "Source Database"]


def _biogrid_row(i, a, b, system, kind, pubmed, org_a="9606", org_b="9606",
                 throughput="Low Throughput"):
    return [str(i), "1", "2", "3", "4", "-", "-", a, b, "-", "-", system, kind, "Author",
            f"PUBMED:{pubmed}", org_a, org_b, throughput, "-", "-", "-", "-", "BIOGRID"]


@pytest.fixture
def biogrid_file(tmp_path):
    rows = [BIOGRID_HEADER,
            _biogrid_row(1, "CBL", "EGFR", "Affinity Capture-Western", "physical", 11),
            _biogrid_row(2, "EGFR", "CBL", "Reconstituted Complex", "physical", 12),
            _biogrid_row(3, "EGFR", "CBL", "Affinity Capture-Western", "physical", 11,
                         throughput="High Throughput"),
            _biogrid_row(4, "EGFR", "GRB2", "Two-hybrid", "physical", 13),
            _biogrid_row(5, "EGFR", "KRAS", "Synthetic Lethality", "genetic", 14),
            _biogrid_row(6, "EGFR", "Egfr", "Two-hybrid", "physical", 15, org_b="10090"),
            _biogrid_row(7, "UBC", "UBC", "Affinity Capture-MS", "physical", 16)]
    path = tmp_path / "BIOGRID-ORGANISM-Homo_sapiens-4.4.240.tab3.txt"
    path.write_text("".join("\t".join(r) + "\n" for r in rows))
    return path


def test_biogrid_aggregates_rows_per_pair(biogrid_file):
    graph = read_biogrid(biogrid_file, version="4.4.240")
    assert sorted(map(sorted, graph.edges)) == [["CBL", "EGFR"], ["EGFR", "GRB2"]]
    edge = graph.edges["CBL", "EGFR"]
    assert edge == {"evidence": "database", "source": "BioGRID 4.4.240",
                    "systems": "Affinity Capture-Western;Reconstituted Complex",
                    "publications": 2, "low_throughput": True}
    genetic = read_biogrid(biogrid_file, system_type="genetic")
    assert list(genetic.edges) == [("EGFR", "KRAS")]
    assert read_biogrid(biogrid_file, species=10090).number_of_edges() == 0


def test_biogrid_without_its_columns_is_a_clear_error(tmp_path):
    path = tmp_path / "not_biogrid.txt"
    path.write_text("a\tb\nEGFR\tCBL\n")
    with pytest.raises(OmicsInputError) as caught:
        read_biogrid(path)
    assert str(caught.value) == (f"{path}:1: found columns ['a', 'b']; expected a BioGRID TAB3 "
                                 "'Official Symbol Interactor A' column")


@pytest.fixture
def string_release(tmp_path):
    links = tmp_path / "9606.protein.links.v12.0.txt.gz"
    with gzip.open(links, "wt") as handle:
        handle.write("protein1 protein2 combined_score\n"
                     "9606.ENSP00000275493 9606.ENSP00000264033 999\n"
                     "9606.ENSP00000264033 9606.ENSP00000275493 999\n"
                     "9606.ENSP00000275493 9606.ENSP00000354558 950\n"   # EGFR - ANXA6 (alias)
                     "9606.ENSP00000275493 9606.ENSP00000999999 900\n"   # unnamed protein
                     "9606.ENSP00000264033 9606.ENSP00000340989 400\n")  # below threshold
    info = tmp_path / "9606.protein.info.v12.0.txt.gz"
    with gzip.open(info, "wt") as handle:
        handle.write("#string_protein_id\tpreferred_name\tprotein_size\tannotation\n"
                     "9606.ENSP00000275493\tEGFR\t1210\tEpidermal growth factor receptor\n"
                     "9606.ENSP00000264033\tCBL\t906\tE3 ubiquitin-protein ligase CBL\n"
                     "9606.ENSP00000340989\tUBC\t685\tPolyubiquitin-C\n")
    aliases = tmp_path / "9606.protein.aliases.v12.0.txt.gz"
    with gzip.open(aliases, "wt") as handle:
        handle.write("#string_protein_id\talias\tsource\n"
                     "9606.ENSP00000354558\tP08133\tUniProt_AC\n"
                     "9606.ENSP00000354558\tANXA6\tEnsembl_HGNC_symbol\n")
    return links, info, aliases


def test_string_release_files_named_through_info_and_aliases(string_release):
    links, info, aliases = string_release
    graph = read_string_links(links, info=info, aliases=aliases, min_score=0.7, version="12.0")
    assert sorted(map(sorted, graph.edges)) == [["9606.ENSP00000999999", "EGFR"],
                                                ["ANXA6", "EGFR"], ["CBL", "EGFR"]]
    assert graph.edges["CBL", "EGFR"]["score"] == pytest.approx(0.999)
    assert graph.edges["ANXA6", "EGFR"]["source"] == "STRING 12.0"
    same = read_network(links, "string_links", min_score=0.7, info=info, aliases=aliases)
    assert nx.utils.edges_equal(same.edges, graph.edges)


def test_string_release_with_a_bad_score_names_the_line(tmp_path):
    links = tmp_path / "links.txt"
    links.write_text("protein1 protein2 combined_score\nA B 900\nA C high\n")
    with pytest.raises(OmicsInputError) as caught:
        read_string_links(links)
    assert str(caught.value) == (f"{links}:3:3: found 'high' in column 'combined_score'; "
                                 "expected an integer score from 0 to 1000")


def test_hgnc_mapping_of_edges_on_the_real_table():
    hgnc = HgncMap.from_table(shared_data("idmap/hgnc_entries.tsv.gz"))
    graph = nx.Graph([("P00533", "P22681", {"score": 0.99}),     # EGFR - CBL by UniProt
                      ("ERBB1", "CBL", {"score": 0.95}),           # alias of EGFR
                      ("P08133", "ENSG00000146648", {"score": 0.9}),  # ANXA6 - EGFR (Ensembl)
                      ("NOT_A_GENE", "CBL", {"score": 0.8})])
    mapped = map_to_symbols(graph, hgnc)
    assert sorted(map(sorted, mapped.edges)) == [["ANXA6", "EGFR"], ["CBL", "EGFR"]]
    assert mapped.edges["CBL", "EGFR"]["score"] == 0.99  # the best of the merged edges
    assert mapped.graph["unmapped_nodes"] == ["NOT_A_GENE"]


def test_merge_keeps_each_layers_evidence(biogrid_file):
    axis = nx.Graph([("CBL", "EGFR", {"evidence": "curated", "sign": -1})], name="axis")
    string = nx.Graph([("CBL", "EGFR", {"score": 0.999, "evidence": "database",
                                        "source": "STRING 12.0"})], name="STRING")
    omnipath = nx.DiGraph([("EGFR", "CBL", {"sign": 1, "evidence": "database",
                                            "source": "OmniPath"})], name="OmniPath")
    merged = merge_layers(axis, string, read_biogrid(biogrid_file), omnipath)
    edge = merged.edges["CBL", "EGFR"]
    assert edge["evidence"] == "curated;database"
    assert edge["sources"] == "axis;STRING 12.0;BioGRID;OmniPath"
    assert (edge["string_score"], edge["biogrid_publications"], edge["omnipath_sign"],
            edge["sign"], edge["score"]) == (0.999, 2, 1, -1, 0.999)
    assert merged.edges["EGFR", "GRB2"]["sources"] == "BioGRID"
