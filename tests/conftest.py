"""Shared fixtures: the small built-in cohort, its store, and a real Prefect API."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from omics.simulate import simulate_cohort
from omics.steps.ingest import ingest_study

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_data(relative: str) -> Path:
    """A file of ``../shared/data``; the test is skipped, saying which, when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"real data file {path} is absent (it lives beside the repository)")
    return path


@pytest.fixture(scope="session", autouse=True)
def dataset_cache(tmp_path_factory) -> Path:
    """``ox.datasets`` caches into a session folder, never the user's ``~/.cache``."""
    folder = tmp_path_factory.mktemp("omics-axis-cache")
    previous = os.environ.get("OMICS_AXIS_CACHE")
    os.environ["OMICS_AXIS_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("OMICS_AXIS_CACHE", None)
    else:
        os.environ["OMICS_AXIS_CACHE"] = previous


@contextmanager
def built_once(tmp_path_factory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder shared by the xdist workers of this run, held under a lock: yields
    ``(folder, done)``; the first worker finds ``done`` False, builds into ``folder`` and
    returns; the others wait for it, then find ``done`` True and read what it built. (xdist's
    ``--dist loadgroup``, which would keep such tests on one worker, silently stopped
    grouping with pytest 9.2: pytest-dev/pytest-xdist#1386.) Without xdist the folder is
    this session's own."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # .../pytest-N, the run's folder above each worker's
    folder = shared / f"built-once-{name}"
    folder.mkdir(exist_ok=True)
    with open(shared / f"built-once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            marker = folder / ".complete"
            done = marker.exists()
            yield folder, done
            if not done:
                marker.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def small_cohort(tmp_path_factory) -> Path:
    """study.yaml of the small built-in cohort (default seed)."""
    return simulate_cohort(tmp_path_factory.mktemp("cohort"), scale="small")


@pytest.fixture(scope="session")
def truth(small_cohort) -> dict:
    return json.loads((small_cohort.parent / "truth.json").read_text())


@pytest.fixture(scope="session")
def _small_store_template(small_cohort, tmp_path_factory) -> Path:
    """The small cohort ingested once per session (copied for each test)."""
    return ingest_study(small_cohort, tmp_path_factory.mktemp("template") / "study.zarr")


@pytest.fixture()
def small_store(_small_store_template, tmp_path) -> Path:
    """A fresh store of the small cohort (function-scoped: tests may modify it): a copy of the
    session's ingest, byte for byte what ingesting again would write."""
    return Path(shutil.copytree(_small_store_template, tmp_path / "study.zarr"))


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A real Prefect API server (prefect_test_harness), also visible to Dask worker
    processes through ``PREFECT_API_URL`` in the environment; task results are stored in a
    session folder, never beside earlier sessions' records in ``~/.prefect/storage``."""
    from prefect.settings import PREFECT_API_URL, PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    storage = tmp_path_factory.mktemp("prefect-results")
    os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(storage)
    with temporary_settings({PREFECT_LOCAL_STORAGE_PATH: storage}), \
            prefect_test_harness(server_startup_timeout=90):
        url = PREFECT_API_URL.value()
        os.environ["PREFECT_API_URL"] = url
        try:
            yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            os.environ.pop("PREFECT_LOCAL_STORAGE_PATH", None)


def pytest_collection_modifyitems(items):
    """The end-to-end (``slow``) tests first, in collection order: the two xdist workers
    start the longest tests at once instead of ending the run on them one after another."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
