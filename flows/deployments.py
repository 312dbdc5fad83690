"""Deployable entry points of the ingest, analysis and network flows (``prefect.yaml``).

Each chooses its Dask cluster at run time from its parameters, like the pipeline flow
(``dask_address``, else ``cluster`` in ``cluster_config``, else a LocalCluster), and runs the
library flow on it. They are separate functions because a flow copy made with
``.with_options(task_runner=...)`` cannot be deployed (its entrypoint is the original's).
"""

from __future__ import annotations

from prefect import flow

from flows.analysis import analyse_study
from flows.ingest import ingest_study
from flows.network import build_network
from flows.runtime import run_cluster

__all__ = ["analysis_deployment", "ingest_deployment", "network_deployment"]


@flow(name="omics-ingest-deployment")
def ingest_deployment(study_yaml: str, store: str, dask_address: str = "", cluster: str = "",
                      cluster_config: str = "deploy/clusters.yaml") -> dict:
    """Ingest ``study_yaml``'s inputs into the Zarr store ``store`` (atomically)."""
    with run_cluster(dask_address, cluster, cluster_config) as runner:
        return ingest_study.with_options(task_runner=runner)(study_yaml, store)


@flow(name="omics-analysis-deployment")
def analysis_deployment(store: str, study_yaml: str, dask_address: str = "", cluster: str = "",
                        cluster_config: str = "deploy/clusters.yaml") -> dict:
    """Run every analysis of ``study_yaml``'s plan on the store."""
    with run_cluster(dask_address, cluster, cluster_config) as runner:
        return analyse_study.with_options(task_runner=runner)(store, study_yaml)


@flow(name="omics-network-deployment")
def network_deployment(store: str, out_dir: str, study_yaml: str = "", dask_address: str = "",
                       cluster: str = "", cluster_config: str = "deploy/clusters.yaml") -> dict:
    """The axis network analysis of the store into ``out_dir``."""
    with run_cluster(dask_address, cluster, cluster_config) as runner:
        return build_network.with_options(task_runner=runner)(store, out_dir, study_yaml)
