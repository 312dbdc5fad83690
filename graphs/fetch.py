"""Download interaction-database release files into a local cache, with sha256 verification.

STRING and BioGRID publish no checksums of their own, so verification works in two ways:
an expected ``sha256`` given by the user (e.g. from a colleague's cache or a lab registry) is
checked before the file is accepted, and every accepted file's sha256 is recorded in the
cache's ``SHA256SUMS``; a cached file that no longer matches it is downloaded again. A file
fetched without an expected digest is reported as ``downloaded (unverified)``. Files are
downloaded to a temporary name and renamed into place only when complete (as long as the
server's ``Content-Length``) and verified. Versions are checked before any path is built
from them, archives are extracted within a size limit, and a server that stalls for
``timeout`` seconds is a one-line error.

Examples
--------
>>> [url.rsplit("/", 1)[1] for url in release_urls("string", "12.0", 9606)]
['9606.protein.links.v12.0.txt.gz', '9606.protein.info.v12.0.txt.gz', \
'9606.protein.aliases.v12.0.txt.gz']
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

from omics.errors import OmicsInputError
from omics.store.atomic import replaced_on_success, write_atomically

__all__ = ["DEFAULT_BASE_URLS", "MAX_EXTRACTED_BYTES", "check_version", "default_cache",
           "fetch_release", "release_urls"]

DEFAULT_BASE_URLS = {
    "string": "https://stringdb-downloads.org/download",
    "biogrid": "https://downloads.thebiogrid.org/Download/BioGRID/Release-Archive",
}
_BIOGRID_ORGANISMS = {9606: "Homo_sapiens", 10090: "Mus_musculus", 10116: "Rattus_norvegicus"}
_CHUNK = 1 << 20
_VERSION = re.compile(r"[0-9][0-9A-Za-z_-]*(\.[0-9A-Za-z_-]+)*")

#: Largest file taken out of a release archive (BioGRID's human TAB3 is about 1 GB).
MAX_EXTRACTED_BYTES = 8 * 2**30


def default_cache() -> Path:
    """``$OMICS_CACHE`` or ``~/.cache/omics-axis``, plus ``networks``."""
    return Path(os.environ.get("OMICS_CACHE", Path.home() / ".cache" / "omics-axis")) / "networks"


def check_version(version: str) -> str:
    """``version`` when it is a release number (``12.0``, ``4.4.240``): digits, letters,
    ``_``/``-`` and single dots, so that it can never name a path outside the cache.

    Examples
    --------
    >>> check_version("4.4.240")
    '4.4.240'
    >>> check_version("../../x")
    Traceback (most recent call last):
    omics.errors.OmicsInputError: --version: found '../../x'; expected a release number such \
as 12.0 or 4.4.240 (digits, letters, '_', '-' and single dots)
    """
    if not _VERSION.fullmatch(version) or len(version) > 40:
        raise OmicsInputError("--version", repr(version[:40]),
                              "a release number such as 12.0 or 4.4.240 (digits, letters, "
                              "'_', '-' and single dots)")
    return version


def release_urls(database: str, version: str, species: int, base_url: str | None = None
                 ) -> list[str]:
    """The release files of ``database`` (``string`` or ``biogrid``) for ``species``."""
    check_version(version)
    base = (base_url or DEFAULT_BASE_URLS.get(database, "")).rstrip("/")
    if database == "string":
        return [f"{base}/protein.{kind}.v{version}/{species}.protein.{kind}.v{version}.txt.gz"
                for kind in ("links", "info", "aliases")]
    if database == "biogrid":
        return [f"{base}/BIOGRID-{version}/BIOGRID-ORGANISM-{version}.tab3.zip"]
    raise OmicsInputError("database", repr(database), "string or biogrid")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _read_sums(folder: Path) -> dict[str, str]:
    sums = folder / "SHA256SUMS"
    if not sums.exists():
        return {}
    return {name: digest for digest, name in
            (line.split(None, 1) for line in sums.read_text().splitlines() if line.strip())}


def _write_sums(folder: Path, sums: dict[str, str]) -> None:
    write_atomically(folder / "SHA256SUMS",
                     "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items())))


def _download(url: str, target: Path, expected: str | None, timeout: float) -> str:
    digest = hashlib.sha256()
    received = 0
    try:
        with replaced_on_success(target) as partial:  # renamed into place only if complete
            with partial.open("wb") as out, urllib.request.urlopen(url, timeout=timeout) as src:
                announced = src.headers.get("Content-Length")
                while block := src.read1(_CHUNK):  # what has arrived, so a stall counts it
                    digest.update(block)
                    out.write(block)
                    received += len(block)
            if announced is not None and announced.isdigit() and received != int(announced):
                raise OmicsInputError(url, f"{received:,} bytes of the {int(announced):,} the "
                                      "server announced (the download was cut short)",
                                      "the whole file (run the command again)")
            found = digest.hexdigest()
            if expected and found != expected.lower():
                raise OmicsInputError(url, f"sha256 {found}", f"sha256 {expected.lower()}")
        return found
    except urllib.error.HTTPError as exc:
        raise OmicsInputError(url, f"HTTP {exc.code} {exc.reason}",
                              "the release file (check --version and --species)") from None
    except urllib.error.URLError as exc:
        raise OmicsInputError(url, f"no connection ({exc.reason})",
                              "a reachable download server (or --base-url of a mirror)") from None
    except TimeoutError:
        raise OmicsInputError(url, f"no data for {timeout:g} s after {received:,} bytes",
                              "a responsive download server (or --base-url of a mirror)"
                              ) from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise OmicsInputError(url, f"a broken transfer after {received:,} bytes "
                              f"({type(exc).__name__})", "the whole file (run the command "
                              "again)") from None


def _extract_biogrid(archive: Path, species: int, version: str,
                     limit: int = MAX_EXTRACTED_BYTES) -> Path:
    organism = _BIOGRID_ORGANISMS.get(species)
    if organism is None:
        raise OmicsInputError("--species", str(species),
                              "one of " + ", ".join(map(str, _BIOGRID_ORGANISMS)))
    member = f"BIOGRID-ORGANISM-{organism}-{version}.tab3.txt"
    target = archive.parent / member
    too_large = OmicsInputError(archive, f"member {member} larger than {limit:,} bytes",
                                f"at most {limit:,} bytes extracted (a damaged or hostile "
                                "archive)")
    try:
        with zipfile.ZipFile(archive) as bundle:
            if member not in bundle.namelist():
                raise OmicsInputError(archive, f"no member {member}", "the organism's TAB3 file")
            if bundle.getinfo(member).file_size > limit:
                raise too_large
            with replaced_on_success(target) as partial, bundle.open(member) as src, \
                    partial.open("wb") as out:
                written = 0
                while block := src.read(_CHUNK):  # the header's size may lie
                    written += len(block)
                    if written > limit:
                        raise too_large
                    out.write(block)
    except zipfile.BadZipFile as exc:
        raise OmicsInputError(archive, f"a damaged zip archive ({exc})",
                              "the release's zip archive") from None
    return target


def fetch_release(database: str, version: str, species: int = 9606, *,
                  cache: str | Path | None = None, base_url: str | None = None,
                  sha256: dict[str, str] | None = None, timeout: float = 60.0,
                  on_file: Callable[[str, str], None] | None = None,
                  max_extracted_bytes: int = MAX_EXTRACTED_BYTES) -> dict[str, Path]:
    """Download (or reuse from the cache) a database release; returns its local files.

    ``sha256`` maps file names to expected digests; ``on_file(name, status)`` is told
    ``downloaded``, ``downloaded (unverified)`` (no expected digest: neither database
    publishes one) or ``cached`` for each file. STRING gives ``links``, ``info`` and
    ``aliases``; BioGRID gives ``tab3`` (the species' file, extracted from the archive).
    """
    urls = release_urls(database, version, species, base_url)  # database and version checked
    folder = Path(cache or default_cache()) / database / version
    folder.mkdir(parents=True, exist_ok=True)
    sums, expected = _read_sums(folder), {k: v.lower() for k, v in (sha256 or {}).items()}
    files: dict[str, Path] = {}
    for url in urls:
        name = url.rsplit("/", 1)[1]
        target = folder / name
        recorded = sums.get(name)
        wanted = expected.get(name) or recorded
        if target.exists() and recorded and _sha256(target) == wanted:
            status = "cached"
        else:
            sums[name] = _download(url, target, expected.get(name), timeout)
            _write_sums(folder, sums)
            status = "downloaded" if name in expected else "downloaded (unverified)"
        if on_file:
            on_file(name, status)
        files[name.split(".")[2] if database == "string" else "archive"] = target
    if database == "biogrid":
        files["tab3"] = _extract_biogrid(files["archive"], species, version,
                                         max_extracted_bytes)
    return files
