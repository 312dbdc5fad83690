"""The pipeline's MOFA+ factors (:mod:`omics.stats.factors`) over the modalities of a study,
each as its differential analysis saw it, joined by a sample-sheet column.

Results (``results/factors/<table>``):

* ``scores``: sample (the ``pair_by`` key), factor, score, and the ``categorical`` columns;
* ``variance``: view, factor, r2 (percent of the view's variance);
* ``weights``: view, factor, rank, feature, weight (the top features per factor);
* ``associations``: variable, factor, test, n, statistic, effect, p_value, fdr.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from omics.errors import OmicsInputError
from omics.io.study import FactorsPlan
from omics.preprocess import remove_batch_effect
from omics.stats.design import design_matrix
from omics.stats.factors import factor_associations, fit_mofa
from omics.stats.selection import paired_keys, select_samples
from omics.steps.analysis import analysed_expression, normalised_proteomics
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_table
from omics.store.results import read_result
from omics.store.writer import write_table

__all__ = ["FACTORS", "factor_analysis", "factor_findings", "factor_matrix", "factor_views"]

FACTORS = "factors"


def _modality(store, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Samples x features of one modality as analysed, and its sample sheet."""
    if name == "proteomics":
        values, samples = normalised_proteomics(store)
        samples = samples[~samples.get("reference", pd.Series(False, index=samples.index))
                          .astype(bool)]
        values = values.sel(sample=samples.index.to_numpy())
    elif (Path(store) / layout.transcriptomics_group(name)).exists():
        values, samples = analysed_expression(store, name)
    else:
        raise OmicsInputError("analysis.factors.modalities", f"no modality {name!r}",
                              "proteomics or a transcriptomics modality of the study")
    frame = pd.DataFrame(np.asarray(values.transpose("sample", "feature").values),
                         index=samples.index.astype(str),
                         columns=np.asarray(values["feature"].values).astype(str))
    return frame, samples


def _without_batch(frame: pd.DataFrame, samples: pd.DataFrame, batch: str,
                   keep: list[str]) -> pd.DataFrame:
    """``frame`` after limma's ``removeBatchEffect`` of ``batch``, keeping the ``keep``
    sample columns the modality has."""
    kept = [c for c in keep if c in samples.columns and samples[c].nunique() > 1]
    design = design_matrix(samples, "~ " + " + ".join(kept)).to_numpy(dtype=np.float64) \
        if kept else None
    values = xr.DataArray(frame.to_numpy().T, dims=("feature", "sample"))
    removed = remove_batch_effect(values, samples[batch].astype(str).to_numpy(), design=design)
    return pd.DataFrame(removed.values.T, index=frame.index, columns=frame.columns)


def factor_views(store: str | Path, plan: FactorsPlan) -> tuple[dict[str, pd.DataFrame],
                                                                  pd.DataFrame]:
    """Each modality's samples x features, samples named by ``pair_by`` (a key found in
    more than one sample of a modality is left out there, and said so by the counts), and
    the joined sample sheet (first modality first)."""
    views, sheets = {}, []
    for name in plan.modalities:
        frame, samples = _modality(store, name)
        if name in plan.samples:
            keep = select_samples(samples, plan.samples[name]).to_numpy()
            frame, samples = frame[keep], samples[keep]
        if plan.remove_batch is not None and plan.remove_batch in samples.columns:
            frame = _without_batch(frame, samples, plan.remove_batch, plan.categorical)
        if plan.pair_by is not None and plan.pair_by not in samples.columns:
            raise OmicsInputError("analysis.factors.pair_by", f"no sample column "
                                  f"{plan.pair_by!r} in {name}", "one of " +
                                  ", ".join(map(str, samples.columns)))
        keys = paired_keys(samples, plan.pair_by)
        paired = keys.notna().to_numpy()
        frame = frame[paired].set_axis(keys[paired].to_numpy())
        samples = samples[paired].set_axis(keys[paired].to_numpy())
        views[name] = frame
        sheets.append(samples)
    sheet = pd.concat(sheets)
    return views, sheet[~sheet.index.duplicated()]


def _covariates(store, sheet: pd.DataFrame) -> pd.DataFrame:
    """The joined sample sheet, with the clinical table's columns where the sheet names
    its subjects."""
    if not (Path(store) / layout.CLINICAL).exists():
        return sheet
    clinical = open_table(store, layout.CLINICAL)
    key = clinical.index.name
    if key not in sheet.columns:
        return sheet
    joined = clinical.reindex(sheet[key].astype(str).to_numpy()).set_axis(sheet.index)
    return pd.concat([sheet, joined.drop(columns=[c for c in joined if c in sheet])], axis=1)


def factor_analysis(store: str | Path, plan: FactorsPlan) -> dict:
    """Fit MOFA+ on the plan's modalities, test the factors against its variables and write
    ``results/factors``; returns the summary."""
    views, sheet = factor_views(store, plan)
    result = fit_mofa(views, n_factors=plan.n_factors, seed=plan.seed,
                      scale_features=plan.scale_features, convergence=plan.convergence)
    covariates = _covariates(store, sheet)
    for column in [*plan.categorical, *plan.numeric,
                   *([plan.survival.time, plan.survival.event] if plan.survival else [])]:
        if column not in covariates.columns:
            raise OmicsInputError("analysis.factors", f"no sample or clinical column "
                                  f"{column!r}", "one of " + ", ".join(map(str, covariates)))
    associations = factor_associations(
        result.factors, covariates, categorical=plan.categorical, numeric=plan.numeric,
        survival=(plan.survival.time, plan.survival.event) if plan.survival else None)
    attrs = provenance(step=f"analysis:{FACTORS}", parameters={
        **plan.model_dump(mode="json"), "fit": result.options})
    scores = result.factors.rename_axis("sample").reset_index().melt(
        id_vars="sample", var_name="factor", value_name="score")
    for column in plan.categorical:  # each sample's groups, for figures
        scores[column] = covariates[column].astype(str).reindex(scores["sample"]).to_numpy()
    variance = result.variance_explained.rename_axis("view").reset_index().melt(
        id_vars="view", var_name="factor", value_name="r2")
    for name, table in (("scores", scores), ("variance", variance),
                        ("weights", result.top_weights(plan.top_weights)),
                        ("associations", associations)):
        write_table(store, layout.result_group(FACTORS, name), table, dim="row", attrs=attrs)
    called = associations[associations["fdr"] < 0.05].sort_values("p_value")
    return {
        "views": result.options["views"], "samples": result.options["samples"],
        "factors": int(result.factors.shape[1]),
        "variance_total": {v: float(r) for v, r in
                           result.variance_explained.sum(axis=1).items()},
        "associations": [{"variable": r.variable, "factor": r.factor, "test": r.test,
                          "effect": float(r.effect), "fdr": float(r.fdr)}
                         for r in called.head(10).itertuples()],
    }


def factor_matrix(store: str | Path, name: str, index: str, values: str) -> pd.DataFrame:
    """A long factor table of ``results/factors`` (``scores``: sample x factor,
    ``variance``: view x factor) as ``index`` x factors, factors in model order."""
    table = read_result(store, FACTORS, name).pivot(index=index, columns="factor",
                                                    values=values)
    return table[sorted(table.columns, key=lambda f: int(str(f).removeprefix("Factor")))]


def factor_findings(summary: dict) -> list[str]:
    """Plain-language lines: what the factors explain, and their associations."""
    views = ", ".join(f"{v} {summary['variance_total'][v]:.0f}%" for v in summary["views"])
    line = (f"MOFA+ factors: {summary['factors']} factors over {summary['samples']} samples "
            f"explain {views} of the variance")
    called = summary["associations"]
    if called:
        line += "; associated: " + ", ".join(
            f"{a['factor']} with {a['variable']} ({a['test']}, FDR {a['fdr']:.2g})"
            for a in called[:4])
    return [line]
