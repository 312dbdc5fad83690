"""Options of the interaction-network formats (``analysis.network.networks`` in study.yaml,
``omics graph --network``), registered like the data readers.

The readers themselves are in :mod:`graphs.sources` (``read_network_source(options)``); the
omics core never imports :mod:`graphs`.

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

from pydantic import Field

from omics.errors import OmicsInputError
from omics.io.options import NETWORK_OPTIONS, NetworkOptions, build_options, register

__all__ = ["NETWORK_OPTIONS", "network_options"]


@register
class StringOptions(NetworkOptions):
    """``string``: a symbol-level STRING edge list, links with score >= ``min_score``."""

    format: Literal["string"] = "string"
    min_score: float = Field(default=0.7, ge=0, le=1)


@register
class StringLinksOptions(NetworkOptions):
    """``string_links``: a STRING ``protein.links`` release file, named through
    ``protein.info`` (``info``) and ``protein.aliases`` (``aliases``)."""

    file_fields = ("path", "info", "aliases")
    format: Literal["string_links"] = "string_links"
    min_score: float = Field(default=0.7, ge=0, le=1)
    info: Path | None = None
    aliases: Path | None = None


@register
class BiogridOptions(NetworkOptions):
    """``biogrid``: a BioGRID TAB3 file, physical interactions of one species."""

    format: Literal["biogrid"] = "biogrid"
    species: int = 9606


@register
class OmnipathOptions(NetworkOptions):
    """``omnipath``: signed, directed interactions."""

    format: Literal["omnipath"] = "omnipath"


@register
class EdgesOptions(NetworkOptions):
    """``edges``: a table whose first two columns are the interacting genes."""

    format: Literal["edges"] = "edges"


def network_options(network_format: str, path: str | Path, **options) -> NetworkOptions:
    """Validated options of one network file; unknown formats and keys are one-line errors."""
    if network_format not in NETWORK_OPTIONS:
        raise OmicsInputError("--format", repr(network_format),
                              "one of " + ", ".join(NETWORK_OPTIONS))
    return build_options(NETWORK_OPTIONS[network_format], f"{network_format} format",
                         path=path, **options)
