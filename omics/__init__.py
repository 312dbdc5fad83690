"""omics-axis: multi-omics studies of cancer drug resistance.

Subpackages: :mod:`omics.io` (readers), :mod:`omics.store` (the Zarr v3 study store),
:mod:`omics.preprocess`, :mod:`omics.stats`, :mod:`omics.simulate` (the built-in cohort).
Importing :mod:`omics` never imports Prefect; orchestration lives in the ``flows`` package.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("omics-axis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
