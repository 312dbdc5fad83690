"""``omics differential`` / ``omics correlate`` on files: numbers against R limma and scipy,
exact one-line errors, outputs written atomically."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from omics.stats.differential import RESULT_COLUMNS
from tests.cli import run_omics
from tests.editing import replace_cell
from tests.rlimma import rscript_limma


def _omics(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_omics(*args, cwd=cwd)


@pytest.fixture()
def two_group_files(tmp_path):
    rng = np.random.default_rng(11)
    values = 2.0 ** (rng.normal(20, 1, (300, 1)) + rng.normal(0, 0.3, (300, 8)))
    values[:25, 4:] *= 4
    values[rng.random(values.shape) < 0.05] = 0  # missing
    table = pd.DataFrame(values, columns=[f"s{i}" for i in range(8)])
    table.insert(0, "protein", [f"P{i:03d}" for i in range(300)])
    table.to_csv(tmp_path / "intensities.tsv", sep="\t", index=False)
    pd.DataFrame({"sample": table.columns[1:], "group": ["ctrl"] * 4 + ["res"] * 4,
                  "batch": ["a", "b"] * 4}).to_csv(tmp_path / "samples.csv", index=False)
    return tmp_path


def test_differential_cli_matches_r_limma(two_group_files):
    done = _omics("differential", "intensities.tsv", "--samples", "samples.csv", "--design",
                  "~ group + batch", "--coef", "group[T.res]", "--log2", "--out", "out.tsv",
                  cwd=two_group_files)
    assert done.returncode == 0, done.stderr
    assert "300 features" in done.stdout
    out = pd.read_csv(two_group_files / "out.tsv", sep="\t")
    assert list(out.columns) == RESULT_COLUMNS and len(out) == 300
    table = pd.read_csv(two_group_files / "intensities.tsv", sep="\t")
    y = np.log2(table.iloc[:, 1:].where(table.iloc[:, 1:] > 0).to_numpy())
    design = pd.DataFrame({"(Intercept)": 1.0, "group[T.res]": [0.0] * 4 + [1.0] * 4,
                           "batch[T.b]": [0.0, 1.0] * 4})
    reference = rscript_limma(two_group_files, y, design, np.array([0.0, 1, 0]))
    np.testing.assert_allclose(out["t"], reference["t"], atol=1e-8)
    np.testing.assert_allclose(out["p_value"], reference["p"], rtol=1e-6)
    np.testing.assert_allclose(out["df_total"], reference["df_total"], rtol=1e-8)
    assert (out["fdr"] < 0.05).sum() == (reference["fdr"] < 0.05).sum() > 15


def test_differential_cli_welch_matches_scipy(two_group_files):
    done = _omics("differential", "intensities.tsv", "--samples", "samples.csv", "--design",
                  "~ group", "--coef", "group[T.res]", "--log2", "--method", "welch",
                  "--out", "welch.tsv", cwd=two_group_files)
    assert done.returncode == 0, done.stderr
    out = pd.read_csv(two_group_files / "welch.tsv", sep="\t")
    table = pd.read_csv(two_group_files / "intensities.tsv", sep="\t")
    raw = table.iloc[7, 1:].to_numpy(float)
    row = np.log2(np.where(raw > 0, raw, np.nan))
    a, b = row[:4], row[4:]
    ref = stats.ttest_ind(b[np.isfinite(b)], a[np.isfinite(a)], equal_var=False)
    assert out.loc[7, "t"] == pytest.approx(ref.statistic, rel=1e-10)
    assert out.loc[7, "p_value"] == pytest.approx(ref.pvalue, rel=1e-10)


@pytest.mark.parametrize(("edit", "args", "message"), [
    (("intensities.tsv", 4, 3, "high"), ["--coef", "group[T.res]"],
     "error: intensities.tsv:4:3: found 'high' in column 's1'; expected a finite number"),
    (("samples.csv", 3, 1, "s9"), ["--coef", "group[T.res]"],
     "error: intensities.tsv:1:3: found sample column 's1'; expected a sample listed in "
     "samples.csv"),
    (None, [], "error: command line: found neither --coef nor --contrast; expected exactly "
     "one of --coef NAME or --contrast EXPR"),
    (None, ["--coef", "group[T.res]", "--trend", "--robust"],
     "error: ebayes: found trend together with robust; expected one of trend or robust"),
    (None, ["--coef", "group[T.res]", "--fdr", "holm"],
     "error: command line: found --fdr holm; expected --fdr bh or --fdr storey"),
    (None, ["--coef", "group[T.res]", "--method", "welch", "--robust"],
     "error: method: found welch with robust; expected trend/robust only with the moderated "
     "method"),
])
def test_differential_cli_bad_input_is_one_line_and_keeps_the_previous_output(
        two_group_files, edit, args, message):
    (two_group_files / "out.tsv").write_text("previous\n")
    if edit:
        name, line, column, value = edit
        replace_cell(two_group_files / name, line, column, value)
    done = _omics("differential", "intensities.tsv", "--samples", "samples.csv", "--design",
                  "~ group", "--log2", "--out", "out.tsv", *args, cwd=two_group_files)
    assert done.returncode == 2
    assert done.stderr.strip() == message
    assert "Traceback" not in done.stderr
    assert (two_group_files / "out.tsv").read_text() == "previous\n"
    assert sorted(p.name for p in two_group_files.iterdir()) == [
        "intensities.tsv", "out.tsv", "samples.csv"]


def test_correlate_cli_cross_matrices_match_scipy(tmp_path):
    rng = np.random.default_rng(12)
    x = rng.normal(size=(20, 15))
    y = rng.normal(size=(30, 18))
    y[:20, 3:] += 2 * x  # y's samples t3..t17 are x's t0..t14
    x[2, 4] = np.nan
    pd.DataFrame(x, columns=[f"t{i}" for i in range(3, 18)]).assign(
        gene=[f"x{i}" for i in range(20)]).set_index("gene").to_csv(tmp_path / "x.tsv",
                                                                      sep="\t")
    pd.DataFrame(y, columns=[f"t{i}" for i in range(18)]).assign(
        gene=[f"y{i}" for i in range(30)]).set_index("gene").to_csv(tmp_path / "y.csv")
    done = _omics("correlate", "x.tsv", "y.csv", "--method", "spearman", "--top-k", "2",
                  "--min-abs-r", "0.7", "--out", "pairs.tsv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "BH over 600 pairs tested" in done.stdout
    pairs = pd.read_csv(tmp_path / "pairs.tsv", sep="\t")
    assert list(pairs.columns) == ["feature_a", "feature_b", "r", "n", "p_value", "fdr"]
    row = pairs[(pairs.feature_a == "x2") & (pairs.feature_b == "y2")].iloc[0]
    ok = np.isfinite(x[2])
    ref = stats.spearmanr(x[2][ok], y[2, 3:][ok])
    assert row["n"] == 14
    assert row["r"] == pytest.approx(ref.statistic, rel=1e-12)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-8)
    assert (pairs["p_value"].diff().dropna() >= 0).all()


def test_correlate_cli_writes_parquet_by_default_and_the_same_values_as_text(tmp_path):
    """Parquet by default; .tsv and .csv hold the same values to the last bit (Arrow writes
    the shortest text that reads back to the same float); a name that needs quotes is
    quoted; an unknown ending is refused before anything is computed."""
    rng = np.random.default_rng(5)
    values = rng.normal(size=(40, 12))
    values[1] = values[0] + rng.normal(0, 0.2, 12)
    names = [f"g{i}" for i in range(40)]
    names[0] = 'ANXA6 "exo", isoform 1'
    pd.DataFrame(values, index=pd.Index(names, name="gene"),
                 columns=[f"s{i}" for i in range(12)]).to_csv(tmp_path / "x.tsv", sep="\t")
    options = ["--top-k", "3", "--min-abs-r", "0.6"]
    assert _omics("correlate", "x.tsv", *options, cwd=tmp_path).returncode == 0
    parquet = pd.read_parquet(tmp_path / "correlations.parquet")
    assert len(parquet) > 40 and parquet["feature_a"].astype(str).iloc[0] == names[0]
    for name, separator in (("pairs.tsv", "\t"), ("pairs.csv", ",")):
        done = _omics("correlate", "x.tsv", *options, "--out", name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        text = pd.read_csv(tmp_path / name, sep=separator, float_precision="round_trip")
        for column in ("feature_a", "feature_b"):
            assert text[column].tolist() == parquet[column].astype(str).tolist()
        for column in ("r", "n", "p_value", "fdr"):
            np.testing.assert_array_equal(text[column].to_numpy(), parquet[column].to_numpy())
    done = _omics("correlate", "x.tsv", *options, "--out", "pairs.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stderr.strip()) == (2, (
        "error: command line: found --out pairs.xlsx; expected a file name ending .parquet, "
        ".tsv, .txt, .csv (Parquet or delimited text)"))
    assert not (tmp_path / "pairs.xlsx").exists()


def test_pairs_text_without_quotes_needed_is_written_by_arrow_unquoted(tmp_path):
    from omics.io.pairs_output import write_pairs

    table = pd.DataFrame({"feature_a": pd.Categorical(["ANXA6", "EGFR"]),
                          "r": [0.1, 1 / 3], "n": [12, 12]})
    write_pairs(table, tmp_path / "p.tsv")
    assert (tmp_path / "p.tsv").read_text().splitlines() == [
        "feature_a\tr\tn", "ANXA6\t0.1\t12", f"EGFR\t{1 / 3!r}\t12"]


def test_correlate_cli_refuses_matrices_without_shared_samples(tmp_path):
    pd.DataFrame({"gene": ["a", "b"], "s1": [1, 2], "s2": [2, 1], "s3": [3, 3]}).to_csv(
        tmp_path / "x.tsv", sep="\t", index=False)
    pd.DataFrame({"gene": ["c"], "u1": [1], "u2": [2], "u3": [3]}).to_csv(
        tmp_path / "y.tsv", sep="\t", index=False)
    done = _omics("correlate", "x.tsv", "y.tsv", "--top-k", "1", "--out", "p.tsv",
                  cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: y.tsv:1: found 0 sample columns shared with x.tsv; "
                                   "expected at least 3 samples in common")
    assert not (tmp_path / "p.tsv").exists()
