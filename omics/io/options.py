"""The reader interface: each reader module declares its options model and ``read()``.

An options model is a strict pydantic model (unknown keys are errors) whose ``reader`` field
is a literal naming the reader; the study plan's input sections are discriminated unions of
these models on ``reader``, so a key that belongs to another reader is refused at load time.
:func:`register` adds a model to :data:`READER_OPTIONS`.

Examples
--------
>>> sorted(READER_OPTIONS)[:3]
['10x_mtx', 'counts', 'expression_matrix']
>>> READER_OPTIONS["paw"].kind
'proteomics'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from omics.errors import OmicsInputError

__all__ = ["NETWORK_OPTIONS", "READER_OPTIONS", "InputOptions", "NetworkOptions",
           "ReaderOptions", "build_options", "register"]


class InputOptions(BaseModel):
    """An input file and the options of the reader that reads it (unknown keys refused)."""

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str]
    file_fields: ClassVar[tuple[str, ...]] = ()

    def read(self) -> Any:
        """Read the input."""
        raise NotImplementedError

    def files(self) -> list[Path]:
        """The input files this source names (set fields of :attr:`file_fields`)."""
        return [getattr(self, name) for name in self.file_fields
                if isinstance(getattr(self, name, None), Path)]

    def resolve(self, base: Path) -> None:
        """Make relative file paths absolute against ``base`` (the study file's folder)."""
        for name in self.file_fields:
            value = getattr(self, name, None)
            if isinstance(value, Path) and not value.is_absolute():
                setattr(self, name, (base / value).resolve())


class ReaderOptions(InputOptions):
    """Options of one data reader: the input ``table`` (file or folder) plus its own keys.

    Subclasses set ``reader`` to a ``Literal`` default, ``kind`` to ``"proteomics"``,
    ``"expression"`` or ``"table"``, list their file-valued fields in ``file_fields``, and
    implement :meth:`read` (an xarray Dataset, AnnData or DataFrame).
    """

    file_fields: ClassVar[tuple[str, ...]] = ("table",)

    reader: str
    table: Path

    def sample_file(self) -> Path:
        """The file that lists the samples: the sample sheet if any, else the table."""
        return getattr(self, "samples", None) or self.table


class NetworkOptions(InputOptions):
    """Options of one interaction-network reader: the file ``path`` and its ``format``.
    The graph core reads them (``graphs.sources.read_network_source``)."""

    kind: ClassVar[str] = "network"
    file_fields: ClassVar[tuple[str, ...]] = ("path",)

    format: str
    path: Path


#: reader name -> its options model
READER_OPTIONS: dict[str, type[ReaderOptions]] = {}
#: network format -> its options model
NETWORK_OPTIONS: dict[str, type[NetworkOptions]] = {}


def register(model: type[InputOptions]) -> type[InputOptions]:
    """Class decorator: add a reader's options model to its registry
    (:data:`READER_OPTIONS` by ``reader``, :data:`NETWORK_OPTIONS` by ``format``)."""
    if issubclass(model, NetworkOptions):
        NETWORK_OPTIONS[model.model_fields["format"].default] = model
    else:
        READER_OPTIONS[model.model_fields["reader"].default] = model
    return model


def build_options(model: type[InputOptions], label: str, **values) -> InputOptions:
    """``model(**values)``, with a validation problem as one :class:`OmicsInputError` line
    naming the reader (``label``, e.g. ``"paw reader"``) and the keys it takes."""
    try:
        return model(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        keys = f"keys of the {label}: " + ", ".join(model.model_fields)
        if error["type"] == "extra_forbidden":
            raise OmicsInputError(label, f"key {key!r}, which the {label} does not take",
                                  keys) from None
        if error["type"] == "missing":
            raise OmicsInputError(label, f"no {key!r}", f"{key!r}, which the {label} needs"
                                  ) from None
        raise OmicsInputError(label, f"{key}: {error['msg']}", keys) from None


def hgnc_map(path: Path | None):
    """The HGNC table at ``path`` as an identifier map, or ``None``."""
    from omics.io.hgnc import HgncMap

    return HgncMap.from_table(path) if path else None
