"""The full pipeline: ingest -> Zarr store -> analyses on Dask -> axis graph -> results folder.

Run it with ``omics run`` (which provides a Prefect API and cleans up after itself), or as the
``omics-pipeline`` deployment (``prefect.yaml``). With ``dask_address`` empty the flow starts
a LocalCluster for its own duration; otherwise it uses the scheduler at that address.
"""


import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.analysis import analyse_study
from flows.clusters import DEFAULT_CLUSTERS
from flows.ingest import ingest_study
from flows.network import build_network
from flows.out_lock import exclusive_out
from flows.runtime import records_flow_run, run_cluster, study_input_bytes
from omics.report import build_report
from omics.report.figure_encoder import start_encoder
from omics.simulate import simulate_cohort
from omics.steps.export import export_modalities, export_parquet
from omics.steps.summary import export_results, findings, record_findings, render_markdown
from omics.store.atomic import relocated, staged_directory, write_atomically

__all__ = ["omics_pipeline"]


@flow(name="omics-pipeline")
@records_flow_run
def omics_pipeline(
    study_yaml: str = "",
    out_dir: str = "omics-demo",
    dask_address: str = "",
    scale: Literal["small", "default", "large", "xlarge"] = "default",
    cluster: str = "",
    cluster_config: str = DEFAULT_CLUSTERS,
) -> dict:
    """Run the whole pipeline and return its summary.

    The parameter section is in Google style because Prefect reads it (and only that
    style) for the descriptions of the deployment's form in the UI.

    Args:
        study_yaml: The study description (a path the worker can read); empty simulates the
            built-in cohort into out_dir/inputs.
        out_dir: Results folder: study.zarr, results/ (TSV, Parquet, GraphML), modalities/
            (h5ad, h5mu), summary.md and report.html.
        dask_address: A Dask scheduler, tcp://host:port or tls://host:port; empty uses
            cluster, else a LocalCluster for this run.
        scale: Size of the built-in cohort when study_yaml is empty.
        cluster: A cluster named in cluster_config (e.g. local, compose, kubernetes, slurm);
            empty starts a LocalCluster.
        cluster_config: The clusters file (YAML) that names the clusters.
    """
    logger = get_run_logger()
    out = Path(out_dir).resolve()
    with exclusive_out(out):
        return _run(logger, out, study_yaml, dask_address, scale, cluster, cluster_config)


def _run(logger, out: Path, study_yaml: str, dask_address: str, scale: str, cluster: str,
         cluster_config: str) -> dict:
    """The pipeline inside its results folder's lock. The previous run's report and summary
    are removed first (they would describe results this run replaces, also if it fails);
    the tables and network files are written to a staging folder that replaces
    ``results/`` when everything succeeded."""
    for previous in ("report.html", "summary.md", "summary.json"):
        (out / previous).unlink(missing_ok=True)
    store, results = str(out / "study.zarr"), out / "results"
    with staged_directory(results) as staged, ThreadPoolExecutor(1) as simulation:
        # the built-in cohort is simulated while the cluster's worker processes start (a
        # local cluster that chooses between threads and processes waits for its size)
        simulated = None if study_yaml else simulation.submit(simulate_cohort, out / "inputs",
                                                              scale=scale)

        def input_bytes() -> int | None:  # asked only to choose local worker threads
            return study_input_bytes(study_yaml or str(simulated.result()))

        with run_cluster(dask_address, cluster, cluster_config, input_bytes) as runner:
            if simulated is not None:
                study_yaml = str(simulated.result())
                logger.info("Simulated the built-in cohort (%s) into %s", scale, out / "inputs")
            shapes = ingest_study.with_options(task_runner=runner)(study_yaml, store,
                                                                 keep_results=True)
            analyses = analyse_study.with_options(task_runner=runner)(store, study_yaml)
            network = build_network.with_options(task_runner=runner)(
                store, str(staged / "network"), study_yaml)
        start_encoder()  # the report's figure workers start while the results are exported
        tables = export_results(store, staged)
        export_parquet(store, staged)
    network, tables = relocated(network, staged, results), relocated(tables, staged, results)
    lines = findings(store, analyses)
    record_findings(store, lines)
    export_modalities(store, out / "modalities")
    report = build_report(store, out / "report.html", findings=lines)
    paths = {"store": store, "results": str(results), "graph": network["files"]["graphml"],
             "report": str(report)}
    markdown = render_markdown("omics-axis pipeline", lines, paths)
    write_atomically(out / "summary.md", markdown + "\n")
    create_markdown_artifact(markdown=markdown, key="omics-axis-summary",
                             description="Findings and result paths of this pipeline run")
    for contrast, result in analyses.get("differential_proteomics", {}).items():
        create_table_artifact(
            table=[{k: (float(f"{v:.4g}") if isinstance(v, float) else v)  # never p = 0
                    for k, v in row.items()} for row in result["top"]],
            key=f"top-proteins-{contrast}".replace("_", "-").lower(),
            description=f"Top proteins by p-value, {contrast}")
    summary = {"modalities": shapes, "findings": lines, "paths": paths, "tables": tables,
               "analyses": analyses, "network": network}
    write_atomically(out / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
    return summary

