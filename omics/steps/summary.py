"""End-of-run summary of the main findings, and export of result tables as TSV."""

from __future__ import annotations

import json
from pathlib import Path

from omics.pl.labels import significant
from omics.steps.analysis import DIFFERENTIAL_PROTEOMICS
from omics.steps.mechanism import mechanism_findings
from omics.store import layout
from omics.store.input_keys import recorded_key
from omics.store.results import read_result, recorded_parameters, result_names

__all__ = [
    "AXIS_GENES",
    "clinical_findings",
    "counted",
    "differential_analyses",
    "differential_overview",
    "dose_response_findings",
    "export_results",
    "export_table",
    "findings",
    "record_findings",
    "recorded_findings",
    "render_markdown",
]

#: Attribute of the store's ``results`` group holding the last run's findings and the input
#: keys of the results they describe.
FINDINGS_ATTR = "omics_findings"

AXIS_GENES = ("ANXA6", "EGFR", "CBL")


def export_table(store: str | Path, analysis: str, name: str):
    """One result as exported: columns in the analysis' order (differential results:
    feature, gene, log2_fc, ci_low, ci_high, mean_expr, t, p_value, fdr, df_total, as in
    the README's mapping to limma's topTable), rows by increasing p-value where there is
    one (missing p last)."""
    table = read_result(store, analysis, name)
    p_column = next((c for c in ("p_value", "p") if c in table), None)
    if p_column is not None:
        table = table.sort_values(p_column, kind="stable", na_position="last")
    return table.reset_index(drop=True)


def export_results(store: str | Path, out_dir: str | Path) -> list[str]:
    """Write every result table of the store as ``<analysis>__<name>.tsv`` in ``out_dir``
    (:func:`export_table`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = Path(store) / layout.RESULTS
    written = []
    for analysis_dir in sorted(p for p in results.iterdir() if p.is_dir()):
        for name in result_names(store, analysis_dir.name):
            path = out / f"{analysis_dir.name}__{name}.tsv"
            export_table(store, analysis_dir.name, name).to_csv(path, sep="\t", index=False)
            written.append(str(path))
    return written


def differential_analyses(store: str | Path) -> list[str]:
    """The store's differential analyses: proteomics first, then each transcriptomics
    modality."""
    results = Path(store) / layout.RESULTS
    transcriptomics = sorted(p.name for p in results.glob("differential_transcriptomics_*"))
    return [DIFFERENTIAL_PROTEOMICS, *transcriptomics]


def differential_overview(store: str | Path, analysis: str, contrast: str) -> dict:
    """What one differential result tested and how: its table, the features tested, those in
    the table but not testable, those removed by preprocessing filters, the method, the
    preprocessing steps and the samples.

    Examples
    --------
    >>> import tempfile
    >>> from omics.simulate import simulate_cohort
    >>> from omics.io.study import load_study
    >>> from omics.steps.ingest import ingest_study
    >>> from omics.steps.analysis import differential_proteomics
    >>> d = tempfile.mkdtemp()
    >>> study = load_study(simulate_cohort(d, scale="small"))
    >>> store = ingest_study(study.path, d + "/s.zarr")
    >>> _ = differential_proteomics(store, study.analysis.proteomics)
    >>> contrast = next(iter(study.analysis.proteomics.contrasts))
    >>> overview = differential_overview(store, "differential_proteomics", contrast)
    >>> overview["tested"] == overview["total"] - overview["untestable"] - overview["filtered"]
    True
    """
    table = read_result(store, analysis, contrast)
    if "gene" not in table:
        table["gene"] = table["feature"]
    plan = recorded_parameters(store, analysis, contrast)
    applied = plan.get("preprocessing_applied", "")
    try:
        steps = json.loads(applied) if applied else []
    except json.JSONDecodeError:  # a default described in words
        steps = [{"step": applied}]
    filtered = sum(len(step.get("removed", [])) for step in steps if isinstance(step, dict))
    tested = int(table["p_value"].notna().sum())
    return {
        "table": table, "tested": tested, "untestable": len(table) - tested,
        "filtered": filtered, "total": len(table) + filtered,
        "method": plan.get("method", "moderated"),
        "preprocessing": [step.get("step", "?") for step in steps if isinstance(step, dict)],
        "samples": plan.get("samples"), "non_estimable": plan.get("non_estimable") or [],
        "n_samples": plan.get("n_samples"), "n_samples_total": plan.get("n_samples_total"),
        "fdr_level": float(plan.get("fdr_level", 0.05)),
    }


def counted(count: int, plural: str) -> str:
    """``count`` and its noun, singular for one.

    Examples
    --------
    >>> counted(1, "proteins"), counted(1_234, "features"), counted(0, "proteins")
    ('1 protein', '1,234 features', '0 proteins')
    """
    return f"{count:,} {plural.removesuffix('s') if count == 1 else plural}"


def _tested_words(overview: dict, unit: str) -> str:
    if overview["tested"] == overview["total"]:
        return ""
    words = f" ({overview['tested']:,} of {overview['total']:,} {unit} tested"
    if overview["filtered"]:
        words += f"; {overview['filtered']:,} removed by preprocessing filters"
    if overview["untestable"]:
        words += f"; {overview['untestable']:,} with too few values"
    return words + ")"


def _differential_line(store, analysis: str, contrast: str) -> str:
    overview = differential_overview(store, analysis, contrast)
    table = overview["table"]
    level = overview["fdr_level"]
    called = table[table["fdr"] < level]
    by_gene = table.dropna(subset=["gene"]).drop_duplicates("gene").set_index("gene")
    axis = [f"{g} {2 ** by_gene.at[g, 'log2_fc']:.2f}x (FDR {significant(by_gene.at[g, 'fdr'], 2)})"
            for g in AXIS_GENES if g in by_gene.index]
    top = table.dropna(subset=["p_value"]).sort_values("p_value").head(5)
    names = top["gene"].where(top["gene"].notna() & (top["gene"] != ""), top["feature"])
    if analysis == DIFFERENTIAL_PROTEOMICS:
        what, unit = "Proteome", "proteins"
    else:
        what = "Expression " + analysis.removeprefix("differential_transcriptomics_")
        unit = "features"
    method = {"voom": "limma voom", "moderated": "limma"}.get(overview["method"],
                                                              overview["method"])
    if overview["n_samples"] is not None and overview["n_samples"] < overview["n_samples_total"]:
        method += (f"; {overview['n_samples']} of {overview['n_samples_total']} samples: "
                   f"{overview['samples']}")
    return (f"{what} {contrast} ({method}): {counted(len(called), unit)} at FDR < {level:g}"
            f"{_tested_words(overview, unit)} ({int((called['log2_fc'] > 0).sum()):,} up, "
            f"{int((called['log2_fc'] < 0).sum()):,} down); "
            + "".join(f"{a}; " for a in axis) + "top: " + ", ".join(map(str, names)))


def findings(store: str | Path, analyses: dict) -> list[str]:
    """Plain-language lines on every differential contrast (what was tested, the axis genes,
    the top hits), the clinical biomarker, doses and gene pairs."""
    lines = [_differential_line(store, analysis, contrast)
             for analysis in differential_analyses(store)
             for contrast in result_names(store, analysis)]
    from omics.steps.ptm import ptm_findings  # noqa: PLC0415 - ptm imports analysis

    lines += ptm_findings(store, AXIS_GENES)
    lines += mechanism_findings(store)
    protein_mrna = analyses.get("protein_mrna")
    if protein_mrna:
        for contrast, genes in protein_mrna["protein_only"].items():
            named = [g for g in genes if g in AXIS_GENES] or genes[:5]
            example = f", e.g. {', '.join(named)}" if named else ""
            lines.append(f"Protein changes without mRNA change ({contrast}): {len(genes)} of "
                         f"{protein_mrna['genes']} genes paired on {protein_mrna['pairs']} "
                         f"samples{example}")
    clinical = analyses.get("clinical")
    if clinical:
        lines += clinical_findings(clinical)
    dose = analyses.get("dose_response")
    if dose:
        lines += dose_response_findings(dose)
    if analyses.get("pathways"):
        from omics.steps.pathways import pathway_findings  # noqa: PLC0415 - imports summary

        lines += pathway_findings(analyses["pathways"])
    if analyses.get("factors"):
        from omics.steps.factors import factor_findings  # noqa: PLC0415 - imports summary

        lines += factor_findings(analyses["factors"])
    for pair in analyses.get("gene_pairs", {}).get("pairs", []):
        lines.append(f"{pair['gene_a']}-{pair['gene_b']} mRNA in "
                     f"{analyses['gene_pairs']['modality']}: Spearman rho "
                     f"{pair['spearman_rho']:.2f} (p {significant(pair['spearman_p'], 2)}, "
                     f"n {pair['n']})")
    return lines


def _result_keys(store: Path) -> dict[str, str | None]:
    results = Path(store) / layout.RESULTS
    names = sorted(p.name for p in results.iterdir() if (p / "zarr.json").exists()
                   and not p.name.startswith(".")) if results.exists() else []
    return {name: recorded_key(store, f"{layout.RESULTS}/{name}") for name in names}


def record_findings(store: str | Path, lines: list[str]) -> None:
    """Keep a run's finding lines in the store with the keys of the results they describe,
    for the report (:func:`recorded_findings`)."""
    import zarr

    group = zarr.open_group(str(Path(store) / layout.RESULTS), mode="a", zarr_format=3)
    group.attrs[FINDINGS_ATTR] = json.dumps({"lines": lines, "keys": _result_keys(store)})


def recorded_findings(store: str | Path) -> list[str] | None:
    """The findings recorded by the last pipeline run, or ``None`` when there are none or
    any result changed since (e.g. ``omics clinical`` replaced the clinical analysis).

    Examples
    --------
    >>> import tempfile
    >>> from omics.store.writer import create_store
    >>> store = tempfile.mkdtemp() + "/s.zarr"
    >>> _ = create_store(store, study_name="demo")
    >>> record_findings(store, ["ANXA6 up 4.7x"])
    >>> recorded_findings(store)
    ['ANXA6 up 4.7x']
    """
    import zarr

    path = Path(store) / layout.RESULTS
    if not (path / "zarr.json").exists():
        return None
    recorded = zarr.open_group(str(path), mode="r").attrs.get(FINDINGS_ATTR)
    if recorded is None:
        return None
    recorded = json.loads(recorded)
    return recorded["lines"] if recorded["keys"] == _result_keys(store) else None


def clinical_findings(clinical: dict) -> list[str]:
    """Lines on the biomarker's response tests, survival, and each planned gene."""
    lines = _response_lines(clinical) if "roc" in clinical else []
    if clinical.get("subjects"):
        lines.insert(0, f"Clinical analyses on {clinical['n_subjects']} of "
                        f"{clinical['n_subjects_total']} subjects: {clinical['subjects']}")
    survival = clinical.get("survival")
    if survival:
        months = survival["median_months"]
        hr_low, hr_high = survival["hazard_ratio_ci"]
        lines.append(f"Survival by {clinical['biomarker']} (high vs low at "
                     f"{survival['cutoff']:.3g}): median {months['high']:.3g} vs "
                     f"{months['low']:.3g} months, log-rank p "
                     f"{significant(survival['logrank_p'], 2)}; Cox HR per SD "
                     f"{survival['hazard_ratio_per_sd']:.2f} ({hr_low:.2f}-{hr_high:.2f}), "
                     f"PH violated for: {', '.join(survival['ph_violated']) or 'none'}")
    for gene in clinical.get("genes", []):
        lines.append(_gene_line(gene, clinical.get("response")))
    return lines


def _response_lines(clinical: dict) -> list[str]:
    medians = ", ".join(f"{k} {v:.3g}" for k, v in clinical["median_by_level"].items())
    roc = clinical["roc"]
    low, high = clinical["odds_ratio_per_sd_ci"]
    lines = [f"{clinical['biomarker']} by {clinical['response']}: medians {medians}; "
             f"Jonckheere-Terpstra tau {clinical['jonckheere_tau']:.2f} "
             f"(p {significant(clinical['jonckheere_p'], 2)}); Spearman rho "
             f"{clinical['spearman_rho']:.2f} (p {significant(clinical['spearman_p'], 2)})",
             f"ROC for {'/'.join(clinical['positive'])}: AUC {roc['auc']:.2f} (95% CI "
             f"{roc['ci_low']:.2f}-{roc['ci_high']:.2f}), Youden cut-off {roc['cutoff']:.3g} "
             f"(sensitivity {roc['sensitivity']:.2f}, specificity {roc['specificity']:.2f}); "
             f"odds ratio per SD {clinical['odds_ratio_per_sd']:.2f} ({low:.2f}-{high:.2f})"]
    for pair in clinical["score_pairs"]:
        lines.append(f"{pair['a']} vs {pair['b']}: Spearman rho {pair['spearman_rho']:.2f} "
                     f"(95% CI {pair['ci_low']:.2f}-{pair['ci_high']:.2f}, "
                     f"p {significant(pair['spearman_p'], 2)}, n {pair['n']})")
    return lines


def _gene_line(gene: dict, response: str | None) -> str:
    if not gene.get("measured", True):
        return f"{gene['gene']}: not measured in {gene['modality']} (not tested)"
    parts = []
    if "jonckheere_tau" in gene:
        parts.append(f"vs {response}: tau {gene['jonckheere_tau']:.2f} "
                     f"(p {significant(gene['jonckheere_p'], 2)})")
    if "cox_hazard_ratio_per_sd" in gene:
        interval = (f" ({gene['cox_ci_low']:.2f}-{gene['cox_ci_high']:.2f})"
                    if "cox_ci_low" in gene else "")
        counts = (f", n {gene['cox_n']}, {gene['cox_events']} events"
                  if "cox_n" in gene else "")
        parts.append(f"Cox HR per SD {gene['cox_hazard_ratio_per_sd']:.2f}{interval} "
                     f"(p {significant(gene['cox_p'], 2)}{counts})")
    return f"{gene['gene']} {gene['modality']} expression: " + "; ".join(parts)


def dose_response_findings(dose: dict) -> list[str]:
    fits = ", ".join(f"{f['condition']} {f['ic50_um']:.3g} uM" if f["status"] == "ok"
                     else f"{f['condition']} ({f['status']})" for f in dose["fits"])
    lines = [f"IC50 (4PL): {fits}"]
    for ratio in dose["ratios"]:
        lines.append(f"{ratio['ratio_name']} ({ratio['numerator']}/{ratio['denominator']}): "
                     f"{ratio['ratio']:.2f} (95% CI {ratio['ci_low']:.2f}-{ratio['ci_high']:.2f})")
    combination = dose.get("combination")
    if combination:
        lines.append(f"Drug combination: mean Bliss excess "
                     f"{combination['mean_bliss_excess']:.3f}, median combination index "
                     f"{combination['median_combination_index']:.2f}")
    return lines


def render_markdown(title: str, lines: list[str], paths: dict[str, str]) -> str:
    """A short Markdown summary: findings as bullets, then where the outputs are.

    Examples
    --------
    >>> print(render_markdown("Run", ["EGFR up"], {"store": "s.zarr"}))
    # Run
    <BLANKLINE>
    - EGFR up
    <BLANKLINE>
    ## Outputs
    - store: `s.zarr`
    """
    body = [f"# {title}", ""] + [f"- {line}" for line in lines] + ["", "## Outputs"]
    body += [f"- {name}: `{path}`" for name, path in paths.items()]
    return "\n".join(body)
