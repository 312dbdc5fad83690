"""deploy/: the recipes parse, bind published ports to 127.0.0.1, share data volumes, and
validate against the schemas that exist for them (the dask-kubernetes DaskCluster CRD,
Prefect's work-pool base job template rules, dask-jobqueue's SLURM job script)."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

from flows.clusters import AddressSpec, LocalSpec, SlurmSpec, load_cluster_spec
from omics.errors import OmicsInputError

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_has_every_service_from_one_image(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "prefect-server", "prefect-worker", "dask-scheduler",
                             "dask-worker"}
    for name in ("prefect-server", "prefect-worker", "dask-scheduler", "dask-worker"):
        assert services[name]["image"] == "omics-axis:0.1.0"
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (\S+)", dockerfile, flags=re.M):
        assert (DEPLOY.parent / source).exists(), source
    assert "pip install ." in dockerfile and "USER omics" in dockerfile


def test_compose_publishes_only_on_loopback_and_wires_the_services(compose):
    services = compose["services"]
    published = [port for s in services.values() for port in s.get("ports", [])]
    assert published and all(port.startswith("127.0.0.1:") for port in published)
    assert "tcp://dask-scheduler:8786" in services["dask-worker"]["command"]
    assert services["dask-worker"]["deploy"]["replicas"] >= 2
    shared = {"study-data:/data"}
    assert shared <= set(services["dask-worker"]["volumes"])
    assert shared <= set(services["prefect-worker"]["volumes"])
    server_env = services["prefect-server"]["environment"]
    assert server_env["PREFECT_API_DATABASE_CONNECTION_URL"].startswith(
        "postgresql+asyncpg://prefect:")
    assert "@postgres:5432/prefect" in server_env["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert "PREFECT_SERVER_API_AUTH_STRING" in server_env  # the API requires credentials
    assert services["prefect-server"]["depends_on"]["postgres"]["condition"] == \
        "service_healthy"
    assert set(compose["volumes"]) == {"postgres-data", "study-data"}


def test_daskcluster_matches_the_operator_crd_schema():
    pytest.importorskip("dask_kubernetes", reason="dask-kubernetes (test extra) not installed")
    crd = yaml.safe_load(files("dask_kubernetes").joinpath(
        "operator/deployment/helm/dask-kubernetes-operator/crds/daskcluster.yaml").read_text())
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    cluster = yaml.safe_load((DEPLOY / "kubernetes" / "daskcluster.yaml").read_text())
    jsonschema.validate(cluster, schema)
    assert (cluster["apiVersion"], cluster["kind"]) == (f"{crd['spec']['group']}/v1",
                                                        crd["spec"]["names"]["kind"])
    assert cluster["spec"]["scheduler"]["service"]["type"] == "ClusterIP"
    name, namespace = cluster["metadata"]["name"], cluster["metadata"]["namespace"]
    spec = load_cluster_spec("kubernetes", DEPLOY / "clusters.yaml")
    assert spec.address == f"tcp://{name}-scheduler.{namespace}.svc.cluster.local:8786"
    broken = {**cluster, "spec": {**cluster["spec"], "worker": {"replicas": "four"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_prefect_kubernetes_base_job_template_passes_prefect_validation():
    from prefect.server.schemas.actions import WorkPoolCreate

    template = json.loads((DEPLOY / "kubernetes" / "prefect-work-pool.json").read_text())
    jsonschema.Draft202012Validator.check_schema(template["variables"])
    pool = WorkPoolCreate(name="omics-kubernetes", type="kubernetes",
                          base_job_template=template)
    assert pool.base_job_template["variables"]["properties"]["namespace"]["default"] == \
        "omics-axis"
    missing = json.loads(json.dumps(template))
    del missing["variables"]["properties"]["memory"]
    with pytest.raises(ValueError, match="undeclared variable"):
        WorkPoolCreate(name="broken", type="kubernetes", base_job_template=missing)


def test_every_cluster_spec_validates_and_errors_are_clear(tmp_path):
    path = DEPLOY / "clusters.yaml"
    names = yaml.safe_load(path.read_text())["clusters"]
    kinds = {name: type(load_cluster_spec(name, path)) for name in names}
    assert kinds == {"local": LocalSpec, "compose": AddressSpec, "kubernetes": AddressSpec,
                     "kubernetes-tls": AddressSpec, "slurm": SlurmSpec}
    with pytest.raises(OmicsInputError) as caught:
        load_cluster_spec("lsf", path)
    assert str(caught.value) == (f"{path}: found no cluster 'lsf'; expected one of 'local', "
                                 "'compose', 'kubernetes', 'kubernetes-tls', 'slurm'")
    bad = tmp_path / "c.yaml"
    bad.write_text("clusters:\n  x: {kind: local, n_workers: 0}\n")
    with pytest.raises(OmicsInputError, match=r"clusters\.x\.local\.n_workers: Input should be "
                                              r"greater than or equal to 1"):
        load_cluster_spec("x", bad)


def test_a_preload_module_that_does_not_exist_is_one_line_before_any_worker(tmp_path):
    """A worker that cannot import its preload never starts: ``omics run`` ended in a
    traceback ("Nanny failed to start"); now the spec is refused when it is read."""
    path = tmp_path / "c.yaml"
    path.write_text("clusters:\n  x: {kind: local, preload: [no_such_module_xyz]}\n"
                    "  y: {kind: local, preload: [flows.worker_stack]}\n")
    with pytest.raises(OmicsInputError) as caught:
        load_cluster_spec("x", path)
    assert str(caught.value) == (
        f"{path}: found clusters.x.local.preload: Value error, 'no_such_module_xyz' is neither "
        "an importable module nor a .py file; expected a cluster spec as documented in "
        "deploy/README.md")
    assert load_cluster_spec("y", path).preload == ["flows.worker_stack"]


def test_slurm_spec_makes_a_job_script_for_its_queue():
    pytest.importorskip("dask_jobqueue", reason="dask-jobqueue (hpc extra) not installed")
    from dask_jobqueue import SLURMCluster

    spec = load_cluster_spec("slurm", DEPLOY / "clusters.yaml")
    options = {**spec.jobqueue, "interface": "lo",  # no InfiniBand here
               "scheduler_options": {"dashboard_address": "127.0.0.1:0"}}
    with SLURMCluster(**options) as cluster:
        script = cluster.job_script()
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    for line in ("#SBATCH -p normal", "#SBATCH -A omics", "#SBATCH -n 1",
                 "#SBATCH --cpus-per-task=8", "#SBATCH --mem=60G", "#SBATCH -t 04:00:00",
                 "#SBATCH --constraint=skylake", "source ~/omics-axis/.venv/bin/activate"):
        assert line in script, line
    for option in ("--nthreads 2", "--nworkers 4", "--memory-limit 14.90GiB",
                   "--local-directory $TMPDIR"):
        assert option in script, option


def test_run_with_an_unknown_cluster_stops_before_starting_anything(tmp_path):
    import subprocess
    import sys

    omics = str(Path(sys.executable).with_name("omics"))
    done = subprocess.run([omics, "run", "--cluster", "lsf", "--cluster-config",
                           str(DEPLOY / "clusters.yaml"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: {DEPLOY / 'clusters.yaml'}: found no cluster 'lsf'; "
                                   "expected one of 'local', 'compose', 'kubernetes', "
                                   "'kubernetes-tls', 'slurm'")
    assert not (tmp_path / ".omics").exists() and not (tmp_path / "out").exists()


def test_default_cluster_specs_are_found_from_any_directory(tmp_path, monkeypatch):
    """``omics run --cluster local`` failed outside the repository: the default
    deploy/clusters.yaml is relative (the wheel ships it as flows/clusters.yaml)."""
    from flows.clusters import clusters_file, load_cluster_spec

    monkeypatch.chdir(tmp_path)
    assert load_cluster_spec("local").kind == "local"
    assert clusters_file().read_text() == (DEPLOY / "clusters.yaml").read_text()
