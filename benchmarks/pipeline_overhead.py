"""Benchmark: the demo pipeline (``omics run``) against its science alone, in the same run.

The **science alone** is every library call the pipeline makes on the built-in cohort, in
one process, one after the other, on Dask's threaded scheduler (2 threads): simulate the
cohort, ingest it, run every analysis of its plan (each staged and keyed as the pipeline does),
the axis network with its randomisations, the exports (TSV, Parquet, h5ad/h5mu), the
findings and the report. No Prefect, no cluster.

The **pipeline** is ``omics run --out ...`` as the README's quick start runs it: its own
Prefect server, a 2-worker LocalCluster, the same steps as Prefect tasks. It runs four
times: with a new Prefect home (a first run in a new folder: its database a copy of the
installation's template, made by ``make install``), then with that home reused and a new
results folder (every analysis computed again, nothing cached), twice over.

Each side runs in its own process, with an empty randomisation cache, alternated:
science, pipeline (new home), science, pipeline (home reused), and again. The figures are
the pipeline's best times over the science's fastest run (this machine is shared: a run's
time varies by 10-20 %).

    python benchmarks/pipeline_overhead.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling import OMICS, measured  # noqa: E402


def science_only(folder: Path) -> None:
    """The pipeline's library calls on the default built-in cohort, in this process."""
    import dask

    from graphs.steps.analysis import NetworkPlan, analyse_axis_network, randomisation_cache
    from omics.io.study import load_study
    from omics.report import build_report
    from omics.simulate import simulate_cohort
    from omics.steps import analysis, clinical, factors, mechanism, pathways, ptm
    from omics.steps.analysis_keys import analysis_keys
    from omics.steps.export import export_modalities, export_parquet
    from omics.steps.ingest import ingest_study
    from omics.steps.summary import export_results, findings, record_findings
    from omics.store import layout
    from omics.store.input_keys import mark_group
    from omics.store.staged_results import staged_results

    study_yaml = simulate_cohort(folder / "inputs", scale="default")
    store = ingest_study(study_yaml, folder / "study.zarr")
    plan = load_study(study_yaml).analysis
    runs = {"differential_proteomics": lambda: analysis.differential_proteomics(
        store, plan.proteomics)}
    for modality, section in plan.transcriptomics.items():
        runs[analysis.differential_transcriptomics_name(modality)] = (
            lambda m=modality, s=section: analysis.differential_transcriptomics(store, m, s))
    for modality, section in plan.ptm.items():
        runs[ptm.ptm_analysis_name(modality)] = (
            lambda m=modality, s=section: ptm.ptm_analysis(store, m, s, plan.proteomics))
    runs |= {"clinical": lambda: clinical.clinical_analysis(store, plan.clinical),
             "dose_response": lambda: clinical.dose_response_analysis(store,
                                                                      plan.dose_response),
             "gene_pairs": lambda: analysis.gene_pair_correlation(store, plan.gene_pairs),
             "mechanism": lambda: mechanism.mechanism_analysis(store, plan.mechanism),
             "protein_mrna": lambda: analysis.protein_mrna(store, plan.protein_mrna),
             "pathways": lambda: pathways.pathway_analysis(store, plan.pathways),
             "factors": lambda: factors.factor_analysis(store, plan.factors)}
    summaries = {}
    keys = analysis_keys(store, plan)  # once, before the analyses, as the analysis flow does
    with dask.config.set(scheduler="threads", num_workers=2):
        for name, run in runs.items():
            group, key = keys[name]
            with staged_results(store, group.removeprefix(f"{layout.RESULTS}/")):
                summaries[name] = run()
                mark_group(store, group, key)
        primary = next(iter(plan.proteomics.contrasts))
        analyse_axis_network(NetworkPlan.from_study(plan.network, primary,
                                                    randomisation_cache()),
                             folder / "results" / "network", store)
    export_results(store, folder / "results")
    export_parquet(store, folder / "results")
    lines = findings(store, summaries)
    record_findings(store, lines)
    export_modalities(store, folder / "modalities")
    build_report(store, folder / "report.html", findings=lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        science_only(Path(args.child))
        return
    work = Path(tempfile.mkdtemp(prefix="omics-overhead-"))
    science_command = [sys.executable, __file__, "--child"]
    try:
        times: dict[str, list[float]] = {"science": [], "new home": [], "home reused": []}
        for attempt, home in enumerate(("new home", "home reused") * 2, start=1):
            project = work / f"project-{(attempt + 1) // 2}"  # its .omics: new, then reused
            project.mkdir(exist_ok=True)
            for side in ("science", home):
                folder = work / f"{side}-{attempt}".replace(" ", "-")
                folder.mkdir()
                command = science_command + [str(folder)] if side == "science" else \
                    [str(OMICS), "run", "--out", str(folder)]
                environment = {**os.environ, "OMICS_AXIS_CACHE": str(folder / "cache")}
                seconds, peak = measured(command, environment, cwd=project)
                times[side].append(seconds)
                print(f"{side} (run {attempt}): {seconds:.1f} s, peak RSS {peak:.0f} MB",
                      flush=True)
        science = min(times["science"])
        print(f"ratio: pipeline {min(times['new home']) / science:.2f}x the science alone "
              f"with a new Prefect home, {min(times['home reused']) / science:.2f}x with the "
              "home reused (best of 2 each; target <= 1.5x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
