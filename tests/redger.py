"""Run R edgeR + limma (filterByExpr, calcNormFactors, voom, weighted lmFit) for parity tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

_SCRIPT = r"""
suppressMessages(library(edgeR))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
counts <- as.matrix(read.table(file.path(out, "counts.tsv"), sep = "\t", header = FALSE))
rownames(counts) <- paste0("g", seq_len(nrow(counts)) - 1)
samples <- read.table(file.path(out, "samples.tsv"), sep = "\t", header = TRUE,
                      stringsAsFactors = TRUE)
design <- model.matrix(as.formula(args[2]), data = samples)
contrast <- as.numeric(strsplit(args[3], ",")[[1]])
y <- DGEList(counts)
keep <- if (args[4] == "design") filterByExpr(y, design) else
  filterByExpr(y, group = samples[[args[4]]])
y <- y[keep, , keep.lib.sizes = FALSE]
y <- calcNormFactors(y)
v <- if (args[6] == "TRUE") voomWithQualityWeights(y, design) else voom(y, design)
aw <- if (is.null(v$targets$sample.weights)) rep(1, ncol(y)) else v$targets$sample.weights
write.table(format(data.frame(aw = aw), digits = 17), file.path(out, "sample_weights.tsv"),
            sep = "\t", quote = FALSE, row.names = FALSE)
fit <- eBayes(contrasts.fit(lmFit(v, design), matrix(contrast, ncol = 1)),
              robust = args[5] == "TRUE")
tab <- topTable(fit, coef = 1, number = Inf, sort.by = "none", confint = TRUE)
write.table(data.frame(keep = keep), file.path(out, "keep.tsv"), sep = "\t", quote = FALSE)
write.table(format(data.frame(nf = y$samples$norm.factors), digits = 17),
            file.path(out, "norm_factors.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(format(v$weights, digits = 17), file.path(out, "weights.tsv"), sep = "\t",
            quote = FALSE, row.names = FALSE, col.names = FALSE)
write.table(format(tab, digits = 17), file.path(out, "top.tsv"), sep = "\t", quote = FALSE)
"""


def rscript_voom(tmp_path: Path, counts: np.ndarray, samples: pd.DataFrame, design: str,
                 contrast: list[float], *, filter_by: str = "design", robust: bool = False,
                 quality_weights: bool = False) -> dict[str, pd.DataFrame | np.ndarray]:
    """edgeR ``filterByExpr`` (by ``filter_by``: a sample column, or the design) ->
    ``calcNormFactors`` -> limma ``voom`` -> ``lmFit`` -> ``contrasts.fit`` -> ``eBayes`` ->
    ``topTable`` (``voomWithQualityWeights`` with ``quality_weights``). Returns ``keep``,
    ``norm_factors``, ``sample_weights``, ``weights`` and ``top`` (rows ``g<i>``). Skips
    without R edgeR."""
    if shutil.which("Rscript") is None or subprocess.run(
            ["Rscript", "-e", "library(edgeR)"], capture_output=True).returncode:
        pytest.skip("R edgeR not installed (.ci/run installs r-bioc-edger)")
    np.savetxt(tmp_path / "counts.tsv", counts, delimiter="\t", fmt="%.17g")
    samples.to_csv(tmp_path / "samples.tsv", sep="\t", index=False)
    (tmp_path / "run.R").write_text(_SCRIPT)
    subprocess.run(["Rscript", str(tmp_path / "run.R"), str(tmp_path), design,
                    ",".join(map(str, contrast)), filter_by, str(robust).upper(),
                    str(quality_weights).upper()],
                   check=True, capture_output=True)
    return {
        "keep": pd.read_csv(tmp_path / "keep.tsv", sep="\t")["keep"].to_numpy(bool),
        "norm_factors": pd.read_csv(tmp_path / "norm_factors.tsv", sep="\t")["nf"].to_numpy(),
        "weights": np.loadtxt(tmp_path / "weights.tsv", ndmin=2),
        "sample_weights": pd.read_csv(tmp_path / "sample_weights.tsv", sep="\t")["aw"]
        .to_numpy(),
        "top": pd.read_csv(tmp_path / "top.tsv", sep="\t", index_col=0),
    }
