"""Natural cubic spline bases spanning the same space as R's ``splines::ns``.

limma's ``fitFDist`` regresses log-variances on ``ns(covariate, df, intercept=TRUE)``; only
the column space of that basis matters for the fitted values, so this module builds a basis
of the same space (B-splines at the same quantile knots, constrained to zero second
derivative at both boundary knots) and extrapolates linearly beyond the boundaries, as
``predict.ns`` does.

Examples
--------
>>> x = np.linspace(0, 1, 20)
>>> basis = NaturalSpline.from_data(x, df=4)
>>> basis(x).shape
(20, 4)
>>> y = 2 * x + 1  # a line lies in the space of every natural spline basis
>>> coef, *_ = np.linalg.lstsq(basis(x), y, rcond=None)
>>> float(np.abs(basis(np.array([2.0])) @ coef - 5.0)[0]) < 1e-9
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import interpolate, linalg

__all__ = ["NaturalSpline"]

_ORDER = 4  # cubic


@dataclass(frozen=True)
class NaturalSpline:
    """A natural cubic spline basis with intercept (``ns(..., intercept=TRUE)``)."""

    knots: np.ndarray  # full augmented knot vector
    boundary: tuple[float, float]
    projection: np.ndarray  # B-spline coefficients -> natural basis (null space of constraints)

    @classmethod
    def from_data(cls, x: np.ndarray, df: int) -> NaturalSpline:
        """Basis with ``df`` columns and interior knots at quantiles of ``x`` (R's type 7)."""
        x = np.asarray(x, dtype=np.float64)
        n_interior = df - 2
        probs = np.linspace(0.0, 1.0, n_interior + 2)[1:-1]
        interior = np.quantile(x, probs) if n_interior > 0 else np.empty(0)
        low, high = float(x.min()), float(x.max())
        knots = np.sort(np.concatenate([[low] * _ORDER, interior, [high] * _ORDER]))
        constraints = _bspline_design(knots, np.array([low, high]), derivative=2)
        return cls(knots, (low, high), linalg.null_space(constraints))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Evaluate the basis at ``x`` (linear beyond the boundary knots)."""
        x = np.asarray(x, dtype=np.float64)
        low, high = self.boundary
        values = np.empty((x.size, self.knots.size - _ORDER))
        inside = (x >= low) & (x <= high)
        values[inside] = _bspline_design(self.knots, x[inside])
        for pivot, side in ((low, x < low), (high, x > high)):
            if side.any():
                at_pivot = _bspline_design(self.knots, np.array([pivot, pivot]), derivative=0)
                slope = _bspline_design(self.knots, np.array([pivot]), derivative=1)
                values[side] = at_pivot[0] + np.outer(x[side] - pivot, slope[0])
        return values @ self.projection


def _bspline_design(knots: np.ndarray, x: np.ndarray, derivative: int = 0) -> np.ndarray:
    """Dense B-spline design matrix (``splines::splineDesign``) of a given derivative."""
    n_basis = knots.size - _ORDER
    columns = []
    for j in range(n_basis):
        coefficients = np.zeros(n_basis)
        coefficients[j] = 1.0
        spline = interpolate.BSpline(knots, coefficients, _ORDER - 1, extrapolate=True)
        columns.append(spline.derivative(derivative)(x) if derivative else spline(x))
    return np.column_stack(columns)
