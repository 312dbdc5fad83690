"""Feature identifiers of a table: present in every row and unique."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.delimited import line_of

__all__ = ["checked_feature_ids"]


def checked_feature_ids(frame: pd.DataFrame, column: str, path: str | Path) -> np.ndarray:
    """The ``column`` of a table read by :func:`~omics.io.delimited.read_text_table`, as
    feature ids; an empty or repeated id raises :class:`~omics.errors.OmicsInputError` at
    its line and column.

    Examples
    --------
    >>> f = pd.DataFrame({"id": ["A", "B", "A"]}, dtype=object)
    >>> f.attrs["line_numbers"] = [2, 3, 4]
    >>> checked_feature_ids(f, "id", "t.tsv")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    omics.errors.OmicsInputError: t.tsv:4:1: found feature id 'A' a second time;
    expected unique feature ids
    """
    features = frame[column]
    position = list(frame.columns).index(column) + 1
    blank = features.eq("")
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise OmicsInputError(path, "an empty feature id", "a feature id in every row",
                              line=line_of(frame, i), column=position)
    duplicated = features.duplicated()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise OmicsInputError(path, f"feature id {features.iloc[i]!r} a second time",
                              "unique feature ids", line=line_of(frame, i), column=position)
    return np.asarray(features, dtype=object)
