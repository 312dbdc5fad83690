"""``omics clinical`` and ``omics dose-response``: clinical and pharmacological analyses.

Registered on the ``omics`` command line by :mod:`omics.cli.main`; user errors raise
:class:`~omics.errors.OmicsInputError`, which the CLI prints as one line (exit status 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from omics.cli.console import console
from omics.errors import OmicsInputError

__all__ = ["clinical_command", "dose_response_command"]



def _names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def clinical_command(
    store: Annotated[Path, typer.Argument(help="A study store with a clinical table.")],
    biomarker: Annotated[str, typer.Option(help="Continuous biomarker column.")],
    outcome: Annotated[str, typer.Option(help="Response column (ordered categories).")],
    covariates: Annotated[str | None, typer.Option(
        help="Comma-separated covariates for the logistic and Cox models.")] = None,
    positive: Annotated[str | None, typer.Option(
        help="Comma-separated outcome levels counted as positive (default: the last).")] = None,
    time: Annotated[str | None, typer.Option(help="Survival time column.")] = None,
    event: Annotated[str | None, typer.Option(help="Survival event column (1 = event).")
                     ] = None,
    cutoff: Annotated[float | None, typer.Option(
        help="Biomarker cut-off for the Kaplan-Meier groups (default: the median).")] = None,
    out: Annotated[Path | None, typer.Option(help="Also write the result tables here (TSV).")
                   ] = None,
) -> None:
    """Biomarker vs outcome (Kruskal-Wallis, Mann-Whitney, Jonckheere-Terpstra, ROC,
    logistic regression) and, with --time/--event, Kaplan-Meier, log-rank and Cox."""
    from omics.io.study import ClinicalPlan, SurvivalPlan
    from omics.steps.clinical import clinical_analysis
    from omics.steps.summary import clinical_findings
    from omics.store import layout, open_table
    from omics.store.atomic import write_table_atomically
    from omics.store.input_keys import input_key, mark_group
    from omics.store.results import read_result, result_names
    from omics.store.staged_results import staged_results

    if not (store / layout.CLINICAL / "zarr.json").exists():
        raise OmicsInputError(store, "no clinical group", "a study store with a clinical table "
                              "(omics ingest)")
    columns = list(open_table(store, layout.CLINICAL).columns)
    wanted = [biomarker, outcome, *_names(covariates)] + [c for c in (time, event) if c]
    for name in wanted:
        if name not in columns:
            raise OmicsInputError(store / layout.CLINICAL, f"no column {name!r}",
                                  "one of " + ", ".join(columns))
    if (time is None) != (event is None):
        raise OmicsInputError("command line", "only one of --time and --event",
                              "both --time and --event, or neither")
    plan = ClinicalPlan(biomarker=biomarker, response=outcome, positive=_names(positive),
                        covariates=_names(covariates),
                        survival=SurvivalPlan(time=time, event=event, cutoff=cutoff)
                        if time else None)
    with staged_results(store, "clinical"):  # a failure leaves the previous results
        summary = clinical_analysis(store, plan)
        # the pipeline must not take these results for its own cached clinical analysis
        mark_group(store, f"{layout.RESULTS}/clinical", input_key(
            "omics clinical", plan.model_dump(mode="json")))
        if out:  # this run's tables only, read before another run can replace them
            for name in result_names(store, "clinical"):
                write_table_atomically(read_result(store, "clinical", name),
                                       out / f"{name}.tsv", float_format="%.10g")
    for line in clinical_findings(summary):
        console.print(f"- {line}")
    if out:
        console.print(f"Tables of this analysis in {out}; also in {store}/results/clinical")


def _numeric_table(path: Path, doses: list[str], response: str, text: list[str]
                   ) -> pd.DataFrame:
    """Doses (non-negative), the response (any finite number: noise makes viability dip
    below 0) and text columns of a delimited file, with located errors."""
    from omics.io.delimited import parse_numeric_columns, read_text_table

    frame = read_text_table(path)
    for name in [*doses, response, *text]:
        if name not in frame.columns:
            raise OmicsInputError(path, f"columns {list(frame.columns)[:8]}",
                                  f"a {name!r} column", line=1)
    table = pd.DataFrame(parse_numeric_columns(frame, doses, path), columns=doses)
    table[response] = parse_numeric_columns(frame, [response], path, allow_negative=True)[:, 0]
    for name in text:
        table[name] = frame[name].to_numpy()
    return table


def _ratio(text: str) -> tuple[str, str, str]:
    name, _, pair = text.partition("=")
    numerator, _, denominator = pair.partition("/")
    if not (name and numerator and denominator):
        raise OmicsInputError("command line", f"--ratio {text}",
                              "--ratio NAME=NUMERATOR/DENOMINATOR, e.g. "
                              "resistance_index=res_cells/sens_cells")
    return name, numerator, denominator


def dose_response_command(
    table: Annotated[Path, typer.Argument(help="CSV/TSV: one row per well or replicate.")],
    out: Annotated[Path, typer.Option(help="Folder for fits.tsv, ratios.tsv, "
                                           "combination.tsv.")],
    condition: Annotated[str, typer.Option(help="Condition column (one fit each).")
                         ] = "condition",
    dose: Annotated[str, typer.Option(help="Dose column (uM).")] = "dose",
    response: Annotated[str, typer.Option(help="Response column (% viability).")
                        ] = "viability_pct",
    ratio: Annotated[list[str] | None, typer.Option(
        help="IC50 ratio NAME=NUMERATOR/DENOMINATOR (repeatable).")] = None,
    second_drug: Annotated[str | None, typer.Option(
        help="Second drug's dose column: the table is a checkerboard (Bliss excess and "
             "combination index; no --condition).")] = None,
) -> None:
    """Four-parameter logistic fits with IC50 and CI per condition, IC50 ratios, and for a
    checkerboard, Bliss excess and the combination index."""
    from omics.stats.dose_response import (
        combination_table,
        fit_dose_response,
        ic50_ratio,
    )
    from omics.steps.summary import dose_response_findings
    from omics.store.atomic import write_table_atomically

    if second_drug:
        data = _numeric_table(table, [dose, second_drug], response, [])
        merged = combination_table(data, dose, second_drug, response)
        write_table_atomically(merged, out / "combination.tsv", float_format="%.10g")
        console.print(f"{len(merged)} dose pairs: mean Bliss excess "
                      f"{merged['excess'].mean():.3f}, median combination index "
                      f"{np.nanmedian(merged['combination_index']):.2f}; wrote "
                      f"{out / 'combination.tsv'}")
        return
    data = _numeric_table(table, [dose], response, [condition])
    fits = fit_dose_response(data, condition, dose, response)
    ratios = []
    for name, numerator, denominator in map(_ratio, ratio or []):
        for level in (numerator, denominator):
            if level not in set(fits["condition"]):
                raise OmicsInputError(table, f"no condition {level!r}",
                                      "one of " + ", ".join(map(str, fits["condition"])))
        ratios.append({"ratio_name": name, **ic50_ratio(fits, numerator, denominator)})
    write_table_atomically(fits, out / "fits.tsv", float_format="%.10g")
    if ratios:
        write_table_atomically(pd.DataFrame(ratios), out / "ratios.tsv", float_format="%.10g")
    summary = {"fits": fits.to_dict("records"), "ratios": ratios}
    for line in dose_response_findings(summary):
        console.print(f"- {line}")
    console.print(f"Wrote {out}")
