"""The HTML report: one self-contained file (images embedded, no network needed)."""

from omics.report.render import build_report

__all__ = ["build_report"]
