"""The ``omics`` command line (typer): a thin layer over the steps and the flows."""

from omics.cli.main import main

__all__ = ["main"]
