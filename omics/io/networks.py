"""Options of the interaction-network formats (``analysis.network.networks`` in study.yaml,
``omics graph --network``), registered like the data readers.

The readers themselves are in :mod:`graphs.sources` (imported when a network is read).

Examples
--------
>>> sorted(NETWORK_OPTIONS)
['biogrid', 'edges', 'omnipath', 'string', 'string_links']
>>> network_options("string", "links.csv", min_score=0.9).min_score
0.9
>>> network_options("omnipath", "o.tsv", min_score=0.9)  # doctest: +ELLIPSIS
Traceback (most recent call last):
omics.errors.OmicsInputError: omnipath format: found key 'min_score', which the omnipath format ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import networkx as nx
from pydantic import Field

from omics.errors import OmicsInputError
from omics.io.options import NETWORK_OPTIONS, NetworkOptions, build_options, register

__all__ = ["NETWORK_OPTIONS", "network_options"]


@register
class StringOptions(NetworkOptions):
    """``string``: a symbol-level STRING edge list, links with score >= ``min_score``."""

    format: Literal["string"] = "string"
    min_score: float = Field(default=0.7, ge=0, le=1)

    def read(self) -> nx.Graph:
        from graphs.sources import read_string

        return read_string(self.path, min_score=self.min_score)


@register
class StringLinksOptions(NetworkOptions):
    """``string_links``: a STRING ``protein.links`` release file, named through
    ``protein.info`` (``info``) and ``protein.aliases`` (``aliases``)."""

    file_fields = ("path", "info", "aliases")
    format: Literal["string_links"] = "string_links"
    min_score: float = Field(default=0.7, ge=0, le=1)
    info: Path | None = None
    aliases: Path | None = None

    def read(self) -> nx.Graph:
        from graphs.string_db import read_string_links

        return read_string_links(self.path, info=self.info, aliases=self.aliases,
                                 min_score=self.min_score)


@register
class BiogridOptions(NetworkOptions):
    """``biogrid``: a BioGRID TAB3 file, physical interactions of one species."""

    format: Literal["biogrid"] = "biogrid"
    species: int = 9606

    def read(self) -> nx.Graph:
        from graphs.biogrid import read_biogrid

        return read_biogrid(self.path, species=self.species)


@register
class OmnipathOptions(NetworkOptions):
    """``omnipath``: signed, directed interactions."""

    format: Literal["omnipath"] = "omnipath"

    def read(self) -> nx.Graph:
        from graphs.sources import read_omnipath

        return read_omnipath(self.path)


@register
class EdgesOptions(NetworkOptions):
    """``edges``: a table whose first two columns are the interacting genes."""

    format: Literal["edges"] = "edges"

    def read(self) -> nx.Graph:
        from graphs.sources import read_edges

        return read_edges(self.path)


def network_options(network_format: str, path: str | Path, **options) -> NetworkOptions:
    """Validated options of one network file; unknown formats and keys are one-line errors."""
    if network_format not in NETWORK_OPTIONS:
        raise OmicsInputError("--format", repr(network_format),
                              "one of " + ", ".join(NETWORK_OPTIONS))
    return build_options(NETWORK_OPTIONS[network_format], f"{network_format} format",
                         path=path, **options)
