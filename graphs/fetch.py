"""Download interaction-database release files into a local cache, with sha256 verification.

STRING and BioGRID publish no checksums of their own, so verification works in two ways:
an expected ``sha256`` given by the user (e.g. from a colleague's cache or a lab registry) is
checked before the file is accepted, and every accepted file's sha256 is recorded in the
cache's ``SHA256SUMS``; a cached file that no longer matches it is downloaded again. Files
are downloaded to a temporary name and renamed into place only when complete and verified.

Examples
--------
>>> [url.rsplit("/", 1)[1] for url in release_urls("string", "12.0", 9606)]
['9606.protein.links.v12.0.txt.gz', '9606.protein.info.v12.0.txt.gz', \
'9606.protein.aliases.v12.0.txt.gz']
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

from omics.errors import OmicsInputError

__all__ = ["DEFAULT_BASE_URLS", "default_cache", "fetch_release", "release_urls"]

DEFAULT_BASE_URLS = {
    "string": "https://stringdb-downloads.org/download",
    "biogrid": "https://downloads.thebiogrid.org/Download/BioGRID/Release-Archive",
}
_BIOGRID_ORGANISMS = {9606: "Homo_sapiens", 10090: "Mus_musculus", 10116: "Rattus_norvegicus"}
_CHUNK = 1 << 20


def default_cache() -> Path:
    """``$OMICS_CACHE`` or ``~/.cache/omics-axis``, plus ``networks``."""
    return Path(os.environ.get("OMICS_CACHE", Path.home() / ".cache" / "omics-axis")) / "networks"


def release_urls(database: str, version: str, species: int, base_url: str | None = None
                 ) -> list[str]:
    """The release files of ``database`` (``string`` or ``biogrid``) for ``species``."""
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
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))
    staged = folder / ".SHA256SUMS.tmp"
    staged.write_text(text)
    staged.replace(folder / "SHA256SUMS")


def _download(url: str, target: Path, expected: str | None, timeout: float) -> str:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as src:
            while block := src.read(_CHUNK):
                digest.update(block)
                out.write(block)
        found = digest.hexdigest()
        if expected and found != expected.lower():
            raise OmicsInputError(url, f"sha256 {found}", f"sha256 {expected.lower()}")
        os.replace(temporary, target)
        return found
    except urllib.error.HTTPError as exc:
        raise OmicsInputError(url, f"HTTP {exc.code} {exc.reason}",
                              "the release file (check --version and --species)") from None
    except urllib.error.URLError as exc:
        raise OmicsInputError(url, f"no connection ({exc.reason})",
                              "a reachable download server (or --base-url of a mirror)") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _extract_biogrid(archive: Path, species: int, version: str) -> Path:
    organism = _BIOGRID_ORGANISMS.get(species)
    if organism is None:
        raise OmicsInputError("--species", str(species),
                              "one of " + ", ".join(map(str, _BIOGRID_ORGANISMS)))
    member = f"BIOGRID-ORGANISM-{organism}-{version}.tab3.txt"
    target = archive.parent / member
    with zipfile.ZipFile(archive) as bundle:
        if member not in bundle.namelist():
            raise OmicsInputError(archive, f"no member {member}", "the organism's TAB3 file")
        staged = archive.parent / f".{member}.tmp"
        with bundle.open(member) as src, staged.open("wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
        staged.replace(target)
    return target


def fetch_release(database: str, version: str, species: int = 9606, *,
                  cache: str | Path | None = None, base_url: str | None = None,
                  sha256: dict[str, str] | None = None, timeout: float = 60.0,
                  on_file: Callable[[str, str], None] | None = None) -> dict[str, Path]:
    """Download (or reuse from the cache) a database release; returns its local files.

    ``sha256`` maps file names to expected digests; ``on_file(name, status)`` is told
    ``downloaded`` or ``cached`` for each file. STRING gives ``links``, ``info`` and
    ``aliases``; BioGRID gives ``tab3`` (the species' file, extracted from the archive).
    """
    folder = Path(cache or default_cache()) / database / version
    folder.mkdir(parents=True, exist_ok=True)
    sums, expected = _read_sums(folder), {k: v.lower() for k, v in (sha256 or {}).items()}
    files: dict[str, Path] = {}
    for url in release_urls(database, version, species, base_url):
        name = url.rsplit("/", 1)[1]
        target = folder / name
        recorded = sums.get(name)
        wanted = expected.get(name) or recorded
        if target.exists() and recorded and _sha256(target) == wanted:
            status = "cached"
        else:
            sums[name] = _download(url, target, expected.get(name), timeout)
            _write_sums(folder, sums)
            status = "downloaded"
        if on_file:
            on_file(name, status)
        files[name.split(".")[2] if database == "string" else "archive"] = target
    if database == "biogrid":
        files["tab3"] = _extract_biogrid(files["archive"], species, version)
    return files
