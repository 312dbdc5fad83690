"""``omics network fetch`` against a local HTTP server on 127.0.0.1 serving release fixtures."""

from __future__ import annotations

import functools
import gzip
import hashlib
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graphs.biogrid import read_biogrid
from graphs.fetch import fetch_release
from graphs.string_db import read_string_links
from omics.errors import OmicsInputError


class _Recording(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802 - http.server's name
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):  # keep pytest output quiet
        pass


@pytest.fixture
def mirror(tmp_path):
    """A STRING- and BioGRID-shaped download tree served on a free 127.0.0.1 port."""
    root = tmp_path / "site"
    for kind, text in [("links", "protein1 protein2 combined_score\n9606.P1 9606.P2 999\n"),
                       ("info", "#string_protein_id\tpreferred_name\n9606.P1\tEGFR\n"
                                "9606.P2\tCBL\n"),
                       ("aliases", "#string_protein_id\talias\tsource\n")]:
        folder = root / "string" / f"protein.{kind}.v12.0"
        folder.mkdir(parents=True)
        with gzip.open(folder / f"9606.protein.{kind}.v12.0.txt.gz", "wt") as handle:
            handle.write(text)
    folder = root / "biogrid" / "BIOGRID-4.4.240"
    folder.mkdir(parents=True)
    header = ("Official Symbol Interactor A\tOfficial Symbol Interactor B\tExperimental System\t"
              "Experimental System Type\tPublication Source\tOrganism ID Interactor A\t"
              "Organism ID Interactor B\n")
    with zipfile.ZipFile(folder / "BIOGRID-ORGANISM-4.4.240.tab3.zip", "w") as bundle:
        bundle.writestr("BIOGRID-ORGANISM-Homo_sapiens-4.4.240.tab3.txt",
                        header + "CBL\tEGFR\tAffinity Capture-Western\tphysical\tPUBMED:1\t9606\t"
                                 "9606\n")
    handler = type("Handler", (_Recording,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler.requests, root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_string_release_downloaded_verified_and_cached(mirror, tmp_path):
    base, requests, root = mirror
    cache = tmp_path / "cache"
    links_on_server = root / "string/protein.links.v12.0/9606.protein.links.v12.0.txt.gz"
    files = fetch_release("string", "12.0", 9606, cache=cache, base_url=f"{base}/string",
                          sha256={links_on_server.name: _sha(links_on_server)})
    assert set(files) == {"links", "info", "aliases"}
    assert len(requests) == 3
    sums = (cache / "string" / "12.0" / "SHA256SUMS").read_text().splitlines()
    assert f"{_sha(links_on_server)}  {links_on_server.name}" in sums
    graph = read_string_links(files["links"], info=files["info"], aliases=files["aliases"])
    assert list(graph.edges) == [("EGFR", "CBL")]
    fetch_release("string", "12.0", 9606, cache=cache, base_url=f"{base}/string")
    assert len(requests) == 3  # served from the cache
    files["info"].write_bytes(b"corrupted")
    fetch_release("string", "12.0", 9606, cache=cache, base_url=f"{base}/string")
    assert requests[3:] == ["/string/protein.info.v12.0/9606.protein.info.v12.0.txt.gz"]
    assert _sha(files["info"]) == _sha(root / "string/protein.info.v12.0" / files["info"].name)


def test_checksum_mismatch_keeps_nothing(mirror, tmp_path):
    base, _, _ = mirror
    cache = tmp_path / "cache"
    name = "9606.protein.links.v12.0.txt.gz"
    with pytest.raises(OmicsInputError) as caught:
        fetch_release("string", "12.0", cache=cache, base_url=f"{base}/string",
                      sha256={name: "0" * 64})
    assert str(caught.value).startswith(f"{base}/string/protein.links.v12.0/{name}: found "
                                        "sha256 ")
    assert str(caught.value).endswith(f"; expected sha256 {'0' * 64}")
    assert list((cache / "string" / "12.0").iterdir()) == []


def test_biogrid_release_extracted_for_the_species(mirror, tmp_path):
    base, _, _ = mirror
    files = fetch_release("biogrid", "4.4.240", 9606, cache=tmp_path / "c",
                          base_url=f"{base}/biogrid")
    assert files["tab3"].name == "BIOGRID-ORGANISM-Homo_sapiens-4.4.240.tab3.txt"
    assert list(read_biogrid(files["tab3"]).edges) == [("CBL", "EGFR")]


def test_cli_fetch_and_missing_release(mirror, tmp_path):
    base, _, _ = mirror
    command = [str(Path(sys.executable).with_name("omics")), "network", "fetch", "string",
               "--species", "9606", "--cache", str(tmp_path / "c"), "--base-url", f"{base}/string"]
    done = subprocess.run([*command, "--version", "12.0"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "downloaded: 9606.protein.links.v12.0.txt.gz" in done.stdout
    missing = subprocess.run([*command, "--version", "11.5"], capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        f"error: {base}/string/protein.links.v11.5/9606.protein.links.v11.5.txt.gz: found HTTP "
        "404 File not found; expected the release file (check --version and --species)")
