"""Prefect flows: thin wrappers that pass store paths to :mod:`omics` and :mod:`graphs`."""
