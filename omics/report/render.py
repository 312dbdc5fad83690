"""Build ``report.html`` from a study store: every section whose data the store holds.

Sections without data (e.g. no transcriptomics) are left out rather than drawn empty. The
file is self-contained: figures are embedded PNGs, the table sorting is a few lines of inline
script, nothing is fetched from the network.

Examples
--------
>>> import tempfile, pathlib
>>> from omics.simulate import simulate_cohort
>>> from omics.steps.ingest import ingest_study
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> store = ingest_study(simulate_cohort(d / "c", scale="small"), d / "s.zarr")
>>> html = build_report(store, d / "report.html").read_text()
>>> "Quality control" in html, "Differential abundance" in html
(True, False)
"""

from __future__ import annotations

import json
import platform
import re
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import zarr
from sklearn.metrics import roc_curve

from omics.io.anndata_convert import coordinate_frame
from omics.pl import figures as plots
from omics.pl.interactive import bokeh_script, interactive_volcano
from omics.pl.labels import readable, significant
from omics.preprocess import log2_intensity
from omics.report.batch_qc import batch_pca
from omics.report.factor_section import factor_methods, factor_section
from omics.report.figure_encoder import encode_later
from omics.report.headline import headline_numbers
from omics.report.mechanism_section import mechanism_methods, mechanism_section
from omics.report.network_section import network_section
from omics.report.pathway_section import pathway_methods, pathway_section
from omics.stats.roc import roc_confidence_band
from omics.stats.selection import select_samples
from omics.steps.analysis import (
    DIFFERENTIAL_PROTEOMICS,
    analysed_steps,
    normalised_proteomics,
    recorded_proteomics_plan,
)
from omics.steps.sample_map import subjects_missing
from omics.steps.summary import (
    AXIS_GENES,
    differential_analyses,
    differential_overview,
    recorded_findings,
)
from omics.steps.summary import findings as differential_findings
from omics.store import layout
from omics.store.atomic import write_atomically
from omics.store.reader import describe_groups, open_proteomics, open_table
from omics.store.results import open_result, read_result, recorded_parameters, result_names
from omics.store.variables import flat_name

__all__ = ["build_report"]

_PACKAGES = ("numpy", "scipy", "pandas", "xarray", "zarr", "dask", "anndata", "prefect",
             "statsmodels", "lifelines")


def _figure(figure, title: str) -> dict:
    return {"uri": encode_later(figure), "title": title}


def _group_rows(store: Path) -> tuple[list[dict], list[dict]]:
    rows, files = [], {}
    for group in describe_groups(store):
        rows.append({"name": group["group"], "shape": " x ".join(map(str, group["shape"])),
                     "step": group["step"], "flow_run": group["prefect_flow_run_id"] or "-"})
        files.update({entry["file"]: entry for entry in group["source_files"]})
    return rows, list(files.values())


def _qc(store: Path) -> list[dict]:
    if not (store / layout.PROTEOMICS / "zarr.json").exists():
        return []
    dataset = open_proteomics(store)
    everything = coordinate_frame(dataset, "sample")
    raw = np.asarray(log2_intensity(dataset["intensity"]).values)
    values, samples = normalised_proteomics(store)
    matrix = np.asarray(values.values)
    missing = pd.Series(np.isnan(raw).mean(axis=0), index=everything.index)
    group = everything["plex"] if "plex" in everything \
        else pd.Series("all", index=everything.index)
    figures = [_figure(plots.missing_per_sample(missing, group),
                       "Missing values per sample (coloured by plex)")]
    figures.append(_figure(plots.distributions(raw, everything.index, "log2 intensity"),
                           "Intensity distributions before normalisation (every sample)"))
    left_out = len(everything) - len(samples)
    figures.append(_figure(plots.distributions(matrix, samples.index, "log2 intensity "
                                               "(normalised)"),
                           "Intensity distributions after normalisation (the analysed "
                           f"samples{f'; {left_out} left out by the plan' if left_out else ''})"))
    if {"plex", "reference"} <= set(everything.columns) and \
            everything["reference"].astype(bool).any():
        reference = everything["reference"].astype(bool)
        pooled = pd.DataFrame(raw[:, reference.to_numpy()]).corr().to_numpy()
        lowest = pooled[np.triu_indices_from(pooled, k=1)].min() if len(pooled) > 1 \
            else np.nan
        figures.append(_figure(plots.reference_channels(raw, everything["plex"], reference),
                               "Reference channels across plexes (before normalisation; "
                               f"lowest Pearson r between plexes' references {lowest:.3f})"))
    complete = matrix[np.isfinite(matrix).all(axis=1)]
    if complete.shape[0] > 3:
        labels = _design_groups(samples, recorded_proteomics_plan(store))
        figures.append(_figure(plots.pca_scatter(complete, labels),
                               "PCA of the analysed samples (complete proteins; colour: "
                               f"{labels.name})"))
        plan = recorded_proteomics_plan(store)
        batch = batch_pca(dataset["intensity"].sel(sample=samples.index.to_numpy()), values,
                          samples, plan, analysed_steps(plan), labels)
        if batch is not None:
            figures.append(_figure(*batch))
    return figures


def _design_groups(samples: pd.DataFrame, plan) -> pd.Series:
    """The samples' groups for colouring: the first sample column the analysis design names,
    else ``condition``, else one group."""
    formula = plan.design.split("~", 1)[-1] if plan is not None else ""
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula):
        if word in samples.columns:
            return samples[word].astype(str).rename(word)
    if "condition" in samples:
        return samples["condition"].astype(str).rename("condition")
    return pd.Series("samples", index=samples.index, name="one group")


def _full_table(out: Path, analysis: str, name: str) -> str | None:
    """Relative link from the report to the pipeline's TSV of one result, when it is there."""
    path = out.parent / "results" / f"{analysis}__{name}.tsv"
    return f"results/{path.name}" if path.exists() else None


def _differential(store: Path, out: Path) -> list[dict]:
    sections = []
    for analysis in differential_analyses(store):
        for contrast in result_names(store, analysis):
            overview = differential_overview(store, analysis, contrast)
            table = overview["table"]
            top = table.dropna(subset=["p_value"]).sort_values("p_value").head(15)[
                ["feature", "gene", "log2_fc", "ci_low", "ci_high", "p_value", "fdr"]]
            top = top.round({"log2_fc": 3, "ci_low": 3, "ci_high": 3})
            top["p_value"] = top["p_value"].map(significant)
            top["fdr"] = top["fdr"].map(significant)
            sections.append({
                "analysis": analysis.replace("_", " "), "contrast": contrast,
                "anchor": f"{analysis}-{contrast}", "full": _full_table(out, analysis, contrast),
                **{k: overview[k] for k in ("tested", "total", "untestable", "filtered",
                                            "samples", "non_estimable", "method",
                                            "preprocessing", "n_samples", "n_samples_total")},
                "counts": {level: int((table["fdr"] < level).sum()) for level in
                           sorted({0.01, 0.05, 0.1, overview["fdr_level"]})},
                "fdr_level": overview["fdr_level"],
                "uri": encode_later(plots.volcano(table, contrast, set(AXIS_GENES))),
                "interactive": interactive_volcano(table, contrast, set(AXIS_GENES),
                                                   overview["fdr_level"]),
                "top": top.astype({"gene": object}).fillna(""),
            })
    return sections


def _protein_mrna(store: Path) -> list[dict]:
    if "correlation" not in result_names(store, "protein_mrna"):
        return []
    result = open_result(store, "protein_mrna", "correlation")
    figures = []
    for contrast in result["contrast"].values.astype(str):
        data = result[["protein_log2_fc", "mrna_log2_fc", "protein_mrna_class"]].sel(
            contrast=contrast).to_dataframe().reset_index().rename(
            columns={"protein_mrna_class": "discordance"}).dropna(
            subset=["protein_log2_fc", "mrna_log2_fc"])
        figures.append(_figure(plots.protein_vs_mrna(data, contrast, set(AXIS_GENES)),
                               f"Protein vs mRNA fold change, {contrast} (orange: protein "
                               "changes without mRNA change)"))
    return figures


def _clinical(store: Path) -> list[dict]:
    names = result_names(store, "clinical")
    if not names:
        return []
    plan = recorded_parameters(store, "clinical", names[0])
    clinical = open_table(store, layout.CLINICAL)
    clinical = clinical.loc[select_samples(clinical, plan.get("subjects")).to_numpy()]
    figures = _response_figures(store, clinical, plan) if "roc" in names else []
    survival = plan.get("survival")
    if survival and plan.get("biomarker"):
        from omics.stats.survival import kaplan_meier_by_group

        km = kaplan_meier_by_group(clinical, plan["biomarker"], survival["time"],
                                   survival["event"], survival.get("cutoff"))
        figures.append(_figure(plots.kaplan_meier(km.groups, km.logrank_p,
                                                  readable(survival["time"])),
                               f"Kaplan-Meier by {plan['biomarker']} (cut-off {km.cutoff:.3g})"))
    if "genes" in names:
        genes = read_result(store, "clinical", "genes")
        if "cox_hazard_ratio_per_sd" in genes:
            tested = genes.dropna(subset=["cox_hazard_ratio_per_sd"])
            untested = sorted(set(genes["gene"]) - set(tested["gene"]))
            title = (f"Survival ({survival['time']}) by each gene's "
                     f"{plan['genes']['modality']} expression: univariable Cox")
            if untested:
                title += f"; not measured: {', '.join(untested)}"
            figures.append(_figure(plots.hazard_ratio_forest(tested, "Cox per gene"), title))
    return figures


def _response_figures(store: Path, clinical: pd.DataFrame, plan: dict) -> list[dict]:
    from omics.steps.clinical import positive_outcome

    marker = clinical[plan["biomarker"]].to_numpy(float)
    response = clinical[plan["response"]]
    figures = [_figure(plots.biomarker_by_response(marker, response.array, plan["biomarker"],
                                                   plan["response"]),
                       f"{plan['biomarker']} by {plan['response']}")]
    outcome = positive_outcome(response, plan.get("positive", [])).to_numpy()
    ok = np.isfinite(marker) & np.isfinite(outcome)
    roc = read_result(store, "clinical", "roc").iloc[0]
    fpr, tpr, _ = roc_curve(outcome[ok], marker[ok])
    figures.append(_figure(plots.roc_curve_figure(
        fpr, tpr, roc["auc"], (roc["ci_low"], roc["ci_high"]),
        {"value": roc["cutoff"], "sensitivity": roc["sensitivity"],
         "specificity": roc["specificity"], "label": "Youden"},
        roc_confidence_band(marker[ok], outcome[ok].astype(int))),
                           f"ROC of {plan['biomarker']} ({roc['ci_method']} CI)"))
    return figures


def _dose_response(store: Path) -> list[dict]:
    if "fits" not in result_names(store, "dose_response"):
        return []
    plan = recorded_parameters(store, "dose_response", "fits")
    table = open_table(store, layout.table_group(plan["table"]))
    fits = read_result(store, "dose_response", "fits")
    return [_figure(plots.dose_response_curves(table, fits, plan["condition"], plan["dose"],
                                               plan["response"]),
                    "Dose-response with four-parameter logistic fits")]


def _pathways(store: Path, out: Path) -> dict | None:
    section = pathway_section(store, lambda analysis, name: _full_table(out, analysis, name))
    if section is not None:
        section["figures"] = [_figure(f["figure"], f["title"]) for f in section["figures"]]
    return section


def _factors(store: Path, out: Path) -> dict | None:
    section = factor_section(store, lambda analysis, name: _full_table(out, analysis, name))
    if section is not None:
        section["figures"] = [_figure(f["figure"], f["title"]) for f in section["figures"]]
    return section


def _mechanism(store: Path, out: Path) -> dict | None:
    section = mechanism_section(store, lambda analysis, name: _full_table(out, analysis, name),
                                AXIS_GENES)
    if section is not None:
        for part in section["ptm"] + section["assays"]:
            if "figure" in part:
                part["uri"] = encode_later(part.pop("figure"))
    return section


def _network(store: Path, out: Path) -> dict | None:
    if "nodes" not in result_names(store, "network"):
        return None
    plan = recorded_parameters(store, "network", "nodes")
    contrast = plan.get("colour_contrast")
    section = network_section(store, plan.get("seeds_used") or plan.get("seeds") or [],
                              flat_name("protein_log2_fc", contrast) if contrast else None)
    if section is not None:
        section["seed_rule"] = plan.get("seed_rule", "")
        section["prior"] = plan.get("prior", True)
        section["full_nodes"] = _full_table(out, "network", "nodes")
        section["full_edges"] = _full_table(out, "network", "edges")
    return section


_METHOD_WORDS = {
    "moderated": "limma-style moderated t statistics (lmFit, contrasts.fit, eBayes; omics-axis "
                 "port, equal to R limma 3.54 to 1e-10)",
    "voom": "limma-voom (edgeR filterByExpr and TMM, voom precision weights, weighted lmFit, "
            "eBayes; equal to R edgeR 3.40 / limma 3.54 to 1e-9)",
    "welch": "Welch two-sample t tests",
    "wilcoxon": "Wilcoxon rank-sum tests",
}


def _step_words(step: dict) -> str:
    """A recorded preprocessing step in words; ComBat with its batches, what it protected
    and what it could not adjust."""
    if step.get("step") != "combat":
        return step["step"].replace("_", " ")
    protected = ", ".join(step.get("covariates") or []) or "nothing"
    prior = "parametric" if step.get("parametric", True) else "non-parametric"
    left = step.get("features_too_few_values", 0) + step.get("features_constant_in_a_batch", 0)
    mean_only = ", mean only" if step.get("mean_only") else ""
    batches = ", ".join(step.get("batches", []))
    return (f"ComBat (port of sva::ComBat, {prior} prior{mean_only}) over the batches "
            f"{batches} protecting "
            f"{protected}, {step.get('features_adjusted', '?')} features adjusted"
            + (f", {left} left unadjusted (too few values or constant in a batch)"
               if left else ""))


def _differential_method(store: Path, analysis: str) -> str | None:
    names = result_names(store, analysis)
    if not names:
        return None
    plan = recorded_parameters(store, analysis, names[0])
    applied = plan.get("preprocessing_applied", "")
    try:
        steps = ", ".join(_step_words(s) for s in json.loads(applied))
    except (json.JSONDecodeError, TypeError):
        steps = str(applied)
    subject = "Proteomics intensities" if analysis == DIFFERENTIAL_PROTEOMICS else \
        f"The {analysis.removeprefix('differential_transcriptomics_')} expression values"
    method = _METHOD_WORDS.get(plan.get("method", "moderated"), plan.get("method"))
    options = [word for flag, word in (("trend", "with an intensity trend (limma-trend)"),
                                       ("robust", "robust to outlier variances"),
                                       ("sample_weights", "with sample quality weights"))
               if plan.get(flag)]
    prior = plan.get("df_prior")
    prior_text = "" if prior is None else "; prior df infinite (variances fully moderated)" \
        if prior == float("inf") else f"; prior df {prior:.3g}"
    return (f"{subject} were preprocessed by {steps or 'no step'}. Differences were tested "
            f"with {method}{' ' + ', '.join(options) if options else ''} on the design "
            f"'{plan.get('design')}' with samples '{plan.get('samples') or 'all'}' "
            f"({plan.get('n_samples', '?')} of {plan.get('n_samples_total', '?')}){prior_text}, "
            f"for the contrasts {', '.join(names)}. P-values were adjusted by "
            f"{'Storey q-values' if plan.get('fdr') == 'storey' else 'Benjamini-Hochberg'}; "
            f"features are called at FDR < {plan.get('fdr_level', 0.05):g}.")


def _methods(store: Path) -> list[str]:
    text = [line for analysis in differential_analyses(store)
            if (line := _differential_method(store, analysis))]
    if "correlation" in result_names(store, "protein_mrna"):
        plan = recorded_parameters(store, "protein_mrna", "correlation")
        pairing = f"the sample-sheet column '{plan['pair_by']}'" if plan.get("pair_by") \
            else "identical sample ids"
        text.append(f"Protein and mRNA were paired by {pairing} ({plan.get('pairs', '?')} "
                    "pairs) and correlated per gene (Pearson, BH FDR); a gene whose protein "
                    "changes (FDR < 0.05) while its mRNA does not is reported as protein-only, "
                    "the signature of changed protein stability.")
    if result_names(store, "gene_pairs"):
        text.append("Gene pairs were correlated across samples by Spearman's rho.")
    if result_names(store, "clinical"):
        text.append("The clinical biomarker was compared across ordered response categories "
                    "by Kruskal-Wallis, Holm-corrected pairwise Mann-Whitney tests and the "
                    "Jonckheere-Terpstra trend test; ROC AUC with a DeLong interval; logistic "
                    "regression with covariates; Kaplan-Meier with the log-rank test and Cox "
                    "proportional hazards (lifelines) for survival.")
    if result_names(store, "dose_response"):
        text.append("Dose-response curves were fitted with a four-parameter logistic model "
                    "(scipy curve_fit); IC50 intervals from the fit covariance on the log "
                    "scale; drug combinations by Bliss excess and the Chou-Talalay index.")
    text += mechanism_methods(store)
    if (pathways := pathway_methods(store)):
        text.append(pathways)
    if (factors := factor_methods(store)):
        text.append(factors)
    if "nodes" in result_names(store, "network"):
        plan = recorded_parameters(store, "network", "nodes")
        layers = ", ".join(
            f"{n['format']} ({Path(n['path']).name}"
            + (f", score >= {n['min_score']})" if "min_score" in n else ")")
            for n in plan.get("networks", [])) or "no database layer"
        prior = ("The curated ANXA6-EGFR-ubiquitin layer (prior knowledge, not measured in "
                 f"this study) was merged with {layers}." if plan.get("prior", True)
                 else f"Network: {layers} (no prior layer).")
        seeds = plan.get("seed_rule") or ", ".join(plan.get("seeds") or [])
        text.append(f"{prior} Random walk with restart (restart {plan.get('restart')}) from "
                    f"{seeds}; empirical p-values from "
                    f"{plan.get('n_random')} degree-preserving randomised networks (seed "
                    f"{plan.get('seed')}"
                    + ("; their counts read from the cache of an earlier run on the same "
                       "graph and seeds" if plan.get("randomisations") == "cached" else "")
                    + "); the context subnetwork holds the seeds, the "
                    f"{plan.get('top')} highest-scoring genes with p <= {plan.get('alpha')}"
                    + (" and the curated axis" if plan.get("prior", True) else "")
                    + ", joined by shortest paths; Louvain modules; "
                    "over-representation by the hypergeometric test with BH FDR.")
    return text or ["No analysis results are in this store yet (run omics run)."]


def _summary(store: Path, lines: list[str] | None) -> tuple[list[str], str]:
    """The finding lines for the top of the report, and a note on where they come from."""
    if lines is not None:
        return lines, ""
    recorded = recorded_findings(store)
    if recorded is not None:
        return recorded, ""
    if not (store / layout.RESULTS).exists():
        return [], "No analysis results are in this store yet (run omics run)."
    return (differential_findings(store, {}),
            "The summary of the last pipeline run no longer matches the store's results (or "
            "there was none): only the differential results are summarised here; run "
            "omics run for the full summary.")


def build_report(store: str | Path, out: str | Path, findings: list[str] | None = None
                 ) -> Path:
    """Write the report of ``store`` to ``out`` (atomically) and return its path.

    ``findings`` are the summary lines of the run (:func:`omics.steps.summary.findings`);
    without them the lines recorded in the store by the last run are used while its results
    are unchanged.
    """
    store, out = Path(store), Path(out)
    lines, note = _summary(store, findings)
    differential, network = _differential(store, out), _network(store, out)
    group_rows, files = _group_rows(store)
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files("omics.report").joinpath(
            "templates", name).read_text()),
        autoescape=jinja2.select_autoescape(["html", "j2"]))
    versions = {"python": platform.python_version()} | {
        name: metadata.version(name) for name in _PACKAGES}
    html = environment.get_template("report.html.j2").render(
        study=zarr.open_group(str(store), mode="r").attrs.get("study", store.name),
        store=str(store), created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=metadata.version("omics-axis"), groups=group_rows, files=files,
        missing_subjects={m: len(s) for m, s in subjects_missing(store).items() if s},
        versions=versions, qc=_qc(store), differential=differential,
        protein_mrna=_protein_mrna(store), clinical=_clinical(store),
        clinical_biomarker="roc" in result_names(store, "clinical"),
        dose_response=_dose_response(store), mechanism=_mechanism(store, out),
        network=network,
        pathways=_pathways(store, out), factors=_factors(store, out),
        methods=_methods(store), findings=lines, findings_note=note,
        headline=headline_numbers(store), bokeh=bokeh_script() if differential or network
        else "")
    return write_atomically(out, html)
