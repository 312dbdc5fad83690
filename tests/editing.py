"""Edit test input files cell by cell (to make them malformed on purpose), and snapshot a
store's files (to show that a refused input changed nothing)."""

from __future__ import annotations

from pathlib import Path


def replace_cell(path: Path, line: int, column: int, value: str) -> Path:
    """Set the cell at 1-based ``line`` and ``column`` of a TSV (``.tsv``) or CSV file."""
    sep = "\t" if path.name.endswith(".tsv") else ","
    lines = path.read_text().splitlines()
    cells = lines[line - 1].split(sep)
    cells[column - 1] = value
    lines[line - 1] = sep.join(cells)
    path.write_text("\n".join(lines) + "\n")
    return path


def file_tree(path: Path) -> dict[str, bytes]:
    """Every file below ``path`` with its bytes."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}
