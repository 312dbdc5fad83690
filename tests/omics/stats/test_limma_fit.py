"""The limma fit object (``top_table`` with B, ``f_test``) against R limma's topTable."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from omics.errors import OmicsInputError
from omics.stats.design import contrast_matrix, design_matrix
from omics.stats.limma_fit import LIMMA_COLUMNS, NonEstimableWarning, lm_fit
from tests.omics.stats.test_moderated_t import _simulated
from tests.rlimma import rscript_top_tables


def _data(seed: int = 3, n_features: int = 600, missing: float = 0.05):
    """The moderated-t test data (group b up in features 0-39, feature 6 unobserved in
    groups b and c) with group c down in features 40-54, for the F test."""
    data, samples = _simulated(seed, n_features, missing, never_observed=False)
    values = data.values.copy()
    values[40:55, 8:] -= 1.0
    return values, samples


def assert_top_table_equal(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Same columns, same NA rows, every number to 1e-8 (relative for p-values)."""
    assert list(ours.columns) == LIMMA_COLUMNS
    reference = reference.loc[ours.index, LIMMA_COLUMNS]
    for column in LIMMA_COLUMNS:
        a, b = ours[column].to_numpy(float), reference[column].to_numpy(float)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=column)
        ok = ~np.isnan(a)
        if column in ("P.Value", "adj.P.Val"):
            np.testing.assert_allclose(a[ok], b[ok], rtol=1e-8, atol=1e-300, err_msg=column)
        else:
            np.testing.assert_allclose(a[ok], b[ok], rtol=1e-8, atol=1e-8, err_msg=column)


@pytest.mark.parametrize(("trend", "robust"), [(False, False), (True, False), (False, True)])
def test_top_table_with_b_matches_r_limma_on_contrasts(tmp_path, trend, robust):
    values, samples = _data()
    design = design_matrix(samples, "~ 0 + group + batch + age")
    contrasts = {"b_vs_a": "group[b] - group[a]", "c_vs_a": "group[c] - group[a]",
                 "bc_vs_a": "(group[b] + group[c]) / 2 - group[a]"}
    fit = lm_fit(values, design, features=[f"f{i}" for i in range(len(values))])
    fit = fit.contrasts_fit(contrasts).ebayes(trend=trend, robust=robust)
    weights = contrast_matrix(design.columns, contrasts)
    tables, f_table = rscript_top_tables(tmp_path, values, design, weights, trend=trend,
                                         robust=robust, f_coefs=(0, 1))
    for j, name in enumerate(contrasts):
        assert_top_table_equal(fit.top_table(name, sort_by="none"), tables[j])
    ours_f = fit.f_test(["b_vs_a", "c_vs_a"], sort_by="none")
    reference_f = f_table.loc[ours_f.index]
    for column in ("AveExpr", "F", "P.Value", "adj.P.Val"):
        np.testing.assert_allclose(ours_f[column], reference_f[column], rtol=1e-8,
                                   err_msg=column)


def test_top_table_and_f_test_on_coefficients_match_r(tmp_path):
    values, samples = _data(seed=5, missing=0.0)
    design = design_matrix(samples, "~ group + batch")
    fit = lm_fit(values, design, features=[f"f{i}" for i in range(len(values))]).ebayes()
    tables, f_table = rscript_top_tables(tmp_path, values, design, f_coefs=(1, 2))
    for j, name in enumerate(design.columns):
        assert_top_table_equal(fit.top_table(name, sort_by="none"), tables[j])
    ours_f = fit.f_test(["group[T.b]", "group[T.c]"], sort_by="none")
    np.testing.assert_allclose(ours_f["F"], f_table.loc[ours_f.index, "F"], rtol=1e-8)
    np.testing.assert_allclose(ours_f["P.Value"], f_table.loc[ours_f.index, "P.Value"],
                               rtol=1e-8)


def test_top_table_sorts_as_limma_and_contrast_expressions_refit():
    values, samples = _data(seed=7, missing=0.0)
    fit = lm_fit(values, design_matrix(samples, "~ 0 + group"),
                 features=[f"f{i}" for i in range(len(values))]).ebayes()
    by_b = fit.top_table(contrast="group[b] - group[a]", number=20)
    assert len(by_b) == 20 and by_b["B"].is_monotonic_decreasing
    assert set(by_b.index[:10]) <= {f"f{i}" for i in range(40)}
    by_p = fit.top_table(contrast="group[b] - group[a]", sort_by="P")
    assert by_p["P.Value"].iloc[:-1].is_monotonic_increasing and len(by_p) == len(values)
    assert by_p.index[-1] == "f6" and np.isnan(by_p["P.Value"].iloc[-1])  # untestable: last
    explicit = fit.contrasts_fit({"d": "group[b] - group[a]"}).ebayes().top_table("d")
    pd.testing.assert_frame_equal(by_b, explicit.head(20), check_like=False)


@pytest.mark.parametrize("sort_by, key", [
    ("B", lambda t: -t["B"]), ("P", lambda t: t["P.Value"]), ("t", lambda t: -t["t"].abs()),
    ("logFC", lambda t: -t["logFC"].abs()), ("AveExpr", lambda t: -t["AveExpr"])])
def test_every_sort_key_orders_rows_as_a_stable_sort_with_untested_rows_last(sort_by, key):
    values, samples = _data(seed=7)  # feature 6 cannot be tested (NaN statistics)
    fit = lm_fit(values, design_matrix(samples, "~ 0 + group"),
                 features=[f"f{i}" for i in range(len(values))]).contrasts_fit(
        {"d": "group[b] - group[a]"}).ebayes()
    unsorted = fit.top_table("d", sort_by="none")
    expected = unsorted.iloc[np.argsort(key(unsorted).fillna(np.inf).to_numpy(),
                                        kind="stable")]
    pd.testing.assert_frame_equal(fit.top_table("d", sort_by=sort_by), expected)
    head = fit.top_table("d", sort_by=sort_by, number=25, names="omics")
    assert head["feature"].tolist() == expected.index[:25].tolist()
    assert head.index.tolist() == list(range(25))
    np.testing.assert_array_equal(head["p_value"], expected["P.Value"].iloc[:25])
    if sort_by == "P":
        assert expected.index[-1] == "f6"


def test_unused_level_is_dropped_and_non_estimable_coefficient_named():
    values, samples = _data(seed=9, missing=0.0)
    samples["group"] = pd.Categorical(samples["group"], categories=["a", "b", "c", "pool"])
    samples["batch"] = samples["group"].map({"a": "x", "b": "y", "c": "y"}).astype(str)
    samples.loc[samples["group"] == "c", "batch"] = "z"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = lm_fit(values, design_matrix(samples, "~ 0 + group + batch"))
    messages = [str(w.message) for w in caught if issubclass(w.category, NonEstimableWarning)]
    assert messages == ["Coefficients not estimable: batch[T.y], batch[T.z]"]
    assert fit.coefficient_names == ["group[a]", "group[b]", "group[c]"]
    table = fit.contrasts_fit({"b_vs_a": "group[b] - group[a]"}).ebayes().top_table()
    assert table["P.Value"].drop("6").notna().all()  # feature 6: group b unobserved
    assert len(set(table.index[:30]) & {str(i) for i in range(40)}) >= 25
    with pytest.raises(OmicsInputError, match=r"non-estimable coefficient\(s\) batch\[T.y\]"):
        fit.contrasts_fit({"bad": "batch[T.y]"})


def test_user_errors_are_one_line_input_errors():
    values, samples = _data(seed=1, missing=0.0)
    fit = lm_fit(values, design_matrix(samples, "~ group"))
    with pytest.raises(OmicsInputError, match="expected one of trend or robust"):
        fit.ebayes(trend=True, robust=True)
    moderated = fit.ebayes()
    with pytest.raises(OmicsInputError, match="found 'group\\[T.d\\]'; expected one of"):
        moderated.top_table("group[T.d]")
    with pytest.raises(OmicsInputError, match="found 'holm'; expected one of BH, storey"):
        moderated.top_table("group[T.b]", adjust="holm")
    with pytest.raises(OmicsInputError, match="expected a fit after .ebayes"):
        fit.top_table("group[T.b]")


def test_logistic_separation_and_roc_single_class_are_input_errors():
    from omics.stats.logistic import logistic_regression
    from omics.stats.roc import roc_analysis

    table = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "marker": [1.0, 2, 3, 10, 11, 12]})
    with pytest.raises(OmicsInputError, match="perfectly separated"):
        logistic_regression(table, "y", "marker")
    with pytest.raises(OmicsInputError, match="found a single class; expected both classes"):
        roc_analysis(np.arange(4.0), np.ones(4))


def test_propagation_that_does_not_converge_says_so():
    import networkx as nx

    from graphs.propagation import random_walk_with_restart

    with pytest.raises(OmicsInputError, match="no convergence in 2 iterations"):
        random_walk_with_restart(nx.path_graph(50), {0: 1.0}, restart=0.01, max_iter=2)


def test_batched_fit_of_incomplete_rows_equals_the_per_pattern_fit(monkeypatch):
    """Thousands of missingness patterns: the rows fitted in one compiled pass (normal
    equations, one refinement) equal one pivoting QR per pattern; rows with a plex
    unobserved (an aliased coefficient) still get the per-pattern fit."""
    from omics.stats import limma

    rng = np.random.default_rng(3)
    plex = np.repeat(np.arange(6), 8)
    design = np.column_stack([np.ones(48), np.tile([0.0, 1.0], 24)]
                             + [(plex == k).astype(float) for k in range(1, 6)])
    y = rng.normal(20, 1, (3000, 1)) + rng.normal(0, 0.5, (3000, 48))
    y[rng.random(y.shape) < 0.05] = np.nan
    y[:50, plex == 3] = np.nan  # coefficient of plex 3 not estimable in these rows
    batched = limma.lm_fit_block(y, design)
    monkeypatch.setattr(limma, "_BATCHED_FROM_PATTERNS", 10**9)
    per_pattern = limma.lm_fit_block(y, design)
    for name in ("coefficients", "stdev_unscaled", "sigma", "df_residual"):
        a, b = getattr(batched, name), getattr(per_pattern, name)
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=name)
        np.testing.assert_allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=0, atol=1e-11,
                                   err_msg=name)
    assert np.isnan(batched.coefficients[:50, 4]).all()
    assert np.isfinite(batched.coefficients[50:]).all()


def test_one_pass_fit_of_complete_rows_equals_the_qr_fit():
    """Complete rows go through the one-pass kernel; rows with a missing, an infinite or
    an overflowing value are left to the per-pattern QR fit, and every row equals the QR
    fit of its observed values (the kernel's result for complete rows to 1e-12)."""
    from omics.stats import limma

    rng = np.random.default_rng(8)
    plex = np.repeat(np.arange(3), 10)
    design = np.column_stack([np.ones(30), np.tile([0.0, 1.0], 15)]
                             + [(plex == k).astype(float) for k in (1, 2)])
    y = rng.normal(20, 1, (500, 1)) + rng.normal(0, 0.5, (500, 30))
    y[3, 4] = np.nan
    y[7, 0] = np.inf  # counts as missing, as in limma
    y[11] = 1e307  # finite values whose sum overflows: still a complete row
    fit = limma.lm_fit_block(y, design)
    reference = limma._fit_by_pattern(y, design, None)
    usual = np.arange(500) != 11  # row 11: differences of 1e307 carry errors of ~1e291
    for name in ("coefficients", "stdev_unscaled", "sigma", "df_residual", "amean"):
        np.testing.assert_allclose(getattr(fit, name)[usual], getattr(reference, name)[usual],
                                   rtol=1e-12, atol=1e-12, err_msg=name)
    assert fit.coefficients[11, 0] == pytest.approx(1e307, rel=1e-12)
    assert fit.df_residual[[0, 3, 7, 11]].tolist() == [26, 25, 25, 26]
    _, _, _, _, complete = limma.fit_complete_rows(y, design)
    assert np.flatnonzero(~complete).tolist() == [3, 7, 11]


def test_one_pass_fit_without_residual_df_has_no_sigma():
    """As many samples as coefficients: exact fit, residual df 0, sigma NaN (as limma)."""
    from omics.stats import limma

    design = np.column_stack([np.ones(2), [0.0, 1.0]])
    fit = limma.lm_fit_block(np.array([[1.0, 4.0]]), design)
    np.testing.assert_allclose(fit.coefficients, [[1.0, 3.0]], rtol=1e-14)
    assert fit.df_residual.tolist() == [0.0] and np.isnan(fit.sigma).all()


def test_strongest_equals_the_first_k_of_a_stable_argsort():
    """The prior's mixture takes the k largest |t| in limma's order; ties (many here)
    keep their position order, as a stable sort of everything would."""
    from omics.stats.limma_fit import _strongest

    t = np.random.default_rng(5).integers(0, 50, 5_000) / 10.0
    for k in (1, 7, 100, 4_999, 5_000, 6_000):
        np.testing.assert_array_equal(_strongest(t, k), np.argsort(-t, kind="stable")[:k])


def test_f_test_in_the_chi_squared_limit_of_an_infinite_prior_df():
    """Every row's residuals a permutation of one vector: equal variances, an infinite prior
    df, so the F p-values are limma's chi-squared limit, pchisq(df1 * F, df1, lower=FALSE)
    (on one df by erfc, on more by chdtrc): equal to scipy's chi2.sf to 1e-13."""
    from scipy import stats

    rng = np.random.default_rng(11)
    base = rng.normal(size=12)
    values = np.array([rng.permutation(base) for _ in range(400)]) + rng.normal(0, 2, (400, 1))
    values[:20, 8:] += 5.0
    samples = pd.DataFrame({"g": list("aaaabbbbcccc")})
    fit = lm_fit(values, design_matrix(samples, "~ g")).ebayes()
    assert np.isinf(fit.df_prior)
    one = fit.f_test(["g[T.c]"], sort_by="none")
    np.testing.assert_allclose(one["P.Value"], stats.chi2.sf(one["F"], 1), rtol=1e-13)
    both = fit.f_test(["g[T.b]", "g[T.c]"], sort_by="none")
    np.testing.assert_allclose(both["P.Value"], stats.chi2.sf(2 * both["F"], 2), rtol=1e-13)
    assert (one["P.Value"].iloc[:20] < 1e-6).all()
