"""``omics network fetch`` against a local HTTP server on 127.0.0.1 serving release fixtures."""

from __future__ import annotations

import functools
import gzip
import hashlib
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
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
    assert "downloaded (unverified): 9606.protein.links.v12.0.txt.gz" in done.stdout
    assert "Not verified: STRING and BioGRID publish no checksums" in done.stdout
    missing = subprocess.run([*command, "--version", "11.5"], capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        f"error: {base}/string/protein.links.v11.5/9606.protein.links.v11.5.txt.gz: found HTTP "
        "404 File not found; expected the release file (check --version and --species)")


class _Hostile(BaseHTTPRequestHandler):
    """A mirror that cuts the body short of its Content-Length, or stalls."""

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"x" * 1000)
        self.wfile.flush()
        if "stall" in self.path:
            time.sleep(4)

    def log_message(self, *args):
        pass


@pytest.fixture
def hostile():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_short_body_is_refused_not_pinned(hostile, tmp_path):
    """A body shorter than Content-Length was accepted and pinned as "cached"."""
    with pytest.raises(OmicsInputError) as caught:
        fetch_release("string", "12.0", cache=tmp_path, base_url=f"{hostile}/cut")
    assert str(caught.value) == (
        f"{hostile}/cut/protein.links.v12.0/9606.protein.links.v12.0.txt.gz: found 1,000 bytes "
        "of the 100,000 the server announced (the download was cut short); expected the whole "
        "file (run the command again)")
    assert list((tmp_path / "string" / "12.0").iterdir()) == []


def test_stalled_server_is_one_line_after_the_timeout(hostile, tmp_path):
    command = [str(Path(sys.executable).with_name("omics")), "network", "fetch", "string",
               "--version", "12.0", "--cache", str(tmp_path), "--base-url", f"{hostile}/stall",
               "--timeout", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"error: {hostile}/stall/protein.links.v12.0/9606.protein.links.v12.0.txt.gz: found "
        "no data for 1 s after 1,000 bytes; expected a responsive download server (or "
        "--base-url of a mirror)")
    assert list((tmp_path / "string" / "12.0").iterdir()) == []


@pytest.mark.parametrize("version", ["../../x", "12.0/../../..", "..", "12..0", "/etc"])
def test_version_cannot_leave_the_cache(tmp_path, version):
    command = [str(Path(sys.executable).with_name("omics")), "network", "fetch", "string",
               "--version", version, "--cache", str(tmp_path / "c"), "--base-url",
               "http://127.0.0.1:9"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: --version: found {version!r}; expected a release number such as 12.0 or "
        "4.4.240 (digits, letters, '_', '-' and single dots)")
    assert list(tmp_path.iterdir()) == []


def test_archive_member_beyond_the_size_limit_is_not_extracted(mirror, tmp_path):
    base, _, _ = mirror
    cache = tmp_path / "c"
    with pytest.raises(OmicsInputError) as caught:
        fetch_release("biogrid", "4.4.240", 9606, cache=cache, base_url=f"{base}/biogrid",
                      max_extracted_bytes=100)
    assert "found member BIOGRID-ORGANISM-Homo_sapiens-4.4.240.tab3.txt larger than 100 " \
           "bytes; expected at most 100 bytes extracted" in str(caught.value)
    assert sorted(p.name for p in (cache / "biogrid" / "4.4.240").iterdir()) == [
        "BIOGRID-ORGANISM-4.4.240.tab3.zip", "SHA256SUMS"]
