"""Prefect flow: differential, PTM site, protein-mRNA, clinical, dose-response, mechanism
assay, gene-pair, pathway and factor analyses.

Each analysis task is cached by Prefect under its input key (:mod:`omics.steps.analysis_keys`: the
plan section and the keys of the store groups it reads), and writes that key on its result
group. The flow reruns a task (``refresh_cache``) when the store's result group records a
different key, e.g. after its inputs changed, so a cache hit never stands for results the
store does not hold. Cached summaries are stored as JSON, never pickles: loading a cache
hit runs no code from the result files. Each analysis writes its result group staged and
swaps it in with its key when it succeeds
(:func:`omics.store.staged_results.staged_results`): a failed analysis leaves the previous
results and key as they were.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable

import numpy as np
from prefect import flow, task
from prefect.transactions import BaseTransaction

from flows.runtime import IO_RETRIES, cluster_compute, in_task_compute
from omics.io.study import load_study
from omics.steps import analysis, clinical, factors, mechanism, pathways, ptm
from omics.steps.analysis_keys import analysis_keys
from omics.store import layout
from omics.store.input_keys import mark_group, recorded_key
from omics.store.staged_results import staged_results

__all__ = ["analyse_study"]


def _input_key(context, parameters: dict) -> str:  # noqa: ARG001 - Prefect's signature
    return parameters["key"]


CACHED = {**IO_RETRIES, "cache_key_fn": _input_key, "persist_result": True,
          "result_serializer": "json"}


def _python_value(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} in an analysis summary is not JSON")


def _staged(store: str, result_group: str, key: str, analyse: Callable[[], dict],
            compute: Callable) -> dict:
    """Run ``analyse`` under ``compute`` (:func:`cluster_compute` on the cluster, or
    :func:`in_task_compute` for small tables) with its result group staged, record the key,
    and return the summary as JSON reads it.

    The analysis runs in a copy of the task's context without Prefect's active transaction.
    Work handed to the Dask cluster schedules callbacks on the worker's event loop with the
    calling context, and the next task run on that worker inherits it: its transaction
    became a child of this one and, once this one had committed, its cache record was
    never written (the task ran again on every rerun)."""
    def run() -> dict:
        BaseTransaction.__var__.set(None)
        with compute(), staged_results(store, result_group.removeprefix(f"{layout.RESULTS}/")):
            summary = json.loads(json.dumps(analyse(), default=_python_value))  # as a hit
            mark_group(store, result_group, key)
        return summary

    return contextvars.copy_context().run(run)


@task(**CACHED)
def differential_proteomics(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """limma moderated t of the proteome, on the cluster."""
    plan = load_study(study_yaml).analysis.proteomics
    return _staged(store, result_group, key,
                   lambda: analysis.differential_proteomics(store, plan), cluster_compute)


@task(**CACHED)
def differential_transcriptomics(store: str, study_yaml: str, result_group: str, key: str,
                                 modality: str) -> dict:
    """limma moderated t of one transcriptomics modality (log-CPM)."""
    plan = load_study(study_yaml).analysis.transcriptomics[modality]
    return _staged(store, result_group, key,
                   lambda: analysis.differential_transcriptomics(store, modality, plan),
                   cluster_compute)


@task(**CACHED)
def ptm_sites(store: str, study_yaml: str, result_group: str, key: str,
              modality: str) -> dict:
    """Sites of one PTM modality tested net of their protein (moderated t of both), in the
    task's own thread: sites and proteins are thousands of rows, a second's fit, so the
    cluster round trips would cost more than they save."""
    study = load_study(study_yaml)
    plan, proteomics = study.analysis.ptm[modality], study.analysis.proteomics
    return _staged(store, result_group, key,
                   lambda: ptm.ptm_analysis(store, modality, plan, proteomics), in_task_compute)


@task(**CACHED)
def protein_mrna(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """Per-gene protein-mRNA correlation and discordance."""
    plan = load_study(study_yaml).analysis.protein_mrna
    return _staged(store, result_group, key,
                   lambda: analysis.protein_mrna(store, plan), cluster_compute)


@task(**CACHED)
def clinical_analysis(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """Biomarker versus response, ROC, logistic regression, scores, survival, genes."""
    plan = load_study(study_yaml).analysis.clinical
    return _staged(store, result_group, key,
                   lambda: clinical.clinical_analysis(store, plan), in_task_compute)


@task(**CACHED)
def dose_response(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """4PL fits, IC50 ratios and drug combinations."""
    plan = load_study(study_yaml).analysis.dose_response
    return _staged(store, result_group, key,
                   lambda: clinical.dose_response_analysis(store, plan), in_task_compute)


@task(**CACHED)
def mechanism_assays(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """Chase half-lives, westerns, colony and apoptosis models of the assay table."""
    plan = load_study(study_yaml).analysis.mechanism
    return _staged(store, result_group, key,
                   lambda: mechanism.mechanism_analysis(store, plan), in_task_compute)


@task(**CACHED)
def gene_pairs(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """Gene-pair correlation across one transcriptomics modality."""
    plan = load_study(study_yaml).analysis.gene_pairs
    return _staged(store, result_group, key,
                   lambda: analysis.gene_pair_correlation(store, plan), in_task_compute)


@task(**CACHED)
def pathway_analysis(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """GSEA, ORA of called genes and PROGENy activities of every contrast; each contrast's
    GSEA is a task on the cluster."""
    plan = load_study(study_yaml).analysis.pathways
    return _staged(store, result_group, key,
                   lambda: pathways.pathway_analysis(store, plan), cluster_compute)


@task(**CACHED)
def factor_analysis(store: str, study_yaml: str, result_group: str, key: str) -> dict:
    """MOFA+ factors over the plan's modalities and their clinical associations."""
    plan = load_study(study_yaml).analysis.factors
    return _staged(store, result_group, key,
                   lambda: factors.factor_analysis(store, plan), in_task_compute)


@flow(name="omics-analysis")
def analyse_study(store: str, study_yaml: str) -> dict:
    """Run every analysis the study's plan asks for; returns their summaries (from Prefect's
    cache for analyses whose inputs are unchanged).

    Protein-mRNA, pathways and factors read the differential results: they start once those
    are done, while the other analyses may still run."""
    plan = load_study(study_yaml).analysis
    keys = analysis_keys(store, plan)

    def submit(name: str, analysis_task, *extra):
        result_group, key = keys[name]
        if recorded_key(store, result_group) != key:
            analysis_task = analysis_task.with_options(refresh_cache=True)
        return analysis_task.submit(store, study_yaml, result_group, key, *extra)

    pending = {}
    if plan.proteomics:
        pending["differential_proteomics"] = submit("differential_proteomics",
                                                    differential_proteomics)
    for modality in plan.transcriptomics:
        name = analysis.differential_transcriptomics_name(modality)
        pending[f"differential_transcriptomics_{modality}"] = submit(
            name, differential_transcriptomics, modality)
    for modality in plan.ptm:
        name = ptm.ptm_analysis_name(modality)
        pending[name] = submit(name, ptm_sites, modality)
    if plan.clinical:
        pending["clinical"] = submit("clinical", clinical_analysis)
    if plan.dose_response:
        pending["dose_response"] = submit("dose_response", dose_response)
    if plan.gene_pairs:
        pending["gene_pairs"] = submit("gene_pairs", gene_pairs)
    if plan.mechanism:
        pending["mechanism"] = submit("mechanism", mechanism_assays)
    for name, future in pending.items():  # what the analyses below read: the others go on
        if name.startswith("differential_"):
            future.result()
    after = {}
    if plan.protein_mrna:
        after["protein_mrna"] = submit("protein_mrna", protein_mrna)
    if plan.pathways:
        after["pathways"] = submit("pathways", pathway_analysis)
    if plan.factors:
        after["factors"] = submit("factors", factor_analysis)
    return {name: future.result() for name, future in (pending | after).items()}
