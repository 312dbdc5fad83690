"""Mechanism assay models against R (lm, glm, MASS::glm.nb) on the same values, and
against planted truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from omics.errors import OmicsInputError
from omics.stats.assays import assay_effects, chase_half_life
from tests.rscript import run_r


def _two_factor(seed: int = 3) -> pd.DataFrame:
    """Exosome x lapatinib, 6 wells each: colonies (over-dispersed), annexin V positive of
    total (over-dispersed), western densitometry with a loading control."""
    rng = np.random.default_rng(seed)
    rows = []
    for exosome in ("none", "res"):
        for lapatinib in ("no", "yes"):
            res, lap = exosome == "res", lapatinib == "yes"
            colony_mean = 60 * (1.8 if res else 1) * (0.5 if res and lap else 1)
            apoptosis = 0.30 * (0.5 if res else 1) * (1.9 if res and lap else 1)
            for _ in range(6):
                total = int(rng.integers(800, 1200))
                rows.append({
                    "exosome": exosome, "lapatinib": lapatinib,
                    "colonies": int(rng.negative_binomial(8, 8 / (8 + colony_mean))),
                    "positive": int(rng.binomial(total, np.clip(
                        apoptosis * rng.lognormal(0, 0.25), 0.01, 0.99))),
                    "total": total,
                    "egfr": float(1000 * (2.0 if res else 1) * rng.lognormal(0, 0.15)),
                    "gapdh": float(rng.lognormal(np.log(500), 0.1))})
    return pd.DataFrame(rows)


def test_two_factor_assays_equal_r(tmp_path):
    data = _two_factor()
    colony = assay_effects(data, "~ exosome * lapatinib", kind="colony", readout="colonies")
    apoptosis = assay_effects(data, "~ exosome * lapatinib", kind="apoptosis",
                              readout="positive")
    western = assay_effects(data, "~ exosome * lapatinib", kind="western", readout="egfr",
                            loading="gapdh")
    assert colony["family"].iloc[0].startswith("negative binomial")
    assert apoptosis["family"].iloc[0] == "quasi-binomial"
    r = run_r(tmp_path, data, """
        d$exosome <- factor(d$exosome); d$lapatinib <- factor(d$lapatinib)
        nb <- summary(glm.nb(colonies ~ exosome * lapatinib, data = d))$coefficients
        qb <- summary(glm(cbind(positive, total - positive) ~ exosome * lapatinib,
                          family = quasibinomial, data = d))$coefficients
        w <- summary(lm(log2(egfr / gapdh) ~ exosome * lapatinib, data = d))$coefficients
        cat(sprintf('%.17g', c(nb[-1, 1], nb[-1, 2], nb[-1, 4], qb[-1, 1], qb[-1, 2],
                                qb[-1, 4], w[-1, 1], w[-1, 2], w[-1, 4])))""",
              packages=("MASS",))
    r = np.asarray(r).reshape(9, 3)
    ours = [colony[c] for c in ("estimate", "se", "p_value")] + \
        [apoptosis[c] for c in ("estimate", "se", "p_value")] + \
        [western[c] for c in ("estimate", "se", "p_value")]
    # glm.nb and statsmodels maximise the same likelihood by different iterations
    np.testing.assert_allclose(ours[0], r[0], rtol=1e-5)
    np.testing.assert_allclose(ours[1], r[1], rtol=1e-3)
    np.testing.assert_allclose(ours[3], r[3], rtol=1e-8)
    np.testing.assert_allclose(ours[4], r[4], rtol=1e-6)
    np.testing.assert_allclose(ours[5], r[5], rtol=1e-6)
    np.testing.assert_allclose(ours[6], r[6], rtol=1e-10)
    np.testing.assert_allclose(ours[7], r[7], rtol=1e-10)
    np.testing.assert_allclose(ours[8], r[8], rtol=1e-8)
    # planted: resistant exosomes raise colonies 1.8x, lapatinib halves that gain
    interaction = colony.set_index("term").loc["exosome[T.res]:lapatinib[T.yes]"]
    assert interaction["ci_low"] < 0.5 < interaction["ci_high"]
    assert interaction["p_value"] < 0.05
    assert western.set_index("term").loc["exosome[T.res]", "fold_change"] == \
        pytest.approx(2.0, rel=0.2)


def test_chase_half_lives_equal_r_and_planted_truth(tmp_path):
    rng = np.random.default_rng(11)
    planted = {"sens_cells": 2.0, "sens_cells_res_exo": 6.0, "res_exo_siANXA6": 2.2}
    rows = [{"condition": c, "replicate": r, "time": t,
             "readout": 1000 * 2 ** (-t / h) * rng.lognormal(0, 0.08),
             "loading_control": rng.lognormal(np.log(400), 0.05)}
            for c, h in planted.items() for r in range(3) for t in (0, 1, 2, 4, 8)]
    data = pd.DataFrame(rows)
    fit = chase_half_life(data, reference="sens_cells")
    table = fit.half_lives.set_index("condition")
    for condition, half_life in planted.items():
        low, high = table.loc[condition, ["ci_low", "ci_high"]]
        assert low < half_life < high, condition
    r = run_r(tmp_path, data, """
        d$condition <- factor(d$condition, levels = c('sens_cells', 'sens_cells_res_exo',
                                                      'res_exo_siANXA6'))
        m <- summary(lm(log(readout / loading_control) ~ condition * time, data = d))$coef
        cat(sprintf('%.17g', c(m['time', 1], m['conditionsens_cells_res_exo:time', c(1, 4)],
                               m['conditionres_exo_siANXA6:time', c(1, 4)])))""")
    assert table.loc["sens_cells", "k_per_h"] == pytest.approx(r[0], rel=1e-10)
    tests = fit.interactions.set_index("condition")
    for condition, expected in (("sens_cells_res_exo", r[1:3]), ("res_exo_siANXA6", r[3:5])):
        found = tests.loc[condition, ["slope_difference", "p_value"]].astype(float)
        np.testing.assert_allclose(found, expected, rtol=1e-8)
    assert tests.loc["sens_cells_res_exo", "p_value"] < 1e-6
    # knock-down restores degradation: its interval lies below the exosome-treated one
    assert table.loc["res_exo_siANXA6", "ci_high"] < table.loc["sens_cells_res_exo", "ci_low"]


@pytest.mark.parametrize(("kind", "column", "value", "message"), [
    ("colony", "readout", 2.5, "colony assay: found 2.5 in 'readout'; expected a count"),
    ("apoptosis", "total", 3, "apoptosis assay: found total 3 for 5 positive cells"),
    ("western", "loading_control", 0, "western assay: found 0.0 in 'loading_control'; "
                                      "expected a positive number"),
])
def test_bad_assay_values_fail_in_one_line(kind, column, value, message):
    table = pd.DataFrame({"condition": ["a", "a", "b", "b"], "readout": [5, 6, 7, 8],
                          "total": [50, 50, 50, 50], "loading_control": [1.0] * 4})
    table[column] = table[column].astype(float) if isinstance(value, float) else table[column]
    table.loc[0, column] = value
    with pytest.raises(OmicsInputError) as error:
        assay_effects(table, "~ condition", kind=kind)
    assert str(error.value).startswith(message)
