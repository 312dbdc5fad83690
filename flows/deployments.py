"""Deployable entry points of the ingest, analysis and network flows (``prefect.yaml``).

Each chooses its Dask cluster at run time from its parameters, like the pipeline flow
(``dask_address``, else ``cluster`` in ``cluster_config``, else a LocalCluster), and runs the
library flow on it. They are separate functions because a flow copy made with
``.with_options(task_runner=...)`` cannot be deployed (its entrypoint is the original's).
Their parameters are described in Google style: Prefect reads that style (only) for the
descriptions of the deployment forms in the UI.
"""

from __future__ import annotations

from prefect import flow

from flows.analysis import analyse_study
from flows.clusters import DEFAULT_CLUSTERS
from flows.ingest import ingest_study
from flows.network import build_network
from flows.runtime import run_cluster, study_input_bytes

__all__ = ["analysis_deployment", "ingest_deployment", "network_deployment"]


@flow(name="omics-ingest-deployment")
def ingest_deployment(study_yaml: str, store: str, dask_address: str = "", cluster: str = "",
                      cluster_config: str = DEFAULT_CLUSTERS) -> dict:
    """Ingest the study's inputs into a Zarr study store (atomically).

    Args:
        study_yaml: The study description (a path the worker can read).
        store: The Zarr study store to create or update (e.g. /data/study.zarr).
        dask_address: A Dask scheduler, tcp://host:port or tls://host:port; empty uses
            cluster, else a LocalCluster for this run.
        cluster: A cluster named in cluster_config (e.g. local, compose, kubernetes, slurm);
            empty starts a LocalCluster.
        cluster_config: The clusters file (YAML) that names the clusters.
    """
    with run_cluster(dask_address, cluster, cluster_config,
                     lambda: study_input_bytes(study_yaml)) as runner:
        return ingest_study.with_options(task_runner=runner)(study_yaml, store)


@flow(name="omics-analysis-deployment")
def analysis_deployment(store: str, study_yaml: str, dask_address: str = "", cluster: str = "",
                        cluster_config: str = DEFAULT_CLUSTERS) -> dict:
    """Run every analysis of the study's plan on the store.

    Args:
        store: The Zarr study store made by the ingest deployment.
        study_yaml: The study description whose analysis plan to run.
        dask_address: A Dask scheduler, tcp://host:port or tls://host:port; empty uses
            cluster, else a LocalCluster for this run.
        cluster: A cluster named in cluster_config (e.g. local, compose, kubernetes, slurm);
            empty starts a LocalCluster.
        cluster_config: The clusters file (YAML) that names the clusters.
    """
    with run_cluster(dask_address, cluster, cluster_config,
                     lambda: study_input_bytes(study_yaml)) as runner:
        return analyse_study.with_options(task_runner=runner)(store, study_yaml)


@flow(name="omics-network-deployment")
def network_deployment(store: str, out_dir: str, study_yaml: str = "", dask_address: str = "",
                       cluster: str = "", cluster_config: str = DEFAULT_CLUSTERS) -> dict:
    """The axis network analysis of the store's results.

    Args:
        store: The Zarr study store with analysis results.
        out_dir: Folder for the network files (GraphML, Cytoscape JSON, tables, figure).
        study_yaml: The study description whose network plan to use; empty uses the
            defaults.
        dask_address: A Dask scheduler, tcp://host:port or tls://host:port; empty uses
            cluster, else a LocalCluster for this run.
        cluster: A cluster named in cluster_config (e.g. local, compose, kubernetes, slurm);
            empty starts a LocalCluster.
        cluster_config: The clusters file (YAML) that names the clusters.
    """
    with run_cluster(dask_address, cluster, cluster_config,
                     lambda: study_input_bytes(study_yaml)) as runner:
        return build_network.with_options(task_runner=runner)(store, out_dir, study_yaml)
