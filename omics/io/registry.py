"""The reader registry: ``reader:`` name in ``study.yaml`` -> its options model.

Each reader module declares its options model (:class:`~omics.io.options.ReaderOptions`)
and registers it; reading a source is ``source.read()``.
"""

from __future__ import annotations

import anndata as ad
import pandas as pd
import xarray as xr

from omics.io.options import READER_OPTIONS, ReaderOptions
from omics.io.study import load_study  # noqa: F401  (registers every reader)

__all__ = ["READERS", "read_source"]

#: reader name -> its options model (``READERS["paw"](table=...)``)
READERS = READER_OPTIONS


def read_source(source: ReaderOptions) -> xr.Dataset | ad.AnnData | pd.DataFrame:
    """Read one input described in ``study.yaml`` with its declared reader.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.csv"
    >>> _ = p.write_text("dose,viability\\n0,100\\n1,50\\n")
    >>> from omics.io.table import TableOptions
    >>> read_source(TableOptions(table=p)).shape
    (2, 2)
    """
    return source.read()
