"""ComBat and removeBatchEffect against R sva::ComBat and limma::removeBatchEffect, on the
real TCGA BRCA mixOmics mRNA (training and test tumours as two batches, PAM50 subtype
protected) and on the built-in cohort's TMT proteome (plexes as batches, with missing
values)."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
import pytest
import xarray as xr

import omics as ox
from omics.errors import OmicsInputError
from omics.preprocess.batch import ComBatWarning, combat, remove_batch_effect
from omics.stats.design import design_matrix
from tests.conftest import built_once, shared_data

_SCRIPT = r"""
suppressMessages({library(sva); library(limma)})
for (job in commandArgs(trailingOnly = TRUE)) {
  y <- as.matrix(read.table(file.path(job, "y.tsv"), sep = "\t", header = FALSE))
  samples <- read.table(file.path(job, "samples.tsv"), sep = "\t", header = TRUE,
                        colClasses = "character")
  a <- readLines(file.path(job, "options.txt"))
  mod <- model.matrix(as.formula(a[1]), data = samples)
  ref <- if (a[4] == "none") NULL else a[4]
  adjusted <- suppressMessages(ComBat(y, samples$batch, mod = mod, par.prior = a[2] == "TRUE",
                                      mean.only = a[3] == "TRUE", ref.batch = ref))
  write.table(format(adjusted, digits = 17), file.path(job, "combat.tsv"), sep = "\t",
              quote = FALSE, row.names = FALSE, col.names = FALSE)
  removed <- removeBatchEffect(y, batch = samples$batch, design = mod)
  write.table(format(removed, digits = 17), file.path(job, "remove.tsv"), sep = "\t",
              quote = FALSE, row.names = FALSE, col.names = FALSE)
}
"""


def _tcga_mrna() -> tuple[np.ndarray, pd.DataFrame]:
    """220 tumours x 200 genes (log2), batch = training or test set, PAM50 subtype."""
    folder = shared_data("transcriptomics_clinical/tcga_brca_mixomics/data.train_mrna.csv").parent
    frames, sheets = [], []
    for part in ("train", "test"):
        mrna = pd.read_csv(folder / f"data.{part}_mrna.csv", index_col=0)
        subtype = pd.read_csv(folder / f"data.{part}_subtype.csv", index_col=0)["subtype"]
        frames.append(mrna)
        sheets.append(pd.DataFrame({"batch": part, "subtype": subtype.loc[mrna.index]}))
    values = pd.concat(frames).to_numpy(dtype=np.float64).T
    return values, pd.concat(sheets).reset_index(drop=True)


def _tmt_proteome(store: Path) -> tuple[np.ndarray, pd.DataFrame]:
    """The built-in cohort's proteome (log2, median-normalised, pools left out): plexes as
    batches, condition, and the proteome's own missing values (features with at most two
    missing: sva fails on a batch with fewer than two values)."""
    prot = ox.read_store(store)["proteomics"]
    ox.pp.log2(prot)
    ox.pp.median_normalise(prot)
    prot = prot[~prot.obs["reference"].to_numpy(bool)].copy()
    y = prot.X.T
    y = y[(~np.isnan(y)).sum(axis=1) >= prot.n_obs - 2]
    return y, pd.DataFrame({"batch": prot.obs["plex"].astype(str).to_numpy(),
                            "condition": prot.obs["condition"].astype(str).to_numpy()})


#: name -> (data, protected formula, parametric, mean_only, reference batch)
CASES = {
    "parametric": ("tcga", "~ subtype", True, False, "none"),
    "non_parametric": ("tcga", "~ subtype", False, False, "none"),
    "mean_only": ("tcga", "~ subtype", True, True, "none"),
    "reference_batch": ("tcga", "~ subtype", True, False, "train"),
    "tmt_missing_values": ("tmt", "~ condition", True, False, "none"),
}


def _run_r_batch(root: Path, data: dict) -> None:
    """R's ComBat and removeBatchEffect of every case, written into ``root/<case>/``."""
    for name, (source, formula, parametric, mean_only, reference) in CASES.items():
        y, samples = data["tcga_80" if name == "non_parametric" else source]
        job = root / name
        job.mkdir()
        np.savetxt(job / "y.tsv", y, delimiter="\t", fmt="%.17g")
        samples.to_csv(job / "samples.tsv", sep="\t", index=False)
        (job / "options.txt").write_text(
            f"{formula}\n{str(parametric).upper()}\n{str(mean_only).upper()}\n{reference}\n")
    (root / "run.R").write_text(_SCRIPT)
    subprocess.run(["Rscript", str(root / "run.R"), *(str(root / n) for n in CASES)],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def r_batch(tmp_path_factory, _small_store_template) -> dict:
    """Each case's data and R's ``ComBat`` and ``removeBatchEffect`` of it, in one R run;
    skips without R sva."""
    if shutil.which("Rscript") is None or subprocess.run(
            ["Rscript", "-e", "library(sva)"], capture_output=True).returncode:
        pytest.skip("R sva not installed (.ci/run installs r-bioc-sva)")
    data = {"tcga": _tcga_mrna(), "tmt": _tmt_proteome(_small_store_template)}
    data["tcga_80"] = (data["tcga"][0][:80], data["tcga"][1])  # R's non-parametric loop
    with built_once(tmp_path_factory, "sva") as (root, done):  # one R run per test run
        if not done:
            _run_r_batch(root, data)
    read = lambda name, file: np.loadtxt(root / name / file, ndmin=2)  # noqa: E731
    return {name: (data["tcga_80" if name == "non_parametric" else CASES[name][0]],
                   read(name, "combat.tsv"), read(name, "remove.tsv")) for name in CASES}


def _values(y: np.ndarray) -> xr.DataArray:
    return xr.DataArray(y, dims=("feature", "sample"))


@pytest.mark.parametrize("case", list(CASES))
def test_combat_and_remove_batch_effect_equal_r(r_batch, case):
    """TCGA mRNA: parametric, non-parametric, mean-only, reference batch; the TMT proteome
    with missing values: sva ComBat to 1e-6, limma removeBatchEffect to 1e-10."""
    (y, samples), expected, removed = r_batch[case]
    _, formula, parametric, mean_only, reference = CASES[case]
    covariates = design_matrix(samples, formula).to_numpy(dtype=np.float64)
    out = combat(_values(y), samples["batch"].to_numpy(), covariates, parametric=parametric,
                 mean_only=mean_only, reference_batch=None if reference == "none" else reference)
    np.testing.assert_allclose(out.values, expected, rtol=0, atol=1e-6)
    assert np.nanmax(np.abs(out.values - y)) > 0.05  # the batches really were adjusted
    assert np.isnan(out.values).sum() == np.isnan(y).sum()
    kept = remove_batch_effect(_values(y), samples["batch"].to_numpy(), design=covariates)
    np.testing.assert_allclose(kept.values, removed, rtol=0, atol=1e-10)


def test_features_combat_cannot_adjust_are_kept_and_counted():
    rng = np.random.default_rng(4)
    y = rng.normal(5, 1, (30, 8))
    y[0, :4] = 2.0  # constant in batch a
    y[1, 4:7] = np.nan  # one value in batch b
    with pytest.warns(ComBatWarning, match="1 features constant within a batch and 1 with "
                                           "too few values"):
        out = combat(_values(y), np.array(list("aaaabbbb")))
    np.testing.assert_array_equal(out.values[:2], y[:2])
    step = ox.preprocess.steps(out)[-1]
    assert (step["features_adjusted"], step["features_constant_in_a_batch"],
            step["features_too_few_values"]) == (28, 1, 1)


def test_confounded_covariate_is_a_one_line_error():
    batch = np.array(list("aabb"))
    covariates = (batch == "b").astype(float)[:, None]
    with pytest.raises(OmicsInputError, match="covariates confounded with the batch"):
        combat(_values(np.ones((3, 4)) + np.arange(4)), batch, covariates)


def test_pp_combat_protects_the_condition_and_records_itself():
    y, samples = _tcga_mrna()
    adata = ad.AnnData(y.T, obs=samples.set_index(samples.index.astype(str)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ox.pp.combat(adata, "batch", covariates=["subtype"], key_added="combat")
    step = ox.pp.history(adata)[-1]
    assert step["step"] == "combat" and step["covariates"] == ["subtype[T.Her2]",
                                                               "subtype[T.LumA]"]
    assert step["features_adjusted"] == 200
    ox.pp.remove_batch_effect(adata, "batch", covariates=["subtype"], key_added="display")
    assert adata.layers["display"].shape == adata.shape
