"""The ``omics`` command line.

User errors (:class:`omics.errors.OmicsInputError`) print one line and exit with status 2,
without a traceback. Only ``omics run`` imports Prefect (lazily, after choosing its API).
"""

from __future__ import annotations

import errno
import importlib
import os
import re
import shutil
import signal
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer

from omics.cli.clinical import clinical_command, dose_response_command
from omics.cli.console import console, err_console
from omics.cli.graph import graph_command, network_app
from omics.cli.progress import run_status
from omics.cli.stats import correlate_command, differential_command
from omics.errors import OmicsInputError

__all__ = ["app", "main"]

app = typer.Typer(help="omics-axis: multi-omics studies of cancer drug resistance.",
                  no_args_is_help=True)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"omics-axis {version('omics-axis')}")
        raise typer.Exit()


#: Levels of Prefect's console handler and of Dask's ``distributed`` logger for -q, the
#: default and -v (Prefect's loggers stay at INFO, so the UI keeps every run log).
_LOG_LEVELS = {"quiet": ("ERROR", "error"), "normal": ("WARNING", "warning"),
               "verbose": ("DEBUG", "info")}


@app.callback()
def _main_options(
    version: Annotated[bool, typer.Option(  # noqa: ARG001 - handled by the callback
        "--version", help="Print the version and exit.", callback=_print_version,
        is_eager=True)] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print errors only (no findings, no progress).")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also print Prefect's and Dask's progress logs.")] = False,
) -> None:
    """omics-axis: multi-omics studies of cancer drug resistance."""
    if quiet and verbose:
        raise OmicsInputError("command line", "both --quiet and --verbose",
                              "at most one of them")
    level = "quiet" if quiet else "verbose" if verbose else "normal"
    prefect_level, dask_level = _LOG_LEVELS[level]
    # read by Prefect and Dask when first imported (here and in worker processes);
    # a level the user set in the environment wins
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", prefect_level)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", dask_level)
    console.quiet = quiet


@app.command()
def simulate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the cohort's files into.")],
    scale: Annotated[str, typer.Option(
        help="small (tests), default (demo), large or xlarge (scaling benchmark).")
    ] = "default",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20240611,
) -> None:
    """Write the built-in demonstration cohort (input files, study.yaml, truth.json)."""
    from omics.simulate import simulate_cohort

    study = simulate_cohort(out_dir, scale=scale, seed=seed)
    console.print(f"Wrote the built-in cohort ({scale}) to {out_dir}; study file: {study}")


@app.command()
def ingest(
    study_yaml: Annotated[Path, typer.Argument(help="The study description (YAML).")],
    store: Annotated[Path, typer.Option(help="Zarr study store to create or replace.")],
) -> None:
    """Read a study's inputs into a Zarr v3 study store (atomically; no Prefect, no Dask)."""
    from rich.progress import Progress

    from omics.steps.ingest import ingest_study
    from omics.steps.sample_map import subjects_missing
    from omics.store import groups

    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("reading", total=None)
        ingest_study(study_yaml, store, on_step=lambda text, done, total: progress.update(
            bar, description=f"reading {text}", completed=done, total=total))
    console.print(f"Store {store}: " + ", ".join(groups(store)))
    for modality, subjects in subjects_missing(store).items():
        if subjects:
            console.print(f"  {len(subjects)} subjects have no sample in {modality}: "
                          + ", ".join(subjects[:10]) + (" ..." if len(subjects) > 10 else ""))


@app.command()
def append(
    store: Annotated[Path, typer.Argument(help="The study store to extend.")],
    study_yaml: Annotated[Path, typer.Option("--study", help="YAML with the new plex's "
                                             "'proteomics:' report and sample sheet.")],
) -> None:
    """Append new proteomics samples (e.g. a new TMT plex) to a store, atomically."""
    from omics.steps.append import append_proteomics

    added = append_proteomics(study_yaml, store)
    console.print(f"Proteomics now {added['features']:,} features x {added['samples']} samples "
                  f"(+{added['added_samples']} samples, +{added['added_features']} features); "
                  "re-run the analyses (omics run) to update the results")


@app.command()
def report(
    store: Annotated[Path, typer.Argument(help="A study store (after omics run).")],
    out: Annotated[Path, typer.Option(help="HTML file to write.")] = Path("report.html"),
) -> None:
    """Rebuild the self-contained HTML report of a store."""
    from omics.report import build_report
    from omics.store.reader import require_store

    path = build_report(require_store(store), out)
    console.print(f"Report: {path} ({path.stat().st_size / 2**20:.1f} MB, one file)")


@app.command()
def validate(study_yaml: Annotated[Path, typer.Argument(help="The study description (YAML).")]
             ) -> None:
    """Read and check every input of a study without writing anything."""
    from omics.steps.plan_check import validate_study

    for entry in validate_study(study_yaml):
        shape = " x ".join(f"{n:,}" for n in entry["shape"])
        console.print(f"  ok  {entry['input']}: {shape} ({entry['reader']} reader)")
    console.print(f"{study_yaml}: every input is valid")


@app.command()
def schema() -> None:
    """Print the JSON Schema of study.yaml (every key, its type and default)."""
    import json

    from omics.io.study import study_schema

    print(json.dumps(study_schema(), indent=2))


@app.command()
def inspect(store: Annotated[Path, typer.Argument(help="A study store.")]) -> None:
    """List a store's groups with their shapes and provenance."""
    import zarr

    from omics.store.reader import describe_groups, require_store

    root = zarr.open_group(str(require_store(store)), mode="r")
    console.print(f"{store}: study {root.attrs.get('study', '?')!r}")
    for group in describe_groups(store):
        files = ", ".join(f["file"] for f in group["source_files"])
        console.print(f"  {group['group']}: shape {group['shape']}; step "
                      f"{group['step'] or '?'}; sources {files or '-'}; open with "
                      f"{group['opens_with']}(store/{group['group']})")


@app.command()
def run(
    study_yaml: Annotated[Path | None, typer.Option(
        "--study", help="Study description; default: the built-in cohort.")] = None,
    out: Annotated[Path, typer.Option(help="Results folder.")] = Path("omics-demo"),
    address: Annotated[str, typer.Option(
        help="Dask scheduler tcp://host:port; default: a LocalCluster.")] = "",
    scale: Annotated[str, typer.Option(
        help="Built-in cohort size: small, default, large or xlarge.")] = "default",
    cluster: Annotated[str, typer.Option(
        help="A cluster named in --cluster-config (local, an address, slurm).")] = "",
    cluster_config: Annotated[Path, typer.Option(help="Cluster specs (YAML).")
                              ] = Path("deploy/clusters.yaml"),
) -> None:
    """Run the whole pipeline (ingest, analyses on Dask, axis graph) as a Prefect flow.

    Uses PREFECT_API_URL when set; otherwise starts a private Prefect server on 127.0.0.1 for
    the run (state under ./.omics/prefect) and stops it afterwards.
    """
    from flows.clusters import load_cluster_spec
    from flows.out_lock import check_out_free
    from flows.prefect_api import prefect_api, redacted_url
    from omics.simulate.effects import SCALES

    if not study_yaml and scale not in SCALES:
        raise OmicsInputError("--scale", repr(scale), "one of " + ", ".join(SCALES))
    if address and not re.fullmatch(r"(tcp|tls)://[\w.\-\[\]:]+:\d{1,5}", address):
        raise OmicsInputError("--address", repr(address),
                              "a Dask scheduler address tcp://host:port (or tls://host:port)")
    check_out_free(out)  # another run writing --out: refused before any server starts
    if cluster:
        load_cluster_spec(cluster, cluster_config)  # a bad name or spec stops here, in one line
    started = time.monotonic()
    if study_yaml:
        from omics.steps.plan_check import validate_study

        validate_study(study_yaml)  # inputs and plan checked before any server or cluster
    with prefect_api(Path(".omics/prefect"),
                     while_starting=lambda: importlib.import_module("flows.pipeline")
                     ) as api_url:
        console.print(f"Prefect API: {redacted_url(api_url)}")
        from flows.pipeline import omics_pipeline

        with run_status(console):
            summary = omics_pipeline(
                study_yaml=str(study_yaml.resolve()) if study_yaml else "", out_dir=str(out),
                dask_address=address, scale=scale, cluster=cluster,
                cluster_config=str(cluster_config))
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)  # send the run's logs while the server still runs
    console.rule("omics-axis results")
    for line in summary["findings"]:
        console.print(f"- {line}")
    console.print(f"\nReport {summary['paths']['report']}; tables in "
                  f"{summary['paths']['results']} (store {summary['paths']['store']}, summary "
                  f"{Path(out) / 'summary.md'}); wall time {time.monotonic() - started:.0f} s")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the Prefect server and UI.")] = 4200,
    host: Annotated[str, typer.Option(
        help="Interface to bind; 127.0.0.1 keeps the UI and API on this machine.")
    ] = "127.0.0.1",
    project: Annotated[Path, typer.Option(help="Folder with prefect.yaml.")] = Path("."),
    home: Annotated[Path, typer.Option(help="Server database and logs.")] = Path(".omics/serve"),
) -> None:
    """Serve the Prefect deployments: server + UI, work pool, deployments, worker (Ctrl-C
    stops them all)."""
    from flows.prefect_api import is_loopback
    from flows.serve import serve as serve_deployments

    if not is_loopback(host) and not os.environ.get("PREFECT_SERVER_API_AUTH_STRING"):
        err_console.print(f"warning: serving the Prefect API and UI on {host}:{port} without "
                          "authentication: anyone who reaches this port can run flows here "
                          "(set PREFECT_SERVER_API_AUTH_STRING, see deploy/README.md)",
                          soft_wrap=True)
    console.print(f"Starting the Prefect server on {host}:{port} (logs in {home}) ...")
    serve_deployments(project, home, host, port, on_ready=lambda url: console.print(
        f"Prefect UI: {url}  (API {url}/api; deployments of {project / 'prefect.yaml'}; "
        "Ctrl-C stops the worker and the server)"))
    console.print("Stopped the worker and the server.")


app.command("differential")(differential_command)
app.command("correlate")(correlate_command)
app.command("clinical")(clinical_command)
app.command("dose-response")(dose_response_command)
app.command("graph")(graph_command)
app.add_typer(network_app, name="network")


#: Write errors of a full disk, a quota or a file-size limit: one line, not a traceback.
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _full_disk(exc: OSError) -> tuple[str, str] | None:
    """The file a write failed on for lack of space, quota or file-size limit, and why (also
    inside the error list of ``shutil.copytree``); None for any other OS error."""
    if exc.errno in _DISK_FULL:
        return str(exc.filename or "an output file"), os.strerror(exc.errno)
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        for _, target, why in exc.args[0]:
            for code in _DISK_FULL:
                if f"[Errno {code}]" in str(why):
                    return str(target), os.strerror(code)
    return None


def _terminate(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point of the ``omics`` console script."""
    signal.signal(signal.SIGTERM, _terminate)
    # the store is Zarr v3 with consolidated metadata on purpose (documented in the README)
    warnings.filterwarnings("ignore", message="Consolidated metadata is currently not part")
    try:
        app(standalone_mode=False)
    except OmicsInputError as exc:
        err_console.print(f"error: {exc}", soft_wrap=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except typer.Abort:
        sys.exit(130)
    except OSError as exc:
        full = _full_disk(exc)
        if full is None:
            raise
        err_console.print(f"error: {full[0]}: found no room to write it ({full[1]}); expected "
                          "free space (or a larger quota) for the outputs; nothing partly "
                          "written was kept", soft_wrap=True)
        sys.exit(1)
    except Exception as exc:
        if _is_usage_error(exc):
            exc.show()
            sys.exit(exc.exit_code)
        raise


def _is_usage_error(exc: Exception) -> bool:
    """A command-line usage error (unknown option or command, bad value) of click or of the
    click copy that typer vendors: shown in one message, exit code 2, no traceback."""
    import click

    return isinstance(exc, click.ClickException) or any(
        cls.__name__ == "ClickException" and cls.__module__.startswith("typer.")
        for cls in type(exc).__mro__)
