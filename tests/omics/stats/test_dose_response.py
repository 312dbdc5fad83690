"""Dose-response: planted IC50s recovered, flags, Bliss/CI on known models, GDSC2 example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from omics.io.reference import breast_cell_lines
from omics.simulate.clinical import IC50_UM
from omics.stats.biomarker import compare_response_groups
from omics.stats.dose_response import (
    bliss_excess,
    combination_index,
    fit_dose_response,
    fit_four_parameter_logistic,
    ic50_ratio,
)
from tests.conftest import shared_data


@pytest.fixture()
def viability(small_cohort) -> pd.DataFrame:
    return pd.read_csv(small_cohort.parent / "viability.csv")


def test_planted_ic50s_of_the_built_in_cohort_lie_in_their_intervals(viability):
    fits = fit_dose_response(viability, "condition", "gemcitabine_um", "viability_pct")
    assert (fits["status"] == "ok").all()
    for row in fits.itertuples():
        assert row.ci_low < IC50_UM[row.condition] < row.ci_high, row.condition
        assert row.r_squared > 0.95
    index = ic50_ratio(fits, "res_cells", "sens_cells")
    assert index["ci_low"] < IC50_UM["res_cells"] / IC50_UM["sens_cells"] < index["ci_high"]
    assert index["p_value"] < 1e-6
    reversal = ic50_ratio(fits, "res_cells_lapatinib", "res_cells")
    assert reversal["ci_high"] < 1  # lapatinib lowers the resistant IC50


def test_fits_that_would_mislead_are_flagged_not_reported():
    doses = np.repeat([0.0, 0.01, 0.1, 1.0, 10.0], 3)
    flat = fit_four_parameter_logistic(doses, 100 / (1 + (doses / 1e4) ** 1.0))
    assert flat.status == "ic50_above_range" and np.isnan(flat.ic50_um)
    assert flat.ic50_fit_um > 10
    few = fit_four_parameter_logistic(np.array([0.0, 1.0, 2.0]), np.array([100.0, 50, 20]))
    assert few.status == "not_converged" and np.isnan(few.ic50_um)


def _checkerboard(model: str) -> pd.DataFrame:
    doses_a = [0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]
    doses_b = [0.0, 0.1, 0.3, 1.0, 3.0, 10.0]
    rows = []
    for a in doses_a:
        for b in doses_b:
            if model == "loewe":  # median-effect: (fa / (1 - fa))^(1/m) = a/Dm_a + b/Dm_b
                combined = a / 2.0 + b / 1.0
                fa = combined**1.3 / (1 + combined**1.3)
            else:  # Bliss independence
                fa_a = a**1.3 / (2.0**1.3 + a**1.3)
                fa_b = b / (1.0 + b)
                fa = fa_a + fa_b - fa_a * fa_b
            rows.append({"gem": a, "lap": b, "viability": 100 * (1 - fa)})
    return pd.DataFrame(rows)


def test_combination_index_is_one_for_loewe_additive_drugs():
    ci = combination_index(_checkerboard("loewe"), "gem", "lap", "viability")
    assert len(ci) == 30
    np.testing.assert_allclose(ci["combination_index"], 1.0, atol=1e-4)


def test_bliss_excess_is_zero_for_independent_drugs_and_positive_for_synergy():
    independent = bliss_excess(_checkerboard("bliss"), "gem", "lap", "viability")
    assert np.abs(independent["excess"]).max() < 1e-12
    synergy = _checkerboard("bliss")
    both = (synergy["gem"] > 0) & (synergy["lap"] > 0)
    synergy.loc[both, "viability"] *= 0.8
    assert (bliss_excess(synergy, "gem", "lap", "viability")["excess"] > 0).all()


def test_gdsc2_gemcitabine_tnbc_versus_other_breast_lines():
    """The README's worked example: GDSC2 gemcitabine ln IC50, TNBC vs other breast lines."""
    gdsc = pd.read_csv(shared_data("drug_response/gdsc2_ln_ic50.csv.gz"))
    gemcitabine = gdsc[gdsc["DRUG_NAME"] == "Gemcitabine"]
    lines = breast_cell_lines().assign(
        group=lambda t: np.where(t["subtype"] == "TNBC", "TNBC", "other_breast"))
    merged = gemcitabine.merge(lines, left_on="CELL_LINE_NAME", right_on="cell_line")
    assert merged["group"].value_counts().to_dict() == {"TNBC": 22, "other_breast": 21}
    group = pd.Categorical(merged["group"], categories=["other_breast", "TNBC"], ordered=True)
    out = compare_response_groups(merged["LN_IC50"].to_numpy(), group)
    pair = out["pairwise"].iloc[0]
    # the figures quoted in the README: TNBC lines are more sensitive to gemcitabine
    assert out["median_by_level"] == pytest.approx({"other_breast": 4.002734,
                                                    "TNBC": 1.628161}, abs=1e-6)
    assert pair["p_value"] == pytest.approx(0.003691, rel=1e-3)
    assert pair["rank_biserial"] == pytest.approx(-0.519481, abs=1e-6)
