"""``omics graph`` (the axis network analysis) and ``omics network fetch`` (database releases).

Registered on the ``omics`` command line by :mod:`omics.cli.main`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from omics.cli.console import console
from omics.errors import OmicsInputError

__all__ = ["graph_command", "network_app"]

network_app = typer.Typer(help="Interaction-database releases.", no_args_is_help=True)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, digest = value.partition("=")
        if not sep or len(digest) != 64:
            raise OmicsInputError(option, repr(value), "FILE_NAME=<64 hex digits of sha256>")
        pairs[name] = digest
    return pairs


@network_app.command("fetch")
def fetch_command(
    database: Annotated[str, typer.Argument(help="string or biogrid.")],
    version: Annotated[str, typer.Option(help="Release, e.g. 12.0 (STRING), 4.4.240 (BioGRID).")],
    species: Annotated[int, typer.Option(help="NCBI taxon id.")] = 9606,
    cache: Annotated[Path | None, typer.Option(
        help="Cache folder; default $OMICS_CACHE or ~/.cache/omics-axis.")] = None,
    base_url: Annotated[str | None, typer.Option(help="A mirror of the download site.")] = None,
    sha256: Annotated[list[str] | None, typer.Option(
        help="Expected digest, FILE_NAME=HEX (repeatable).")] = None,
    timeout: Annotated[float, typer.Option(
        help="Seconds without data before a download is given up.", min=1)] = 60.0,
) -> None:
    """Download a STRING or BioGRID release into the cache, verifying sha256 checksums."""
    from graphs.fetch import fetch_release

    statuses: list[str] = []

    def told(name: str, status: str) -> None:
        statuses.append(status)
        console.print(f"  {status}: {name}")

    files = fetch_release(database, version, species, cache=cache, base_url=base_url,
                          sha256=_pairs(sha256 or [], "--sha256"), timeout=timeout,
                          on_file=told)
    for kind, path in files.items():
        console.print(f"{kind}: {path}")
    if "downloaded (unverified)" in statuses:
        console.print("Not verified: STRING and BioGRID publish no checksums and no --sha256 "
                      "was given; the files' sha256 are recorded in SHA256SUMS beside them "
                      "(pass --sha256 NAME=HEX to check against a digest you trust).",
                      soft_wrap=True)


def graph_command(
    out: Annotated[Path, typer.Option(help="Folder for the network files.")],
    store: Annotated[Path | None, typer.Option(help="Study store whose results to attach.")
                     ] = None,
    network: Annotated[list[Path] | None, typer.Option(
        help="Database network file (repeatable; one --format each).")] = None,
    network_format: Annotated[list[str] | None, typer.Option(
        "--format", help="string | string_links | biogrid | omnipath | edges.")] = None,
    min_score: Annotated[float, typer.Option(help="STRING combined-score threshold (0-1).")
                         ] = 0.7,
    info: Annotated[Path | None, typer.Option(help="STRING protein.info for string_links.")
                    ] = None,
    aliases: Annotated[Path | None, typer.Option(
        help="STRING protein.aliases for string_links.")] = None,
    hgnc: Annotated[Path | None, typer.Option(
        help="HGNC table: map network identifiers to approved symbols.")] = None,
    seeds: Annotated[str, typer.Option(
        help="Comma-separated seed genes, or 'results': the study store's hits.")
    ] = "ANXA6,EGFR",
    gene_sets: Annotated[list[Path] | None, typer.Option(
        help="GMT file for over-representation (repeatable).")] = None,
    n_random: Annotated[int, typer.Option(help="Degree-preserving randomisations.")] = 1000,
    top: Annotated[int, typer.Option(help="Top propagated genes in the context subnetwork.")
                   ] = 30,
    workers: Annotated[int, typer.Option(help="LocalCluster worker processes.")] = 2,
    address: Annotated[str, typer.Option(help="Dask scheduler tcp://host:port instead.")] = "",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """The axis network: curated layer + databases + the study's evidence -> propagation,
    paths, modules, gene-set enrichment, axis report, GraphML/Cytoscape/figure."""
    from distributed import Client

    from flows.clusters import AddressSpec, LocalSpec, open_cluster
    from graphs.steps.analysis import NetworkPlan, analyse_axis_network, randomisation_cache
    from omics.cli.progress import compute_with_progress
    from omics.io.networks import NETWORK_OPTIONS, network_options
    from omics.store.atomic import discard_staging, new_staging_dir, publish_files, relocated
    from omics.store.reader import require_store

    network, formats = network or [], network_format or []
    if len(formats) != len(network):
        raise OmicsInputError("--format", f"{len(formats)} --format for {len(network)} "
                              "--network", "one --format per --network")
    if store is not None:
        require_store(store)
    plan = NetworkPlan(
        networks=tuple(network_options(f, p, **{
            key: value for key, value in (("min_score", min_score), ("info", info),
                                          ("aliases", aliases))
            if value is not None and key in NETWORK_OPTIONS.get(f, NETWORK_OPTIONS["string"])
            .model_fields}) for p, f in zip(network, formats, strict=True)),
        seeds=None if seeds.strip() == "results" else
        tuple(s.strip() for s in seeds.split(",") if s.strip()), n_random=n_random,
        seed=seed, top=top, gene_sets=tuple(str(g) for g in gene_sets or ()),
        hgnc=str(hgnc) if hgnc else None, cache=randomisation_cache())
    spec = AddressSpec(kind="address", address=address) if address else \
        LocalSpec(n_workers=workers, preload=[])  # the randomisations need no flows
    with open_cluster(spec) as running, Client(running.address,
                                               **running.client_kwargs) as client:
        console.print(f"Dask dashboard: {client.dashboard_link}")
        staged = new_staging_dir(out)  # out gets complete files only, also on failure
        try:
            summary = analyse_axis_network(plan, staged, store, compute=lambda *tasks: (
                compute_with_progress(*tasks, description="randomised networks",
                                      console=console)))
        except BaseException:
            discard_staging(staged)
            raise
        publish_files(staged, out)
        summary = relocated(summary, staged, out)
    console.print(f"Network {summary['network_nodes']:,} genes, {summary['network_edges']:,} "
                  f"edges; context subnetwork {summary['context_nodes']} genes, "
                  f"{summary['context_edges']} edges; {summary['significant_nodes']} genes with "
                  f"propagation p <= 0.05 ({n_random} randomisations"
                  + (", read from the cache" if summary["randomisations"] == "cached" else "")
                  + ")")
    for name, rows in summary["enrichment"].items():
        if rows:
            console.print(f"Top {name} set: {rows[0]['set']} ({rows[0]['overlap']}/"
                          f"{rows[0]['set_size']}, FDR {rows[0]['fdr']:.2g})")
    console.print(f"Axis report {summary['files']['report']}; figure {summary['files']['png']}")
