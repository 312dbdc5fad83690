"""omics-axis: multi-omics studies of cancer drug resistance, as a library.

``import omics as ox`` gives the public API, in scanpy's manner:

* :mod:`ox.io <omics.io>`: readers (one per format) and :func:`ox.io.read_study
  <omics.io.study_reader.read_study>` (a ``study.yaml`` as a MuData);
* :func:`ox.read_store <omics.store.study.read_store>`: a study store as a MuData;
* :mod:`ox.pp <omics.pp>`: log2, normalisations (median, reference features, IRS,
  quantile), filters, imputation, log-CPM on AnnData;
* :mod:`ox.tl <omics.tl>`: differential analysis (a limma fit object), correlation,
  protein-mRNA, clinical association, ROC, logistic, survival, dose-response,
  enrichment, propagation;
* :mod:`ox.pl <omics.pl>`: figures, each returned as a matplotlib ``Figure``;
* :mod:`ox.datasets <omics.datasets>`: the built-in cohort.

Submodules load on first use; importing :mod:`omics` never imports Prefect, typer or the
pipeline (``flows``, :mod:`omics.steps`, :mod:`omics.cli`).

Examples
--------
>>> import omics as ox
>>> sorted(name for name in ox.__all__ if not name.startswith("_"))
['datasets', 'io', 'pl', 'pp', 'read_store', 'stats', 'store', 'tl']
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

try:
    __version__ = version("omics-axis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "datasets", "io", "pl", "pp", "read_store", "stats", "store", "tl"]

_SUBMODULES = {"datasets", "io", "pl", "pp", "stats", "store", "tl"}

if TYPE_CHECKING:  # pragma: no cover
    from omics import datasets, io, pl, pp, stats, store, tl
    from omics.store.study import read_store


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"omics.{name}")
    if name == "read_store":
        from omics.store.study import read_store

        return read_store
    raise AttributeError(f"module 'omics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
