"""Prefect flow: differential, protein-mRNA, clinical, dose-response and gene-pair analyses."""

from __future__ import annotations

from prefect import flow, task

from flows.runtime import IO_RETRIES, cluster_compute
from omics import analysis, clinical
from omics.io.study import load_study

__all__ = ["analyse_study"]


@task(**IO_RETRIES)
def differential_proteomics(store: str, study_yaml: str) -> dict:
    """limma moderated t of the proteome, on the cluster."""
    plan = load_study(study_yaml).analysis.proteomics
    with cluster_compute():
        return analysis.differential_proteomics(store, plan)


@task(**IO_RETRIES)
def differential_transcriptomics(store: str, study_yaml: str, modality: str) -> dict:
    """limma moderated t of one transcriptomics modality (log-CPM)."""
    plan = load_study(study_yaml).analysis.transcriptomics[modality]
    with cluster_compute():
        return analysis.differential_transcriptomics(store, modality, plan)


@task(**IO_RETRIES)
def protein_mrna(store: str, study_yaml: str) -> dict:
    """Per-gene protein-mRNA correlation and discordance."""
    plan = load_study(study_yaml).analysis.protein_mrna
    with cluster_compute():
        return analysis.protein_mrna(store, plan)


@task(**IO_RETRIES)
def clinical_analysis(store: str, study_yaml: str) -> dict:
    """Biomarker versus response, ROC, logistic regression, scores, survival, genes."""
    plan = load_study(study_yaml).analysis.clinical
    with cluster_compute():
        return clinical.clinical_analysis(store, plan)


@task(**IO_RETRIES)
def dose_response(store: str, study_yaml: str) -> dict:
    """4PL fits, IC50 ratios and drug combinations."""
    plan = load_study(study_yaml).analysis.dose_response
    with cluster_compute():
        return clinical.dose_response_analysis(store, plan)


@task(**IO_RETRIES)
def gene_pairs(store: str, study_yaml: str) -> dict:
    """Gene-pair correlation across one transcriptomics modality."""
    plan = load_study(study_yaml).analysis.gene_pairs
    with cluster_compute():
        return analysis.gene_pair_correlation(store, plan)


@flow(name="omics-analysis")
def analyse_study(store: str, study_yaml: str) -> dict:
    """Run every analysis the study's plan asks for; returns their summaries."""
    plan = load_study(study_yaml).analysis
    pending = {}
    if plan.proteomics:
        pending["differential_proteomics"] = differential_proteomics.submit(store, study_yaml)
    for modality in plan.transcriptomics:
        pending[f"differential_transcriptomics_{modality}"] = (
            differential_transcriptomics.submit(store, study_yaml, modality))
    if plan.clinical:
        pending["clinical"] = clinical_analysis.submit(store, study_yaml)
    if plan.dose_response:
        pending["dose_response"] = dose_response.submit(store, study_yaml)
    if plan.gene_pairs:
        pending["gene_pairs"] = gene_pairs.submit(store, study_yaml)
    summary = {name: future.result() for name, future in pending.items()}
    if plan.protein_mrna:
        summary["protein_mrna"] = protein_mrna.submit(store, study_yaml).result()
    return summary
