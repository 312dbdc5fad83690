"""Mechanism step of the pipeline: the study's assays (chase, western, colony, apoptosis)
modelled from the tidy assay table (:mod:`omics.stats.assays`), one result table per assay
under ``results/mechanism/``, with a plain-language statement per result.

Every result table has the columns ``assay``, ``kind``, ``target``, ``term``, ``measure``
(``half_life_h``, ``fold_change``, ``rate_ratio`` or ``odds_ratio``), ``value``,
``ci_low``, ``ci_high``, ``p_value`` (a chase: its slope against the reference's), ``family``
and ``n``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from omics.errors import OmicsInputError
from omics.io.study import AssayPlan, MechanismPlan
from omics.pl.labels import significant
from omics.stats.assays import assay_effects, chase_half_life
from omics.store import layout
from omics.store.provenance import provenance
from omics.store.reader import open_table
from omics.store.results import read_result, recorded_parameters, result_names
from omics.store.writer import write_table

__all__ = ["MECHANISM", "assay_names", "assay_statements", "mechanism_analysis",
           "mechanism_findings", "model_assay"]

MECHANISM = "mechanism"
#: kind -> its label in statements, in the order results are told
_LABEL = {"chase": "CHX chase", "western": "western", "colony": "colony formation",
          "apoptosis": "annexin V apoptosis"}


def model_assay(rows: pd.DataFrame, plan: AssayPlan, max_dispersion: float = 1.5
                ) -> pd.DataFrame:
    """One assay's result table (see the module docstring) from its rows."""
    if plan.kind == "chase":
        fit = chase_half_life(rows, reference=plan.reference)
        tests = fit.interactions.set_index("condition")["p_value"]
        table = pd.DataFrame({
            "term": fit.half_lives["condition"], "measure": "half_life_h",
            "value": fit.half_lives["half_life_h"], "ci_low": fit.half_lives["ci_low"],
            "ci_high": fit.half_lives["ci_high"],
            "p_value": fit.half_lives["condition"].map(tests).astype(float),
            "family": f"log-linear decay (slope vs {fit.reference})",
            "n": fit.half_lives["n"]})
    else:
        effects = assay_effects(rows, plan.design, kind=plan.kind,
                                max_dispersion=max_dispersion)
        measure = {"western": "fold_change", "colony": "rate_ratio",
                   "apoptosis": "odds_ratio"}[plan.kind]
        table = effects.rename(columns={measure: "value"}).assign(measure=measure)[
            ["term", "measure", "value", "ci_low", "ci_high", "p_value", "family", "n"]]
    table.insert(0, "assay", plan.assay)
    table.insert(1, "kind", plan.kind)
    table.insert(2, "target", plan.target or "")
    return table.reset_index(drop=True)


def mechanism_analysis(store: str | Path, plan: MechanismPlan) -> dict:
    """Model every assay of the plan and write its table; returns the statements per
    assay."""
    table = open_table(store, layout.table_group(plan.table))
    if "assay" not in table.columns:
        raise OmicsInputError(f"tables.{plan.table}", f"columns {list(table.columns)[:8]}",
                              "an 'assay' column naming each row's assay")
    summary = {}
    for name, assay in plan.assays.items():
        rows = table[table["assay"] == assay.assay]
        if rows.empty:
            raise OmicsInputError(f"analysis.mechanism.assays.{name}", f"no row of assay "
                                  f"{assay.assay!r} in tables.{plan.table}", "one of " +
                                  ", ".join(map(str, dict.fromkeys(table["assay"]))))
        result = model_assay(rows, assay, plan.max_dispersion)
        attrs = provenance(step=f"analysis:{MECHANISM}_{name}",
                           parameters={**plan.model_dump(mode="json"), "assay_name": name})
        write_table(store, layout.result_group(MECHANISM, name),
                    result.assign(row=np.arange(len(result))), dim="row", index="row",
                    attrs=attrs)
        summary[name] = assay_statements(result)
    return summary


def assay_statements(result: pd.DataFrame) -> list[str]:
    """Plain-language statements of one assay's result, labelled by the assay, e.g.
    ``CHX chase (chx_egfr): EGFR half-life 2.0 h in sens_cells, 5.8 h (95% CI 5.1-6.7) in
    sens_cells_res_exo (slope vs sens_cells p 3e-08)``."""
    kind, assay, target = result["kind"].iloc[0], result["assay"].iloc[0], \
        result["target"].iloc[0]
    label = f"{_LABEL[kind]} ({assay})"
    what = f"{target} " if target else ""
    if kind == "chase":
        parts = []
        for row in result.itertuples():
            text = f"{row.value:.1f} h (95% CI {row.ci_low:.1f}-{row.ci_high:.1f}) in {row.term}"
            if np.isfinite(row.p_value):
                text += f" (slope p {significant(row.p_value, 2)})"
            parts.append(text)
        return [f"{label}: {what}half-life " + ", ".join(parts)]
    measure = result["measure"].iloc[0].replace("_", " ")
    return [f"{label}: {what}{measure} {row.value:.2f} for {row.term} (95% CI "
            f"{row.ci_low:.2f}-{row.ci_high:.2f}, p {significant(row.p_value, 2)}; "
            f"{row.family})" for row in result.itertuples()]


def assay_names(store: str | Path) -> list[str]:
    """The stored assay results, chases first, then westerns, colonies and apoptosis (the
    order of the argument: degradation, steady state, function)."""
    rank = {kind: i for i, kind in enumerate(_LABEL)}
    kinds = {name: recorded_parameters(store, MECHANISM, name)["assays"][name]["kind"]
             for name in result_names(store, MECHANISM)}
    return sorted(kinds, key=lambda name: (rank[kinds[name]], name))


def mechanism_findings(store: str | Path) -> list[str]:
    """Every assay's statements, from the stored results."""
    return [line for name in assay_names(store)
            for line in assay_statements(read_result(store, MECHANISM, name))]
