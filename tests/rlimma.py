"""Run R limma (Rscript) on a matrix and a design, for parity tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

_SCRIPT = r"""
suppressMessages(library(limma))
args <- commandArgs(trailingOnly = TRUE)
y <- as.matrix(read.table(args[1], sep = "\t", header = FALSE))
design <- as.matrix(read.table(args[2], sep = "\t", header = TRUE, check.names = FALSE))
contrasts <- as.matrix(read.table(args[3], sep = "\t", header = TRUE, check.names = FALSE))
trend <- args[5] == "TRUE"; robust <- args[6] == "TRUE"
fit <- lmFit(y, design)
fit2 <- eBayes(contrasts.fit(fit, contrasts), trend = trend, robust = robust)
out <- data.frame(coef = fit2$coefficients[, 1], t = fit2$t[, 1], p = fit2$p.value[, 1],
                  fdr = p.adjust(fit2$p.value[, 1], "BH"),
                  df_total = fit2$df.total, amean = fit2$Amean,
                  s2_prior = fit2$s2.prior, df_prior = fit2$df.prior)
write.table(format(out, digits = 17), args[4], sep = "\t", quote = FALSE, row.names = FALSE)
"""


def rscript_limma(tmp_path: Path, y: np.ndarray, design: pd.DataFrame, contrast: np.ndarray,
                  *, trend: bool = False, robust: bool = False) -> pd.DataFrame:
    """limma's lmFit -> contrasts.fit -> eBayes for one contrast; skips without Rscript.

    Columns: coef, t, p, fdr (R's BH), df_total, amean, s2_prior, df_prior (per feature).
    """
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript with limma not installed (.ci/run installs r-bioc-limma)")
    np.savetxt(tmp_path / "y.tsv", y, delimiter="\t", fmt="%.17g")
    design.to_csv(tmp_path / "design.tsv", sep="\t", index=False)
    pd.DataFrame({"c": contrast}).to_csv(tmp_path / "contrast.tsv", sep="\t", index=False)
    (tmp_path / "run.R").write_text(_SCRIPT)
    subprocess.run(
        ["Rscript", str(tmp_path / "run.R"), *(str(tmp_path / f) for f in
         ("y.tsv", "design.tsv", "contrast.tsv", "out.tsv")),
         str(trend).upper(), str(robust).upper()],
        check=True, capture_output=True,
    )
    return pd.read_csv(tmp_path / "out.tsv", sep="\t", skipinitialspace=True)


_TOP_TABLES_SCRIPT = r"""
suppressMessages(library(limma))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
y <- as.matrix(read.table(file.path(out, "y.tsv"), sep = "\t", header = FALSE))
rownames(y) <- paste0("f", seq_len(nrow(y)) - 1)
design <- as.matrix(read.table(file.path(out, "design.tsv"), sep = "\t", header = TRUE,
                               check.names = FALSE))
trend <- args[2] == "TRUE"; robust <- args[3] == "TRUE"
fit <- lmFit(y, design)
if (file.exists(file.path(out, "contrasts.tsv"))) {
  contrasts <- as.matrix(read.table(file.path(out, "contrasts.tsv"), sep = "\t", header = TRUE,
                                    check.names = FALSE))
  rownames(contrasts) <- colnames(fit$coefficients)
  fit <- contrasts.fit(fit, contrasts)
}
fit <- eBayes(fit, trend = trend, robust = robust)
for (j in seq_len(ncol(fit$coefficients))) {
  tab <- topTable(fit, coef = j, number = Inf, sort.by = "none", confint = TRUE)
  write.table(format(tab, digits = 17), file.path(out, paste0("top_", j - 1, ".tsv")),
              sep = "\t", quote = FALSE)
}
f_coefs <- as.integer(strsplit(args[4], ",")[[1]]) + 1
tab <- topTable(fit, coef = f_coefs, number = Inf, sort.by = "none")
write.table(format(tab, digits = 17), file.path(out, "top_f.tsv"), sep = "\t", quote = FALSE)
"""


def rscript_top_tables(tmp_path: Path, y: np.ndarray, design: pd.DataFrame,
                       contrasts: pd.DataFrame | None = None, *, trend: bool = False,
                       robust: bool = False, f_coefs: tuple[int, ...] = (0, 1)
                       ) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """R limma's ``topTable(confint=TRUE)`` of every coefficient (B included) and
    ``topTable`` of ``f_coefs`` together (the F test), all rows in feature order
    (features named ``f0, f1, ...``); skips without Rscript."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript with limma not installed (.ci/run installs r-bioc-limma)")
    np.savetxt(tmp_path / "y.tsv", y, delimiter="\t", fmt="%.17g")
    design.to_csv(tmp_path / "design.tsv", sep="\t", index=False)
    n_columns = design.shape[1]
    if contrasts is not None:
        contrasts.to_csv(tmp_path / "contrasts.tsv", sep="\t", index=False)
        n_columns = contrasts.shape[1]
    (tmp_path / "top.R").write_text(_TOP_TABLES_SCRIPT)
    subprocess.run(["Rscript", str(tmp_path / "top.R"), str(tmp_path), str(trend).upper(),
                    str(robust).upper(), ",".join(map(str, f_coefs))],
                   check=True, capture_output=True)

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(tmp_path / name, sep="\t", skipinitialspace=True, index_col=0,
                           na_values=["NA"])

    return [read(f"top_{j}.tsv") for j in range(n_columns)], read("top_f.tsv")


_WEIGHTED_SCRIPT = r"""
suppressMessages(library(limma))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
y <- as.matrix(read.table(file.path(out, "y.tsv"), sep = "\t", header = FALSE))
w <- as.matrix(read.table(file.path(out, "w.tsv"), sep = "\t", header = FALSE))
design <- as.matrix(read.table(file.path(out, "design.tsv"), sep = "\t", header = TRUE,
                               check.names = FALSE))
fit <- eBayes(lmFit(y, design, weights = w))
j <- ncol(design)
res <- data.frame(coef = fit$coefficients[, j], stdev = fit$stdev.unscaled[, j],
                  sigma = fit$sigma, t = fit$t[, j])
write.table(format(res, digits = 17), file.path(out, "fit.tsv"), sep = "\t", quote = FALSE,
            row.names = FALSE)
"""


def rscript_weighted_lm_fit(tmp_path: Path, y: np.ndarray, weights: np.ndarray,
                            design: pd.DataFrame) -> pd.DataFrame:
    """limma's ``eBayes(lmFit(y, design, weights=w))`` for the last coefficient: coef,
    stdev (unscaled), sigma and t per feature. Skips without Rscript."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript with limma not installed (.ci/run installs r-bioc-limma)")
    np.savetxt(tmp_path / "y.tsv", y, delimiter="\t", fmt="%.17g")
    np.savetxt(tmp_path / "w.tsv", weights, delimiter="\t", fmt="%.17g")
    design.to_csv(tmp_path / "design.tsv", sep="\t", index=False)
    (tmp_path / "run.R").write_text(_WEIGHTED_SCRIPT)
    subprocess.run(["Rscript", str(tmp_path / "run.R"), str(tmp_path)], check=True,
                   capture_output=True)
    return pd.read_csv(tmp_path / "fit.tsv", sep="\t", skipinitialspace=True)
