"""Declared table schemas (pydantic): column types, units, ranges, required columns and
survival time/event pairs, checked cell by cell with located errors.

Examples
--------
>>> spec = ColumnSpec(type="number", unit="months", minimum=0)
>>> spec.describe()
'a number >= 0 (months)'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["ColumnSpec"]


class ColumnSpec(BaseModel):
    """One declared column. ``event`` columns hold 0/1 (1 = event observed)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["number", "integer", "text", "event"] = "number"
    unit: str | None = None
    required: bool = True  # the column must be present
    missing_allowed: bool = True  # cells may be empty / NA
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        """What a valid cell looks like, for error messages."""
        if self.type == "event":
            return "0 or 1"
        words = {"number": "a number", "integer": "an integer", "text": "text"}[self.type]
        if self.minimum is not None:
            words += f" >= {self.minimum:g}"
        if self.maximum is not None:
            words += f" <= {self.maximum:g}"
        return words + (f" ({self.unit})" if self.unit else "")
