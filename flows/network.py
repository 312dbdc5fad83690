"""Prefect flow: the axis network analysis of a study store, on the Dask cluster."""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from flows.clusters import compute_reporting
from flows.runtime import IO_RETRIES, cluster_compute
from graphs.steps.analysis import NetworkPlan, analyse_axis_network, randomisation_cache
from omics.io.study import NetworkAnalysisPlan, load_study

__all__ = ["build_network"]


@task(**IO_RETRIES)
def axis_network(store: str, out_dir: str, study_yaml: str) -> dict:
    """Curated axis + database layers + the store's evidence: propagation (randomisations as
    cluster tasks), paths, modules, enrichment, axis report, figure and files."""
    analysis = load_study(study_yaml).analysis if study_yaml else None
    plan = analysis.network if analysis else NetworkAnalysisPlan()
    primary = next(iter(analysis.proteomics.contrasts), None) \
        if analysis and analysis.proteomics else None
    logger = get_run_logger()

    def report(done: int, total: int) -> None:  # every 10%: the CLI's status line shows it
        if done == total or done % max(1, total // 10) == 0:
            logger.info("randomised networks: %d of %d", done, total)

    with cluster_compute():
        return analyse_axis_network(NetworkPlan.from_study(plan, primary, randomisation_cache()),
                                    out_dir, store,
                                    compute=lambda *tasks: compute_reporting(*tasks,
                                                                             report=report))


@flow(name="omics-network")
def build_network(store: str, out_dir: str, study_yaml: str = "") -> dict:
    """Write the axis network of ``store``'s results into ``out_dir`` (plan from the study's
    ``analysis.network``, defaults without one)."""
    return axis_network.submit(store, out_dir, study_yaml).result()
