"""Package data: reference tables (see omics.io.reference)."""
