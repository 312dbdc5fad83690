"""Benchmark: network propagation on the full STRING hc0.9 network (12k genes, 98k edges).

1. One seed set (ANXA6 + EGFR): ``random_walk_with_restart`` (graph -> sparse arrays ->
   power iteration), best of 3, against networkx's personalised PageRank (scipy backend) on
   the same graph with the same restart, the baseline.
2. ``propagation_significance`` with 1,000 degree-preserving randomisations on a 2-worker
   LocalCluster, against the same on a 1-worker LocalCluster (the baseline): the speed-up,
   best of ``--repeats`` runs each, alternated (this machine is shared: one run's time
   varies by 10-30 %). Both give identical p-values (seeded per network). The workers
   import the code and load its compiled kernel before the clock starts (that time is
   printed too). The clusters are the pipeline's own (``flows.clusters.open_cluster``:
   workers without the nanny's ``MALLOC_TRIM_THRESHOLD_``); ``--compare-malloc`` also
   times dask's default 2-worker LocalCluster (nanny's 64 KiB) in the same run.
   The last 2-worker run is recorded by ``distributed.performance_report`` (task stream,
   worker profiles, transfers; written after the clock stops) into ``--report``.

    python benchmarks/propagation.py [--n-random 1000] [--repeats 2] [--compare-malloc]
                                     [--report benchmarks/reports/propagation.html]

Needs ``../shared/data/ppi/string_hc0.9_symbols.csv`` beside the repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import dask
import networkx as nx
from distributed import Client, LocalCluster, performance_report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _measure import best_of  # noqa: E402

from flows.clusters import LocalSpec, open_cluster  # noqa: E402
from graphs.propagation import propagation_significance, random_walk_with_restart  # noqa: E402
from graphs.sources import read_string  # noqa: E402

STRING = ROOT.parent / "shared" / "data" / "ppi" / "string_hc0.9_symbols.csv"
SEEDS = {"ANXA6": 1.0, "EGFR": 1.0}


def _significance(graph: nx.Graph, workers: int, n_random: int, dask_default: bool = False,
                  report: Path | None = None):
    """Randomisations on the pipeline's LocalCluster, or on dask's default one; with
    ``report``, Dask's performance report of the timed part is written there."""
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0") if dask_default \
        else open_cluster(LocalSpec(n_workers=workers))
    with cluster as running, Client(running.scheduler_address if dask_default
                                    else running.address) as client:
        started = time.perf_counter()  # every worker imports the code and loads the kernel
        client.run(_warm_up)
        warm_up = time.perf_counter() - started
        with performance_report(filename=str(report), mode="inline") if report \
                else nullcontext():  # BokehJS inlined: the report opens offline
            started = time.perf_counter()
            table = propagation_significance(graph, SEEDS, n_random=n_random, seed=1, batch=25)
            seconds = time.perf_counter() - started
        return table, seconds, warm_up


def _warm_up() -> None:
    """Import the randomisation code and load its compiled kernel in this worker."""
    propagation_significance(nx.path_graph(4), {0: 1.0}, n_random=1, batch=1,
                             compute=lambda *tasks: dask.compute(*tasks, scheduler="sync"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-random", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--compare-malloc", action="store_true")
    parser.add_argument("--report", type=Path, default=ROOT / "benchmarks" / "reports" /
                        "propagation.html", help="Dask performance report of the last "
                        "2-worker run")
    args = parser.parse_args()
    args.report.parent.mkdir(parents=True, exist_ok=True)
    if not STRING.exists():
        sys.exit(f"{STRING} is missing: the benchmark needs ../shared/data beside the repo")
    graph = read_string(STRING, min_score=0.9)
    print(f"STRING hc0.9: {graph.number_of_nodes():,} genes, {graph.number_of_edges():,} edges")
    ours = best_of(lambda: random_walk_with_restart(graph, SEEDS, restart=0.5))
    pagerank = best_of(lambda: nx.pagerank(graph, alpha=0.5, personalization=SEEDS,
                                            weight="score", tol=1e-10))
    print(f"one seed set: RWR {ours:.3f} s vs networkx personalised PageRank {pagerank:.3f} s "
          f"-> {pagerank / ours:.1f}x faster (target <= 1 s)")
    one_time = two_time = float("inf")
    for repeat in range(args.repeats):
        one, seconds, _ = _significance(graph, 1, args.n_random)
        one_time = min(one_time, seconds)
        two, seconds, warm_up = _significance(
            graph, 2, args.n_random, report=args.report if repeat == args.repeats - 1 else None)
        two_time = min(two_time, seconds)
        assert one.equals(two), "p-values must not depend on the number of workers"
    print(f"{args.n_random} randomisations (best of {args.repeats}): 2 workers "
          f"{two_time:.1f} s vs 1 worker {one_time:.1f} s -> speed-up {one_time / two_time:.2f}x "
          f"({two_time / args.n_random * 1000:.0f} ms per randomised network on 2 workers; "
          f"the workers' imports before it: {warm_up:.1f} s; targets <= 180 s, >= 1.8x)")
    print(f"Dask performance report of the last 2-worker run: {args.report}")
    if args.compare_malloc:
        trimmed, trimmed_time, _ = _significance(graph, 2, args.n_random, dask_default=True)
        assert trimmed.equals(two)
        print(f"2 workers with the nanny's MALLOC_TRIM_THRESHOLD_=65536: {trimmed_time:.1f} s "
              f"-> {trimmed_time / two_time:.2f}x the time without it")


if __name__ == "__main__":
    main()
