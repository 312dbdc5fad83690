"""``omics differential`` and ``omics correlate``: the statistics engine on plain tables.

Registered on the ``omics`` command line by :mod:`omics.cli.main`; user errors raise
:class:`~omics.errors.OmicsInputError`, which the CLI prints as one line (exit status 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from omics.cli.console import console
from omics.errors import OmicsInputError

__all__ = ["correlate_command", "differential_command"]



def differential_command(
    table: Annotated[Path, typer.Argument(help="TSV/CSV: feature id, then sample columns.")],
    samples: Annotated[Path, typer.Option(help="Sample sheet: a 'sample' column + factors.")],
    design: Annotated[str, typer.Option(help="Formula over the sample sheet, e.g. '~ group'.")],
    out: Annotated[Path, typer.Option(help="Result table (TSV) to write.")],
    coef: Annotated[str | None, typer.Option(help="Test one design coefficient.")] = None,
    contrast: Annotated[str | None, typer.Option(
        help="Test a contrast, e.g. 'group\\[b] - group\\[a]' with --design '~ 0 + group'.")
    ] = None,
    log2: Annotated[bool, typer.Option("--log2", help="log2 the values first (0 = missing).")
                    ] = False,
    method: Annotated[str, typer.Option(help="moderated (limma), welch or wilcoxon.")
                      ] = "moderated",
    trend: Annotated[bool, typer.Option("--trend", help="limma eBayes(trend=TRUE).")] = False,
    robust: Annotated[bool, typer.Option("--robust", help="limma eBayes(robust=TRUE).")
                      ] = False,
    fdr: Annotated[str, typer.Option(help="bh (Benjamini-Hochberg) or storey (q-values).")
                   ] = "bh",
) -> None:
    """Differential analysis of every feature (limma moderated t, Welch or Wilcoxon).

    Writes one row per input feature: feature, log2_fc, ci_low, ci_high, mean_expr, t,
    p_value, fdr, df_total (features that cannot be tested have empty statistics).
    """
    from omics.io.matrix import read_feature_matrix
    from omics.io.sample_sheet import match_samples, read_sample_sheet
    from omics.preprocess import log2_intensity
    from omics.stats.differential import RESULT_COLUMNS, differential
    from omics.stats.multiple_testing import FDR_METHODS
    from omics.store.atomic import write_table_atomically

    if (coef is None) == (contrast is None):
        raise OmicsInputError("command line", "--coef and --contrast both given or both absent"
                              if coef and contrast else "neither --coef nor --contrast",
                              "exactly one of --coef NAME or --contrast EXPR")
    if fdr not in FDR_METHODS:
        raise OmicsInputError("command line", f"--fdr {fdr}", "--fdr bh or --fdr storey")
    data = read_feature_matrix(table)
    sample_columns = list(data["sample"].values)
    sheet = match_samples(sample_columns, ["feature", *sample_columns], table,
                          read_sample_sheet(samples))
    if log2:
        data = log2_intensity(data)
    result = differential(data, sheet.reset_index(), design, {"result": coef or contrast},
                          method=method, trend=trend, robust=robust,
                          fdr_method=fdr)["result"]
    write_table_atomically(result[RESULT_COLUMNS], out, float_format="%.15g")
    tested = result["p_value"].notna()
    summary = (f"{len(result):,} features, {int(tested.sum()):,} tested, "
               f"{int((result['fdr'] < 0.05).sum()):,} at FDR < 0.05 ({method}")
    if method == "moderated":
        summary += f"; prior df {result.attrs['df_prior']:.3g}"
    console.print(summary + f"); wrote {out}")


def correlate_command(
    x: Annotated[Path, typer.Argument(help="TSV/CSV matrix: feature id, then samples.")],
    y: Annotated[Path | None, typer.Argument(
        help="Second matrix (cross-correlation on shared samples); omit for pairs within X.")
    ] = None,
    out: Annotated[Path, typer.Option(
        help="Pairs table to write: .parquet, or text (.tsv, .txt or .csv).")] = Path(
        "correlations.parquet"),
    method: Annotated[str, typer.Option(help="pearson or spearman.")] = "pearson",
    top_k: Annotated[int | None, typer.Option(help="Each feature's K strongest partners.")
                     ] = None,
    min_abs_r: Annotated[float | None, typer.Option(help="Every pair with |r| >= R.")] = None,
    log2: Annotated[bool, typer.Option("--log2", help="log2 the values first (0 = missing).")
                    ] = False,
) -> None:
    """Correlate features (blockwise, never the full matrix in memory) with BH FDR.

    Writes feature_a, feature_b, r, n, p_value, fdr for each reported pair (Parquet by
    default; text for a .tsv, .txt or .csv --out); the FDR is Benjamini-Hochberg over every
    pair tested.
    """
    import dask

    from omics.io.matrix import read_feature_matrix
    from omics.io.pairs_output import PAIRS_FORMATS, pairs_format, write_pairs
    from omics.preprocess import log2_intensity
    from omics.stats.correlation import correlate

    if method not in ("pearson", "spearman"):
        raise OmicsInputError("command line", f"--method {method}",
                              "--method pearson or --method spearman")
    if pairs_format(out) is None:
        raise OmicsInputError("command line", f"--out {out}", "a file name ending "
                              + ", ".join(PAIRS_FORMATS) + " (Parquet or delimited text)")
    if top_k is None and min_abs_r is None:
        raise OmicsInputError("command line", "neither --top-k nor --min-abs-r",
                              "--top-k K, --min-abs-r R, or both")
    matrices = [read_feature_matrix(path) for path in (x, y) if path is not None]
    if log2:
        matrices = [log2_intensity(matrix) for matrix in matrices]
    if len(matrices) == 2:
        shared = set(matrices[0]["sample"].values) & set(matrices[1]["sample"].values)
        if len(shared) < 3:
            raise OmicsInputError(y, f"{len(shared)} sample columns shared with {x.name}",
                                  "at least 3 samples in common", line=1)
    with dask.config.set(scheduler="threads"):
        found = correlate(*matrices, method=method, top_k=top_k, min_abs_r=min_abs_r)
    table = found.table()
    write_pairs(table, out)
    screen = ("; screened in float32, float64 values reported" if found.single_precision
              else "")
    console.print(f"{len(table):,} pairs written to {out}; BH over {found.n_tested:,} pairs "
                  f"tested (exact for FDR <= {found.fdr_exact_up_to:.3g}{screen})")
