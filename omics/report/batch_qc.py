"""The report's batch QC: PCA of the analysed samples coloured by batch, before and after
the batch is taken out.

With a ``combat`` step in the plan, the panels show the values before that step and the
values analysed (after it). Without one, when the design blocks on a batch column
(``plex``, ``batch``, ``mixture``, ``run``), the second panel is limma's
``removeBatchEffect`` of the analysed values, for display only: the test keeps the batch in
its design.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import xarray as xr

from omics.io.study import DifferentialPlan
from omics.pl import figures as plots
from omics.preprocess import remove_batch_effect
from omics.stats.design import design_matrix
from omics.steps.preprocessing import apply_steps

__all__ = ["BATCH_COLUMNS", "batch_pca"]

#: Sample columns taken for a batch when the design names them.
BATCH_COLUMNS = ("plex", "batch", "mixture", "run")


def _complete(values: xr.DataArray) -> np.ndarray:
    matrix = np.asarray(values.transpose("feature", "sample").values, dtype=np.float64)
    return matrix[np.isfinite(matrix).all(axis=1)]


def batch_pca(raw: xr.DataArray, values: xr.DataArray, samples: pd.DataFrame,
              plan: DifferentialPlan | None, steps: list, groups: pd.Series):
    """``(figure, title)`` of the before/after PCA, or ``None`` when the plan has no batch.

    Parameters
    ----------
    raw
        The stored values of the analysed samples (before any step).
    values
        The analysed values (after every step).
    samples
        Their sample sheet.
    plan
        The analysis plan (its design names the batch when there is no ComBat step).
    steps
        The preprocessing steps applied.
    groups
        The samples' groups of the design (kept by ``removeBatchEffect``).
    """
    combat = [k for k, step in enumerate(steps) if step.step == "combat"]
    if combat:
        batch = steps[combat[0]].batch
        before = apply_steps(raw, samples, steps[:combat[0]])
        after, method = values, "after ComBat (analysed)"
    else:
        formula = plan.design.split("~", 1)[-1] if plan is not None else ""
        words = re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula)
        named = [w for w in words if w in BATCH_COLUMNS and w in samples.columns]
        if not named:
            return None
        batch = named[0]
        keep = design_matrix(pd.DataFrame({"group": groups.to_numpy()}), "~ group") \
            if groups.nunique() > 1 else None
        before = values
        after = remove_batch_effect(values, samples[batch].to_numpy(),
                                    design=None if keep is None else keep.to_numpy())
        method = "after removeBatchEffect (display only)"
    labels = samples[batch].astype(str).rename(batch).reset_index(drop=True)
    matrices = {"before batch correction": _complete(before), method: _complete(after)}
    if min(m.shape[0] for m in matrices.values()) < 3 or labels.nunique() < 2:
        return None
    title = (f"PCA of the analysed samples coloured by batch ({batch}), before and after "
             "the batch is taken out (complete features). "
             + ("ComBat's values are the ones tested, with the batch still in the design."
                if combat else "limma's removeBatchEffect is for display only: the test "
                "keeps the batch in its design."))
    return plots.pca_panels(matrices, labels), title
