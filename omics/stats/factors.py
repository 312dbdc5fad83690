"""Multi-omics factor analysis: MOFA+ (Argelaguet et al. 2020; ``mofapy2``, with muon's
defaults: Gaussian likelihoods, ARD and spike-and-slab weights, groups centred)
over several views of the same samples, and the association of its factors with clinical
variables (the project's own statistics: Kruskal-Wallis, Spearman, Cox).

A sample needs values in one view only: MOFA+ fits the union of the views' samples, so a
tumour without a protein measurement still gets its factors from its mRNA and miRNA.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> z = rng.normal(size=(60, 1))  # one hidden factor drives both views
>>> index = [f"s{i}" for i in range(60)]
>>> views = {"a": pd.DataFrame(z @ rng.normal(size=(1, 30)) + rng.normal(0, .3, (60, 30)),
...                            index=index),
...          "b": pd.DataFrame(z @ rng.normal(size=(1, 20)) + rng.normal(0, .3, (60, 20)),
...                            index=index)}
>>> result = fit_mofa(views, n_factors=3, seed=1)
>>> corr = abs(np.corrcoef(result.factors["Factor1"], z[:, 0])[0, 1])
>>> bool(corr > 0.95), bool(result.variance_explained.loc["a", "Factor1"] > 50)
(True, True)
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
from scipy import stats

from omics.errors import OmicsInputError
from omics.stats.multiple_testing import bh_fdr
from omics.stats.survival import cox_model

__all__ = ["MofaResult", "factor_associations", "fit_mofa"]


@dataclass(frozen=True)
class MofaResult:
    """A fitted MOFA+ model.

    Parameters
    ----------
    factors
        Samples (the union of the views') x factors.
    weights
        Per view: features x factors.
    variance_explained
        Views x factors, percent of each view's variance explained by each factor.
    options
        The fit's options (factors asked for, seed, scaling, views and their sizes).

    Examples
    --------
    >>> result = MofaResult(pd.DataFrame({"Factor1": [0.5]}, index=["s1"]), {}, pd.DataFrame(
    ...     {"Factor1": [40.0]}, index=["rna"]), {})
    >>> result.variance_explained.loc["rna", "Factor1"]
    np.float64(40.0)
    """

    factors: pd.DataFrame
    weights: dict[str, pd.DataFrame]
    variance_explained: pd.DataFrame
    options: dict

    def top_weights(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` features of largest absolute weight per view and factor.

        Parameters
        ----------
        n
            Features per view and factor.

        Returns
        -------
        DataFrame
            ``view, factor, rank, feature, weight``.

        Examples
        --------
        >>> result = MofaResult(pd.DataFrame(), {"v": pd.DataFrame(
        ...     {"Factor1": [0.1, -2.0, 0.5]}, index=["a", "b", "c"])}, pd.DataFrame(), {})
        >>> result.top_weights(2)[["feature", "weight"]].values.tolist()
        [['b', -2.0], ['c', 0.5]]
        """
        rows = []
        for view, weights in self.weights.items():
            for factor in weights.columns:
                order = weights[factor].abs().sort_values(ascending=False).index[:n]
                rows += [{"view": view, "factor": factor, "rank": rank + 1, "feature": feature,
                          "weight": float(weights.loc[feature, factor])}
                         for rank, feature in enumerate(order)]
        return pd.DataFrame(rows, columns=["view", "factor", "rank", "feature", "weight"])


def _standardised(view: pd.DataFrame) -> pd.DataFrame:
    """Each feature centred and scaled to unit SD over its observed samples; constant
    features are left out."""
    sd = view.std(axis=0, ddof=1)
    kept = view.loc[:, sd > 0]
    return (kept - kept.mean(axis=0)) / sd[sd > 0]


def fit_mofa(views: dict[str, pd.DataFrame], *, n_factors: int = 10, seed: int = 1,
             scale_features: bool = True, convergence: str = "slow",
             max_iterations: int = 1000) -> MofaResult:
    """Fit MOFA+ (Gaussian likelihoods) to views of the same samples.

    Parameters
    ----------
    views
        Per view: samples x features (log-scale values; NaN = missing). Samples are matched
        by their index labels; a sample may be absent from some views.
    n_factors
        Factors to fit (inactive ones are kept with near-zero variance explained).
    seed
        Seed of the initialisation (the fit is reproducible under it).
    scale_features
        Standardise every feature first, so that no feature dominates by its scale.
    convergence
        mofapy2's convergence mode: ``fast`` (mofapy2's and muon's default: stops when the
        ELBO changes by less than 0.0005 % per iteration), ``medium`` or ``slow`` (0.000005 %).
        The default is ``slow``: on the TCGA BRCA mixOmics benchmark the ``fast`` fit stops
        early and classifies PAM50 subtypes worse than a converged one
        (``benchmarks/mofa_subtypes.py``).
    max_iterations
        Upper limit of the variational iterations.

    Returns
    -------
    MofaResult

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> view = pd.DataFrame(rng.normal(size=(20, 8)), index=[f"s{i}" for i in range(20)])
    >>> fit_mofa({"rna": view}, n_factors=2).factors.shape
    (20, 2)
    """
    from mofapy2.run.entry_point import entry_point  # noqa: PLC0415 - only for this analysis

    if not views:
        raise OmicsInputError("views", "no view", "at least one samples x features table")
    if convergence not in ("fast", "medium", "slow"):
        raise OmicsInputError("convergence", repr(convergence), "fast, medium or slow")
    prepared = {}
    for name, view in views.items():
        data = view.astype(np.float64)
        data = data.loc[:, data.notna().sum(axis=0) >= 2]
        data = _standardised(data) if scale_features else data - data.mean(axis=0)
        if data.shape[1] == 0 or data.shape[0] < 3:
            raise OmicsInputError(f"views.{name}", f"{data.shape[0]} samples x {data.shape[1]}"
                                  " usable features", "at least 3 samples and 1 feature with "
                                  "two observed values")
        data.index = data.index.astype(str)
        data.columns = [f"{name}:{c}" for c in data.columns.astype(str)]
        prepared[name] = data
    samples = pd.Index(dict.fromkeys(s for data in prepared.values() for s in data.index))
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings(), \
            contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        model = entry_point()
        model.set_data_options(scale_views=False, scale_groups=False, center_groups=True)
        model.set_data_matrix(
            [[data.reindex(samples).to_numpy()] for data in prepared.values()],
            likelihoods=["gaussian"] * len(prepared), views_names=list(prepared),
            groups_names=["group1"], samples_names=[list(samples)],
            features_names=[list(data.columns) for data in prepared.values()])
        model.set_model_options(factors=n_factors, spikeslab_weights=True, ard_weights=True,
                                ard_factors=True)
        model.set_train_options(iter=max_iterations, convergence_mode=convergence, seed=seed,
                                verbose=False, quiet=True)
        model.build()
        model.run()
        outfile = Path(folder) / "model.hdf5"
        model.save(str(outfile), save_data=False)
        with h5py.File(outfile, "r") as saved:
            z = saved["expectations"]["Z"]["group1"][:].T
            w = {name: saved["expectations"]["W"][name][:].T for name in prepared}
            r2 = saved["variance_explained"]["r2_per_factor"]["group1"][:]
    names = [f"Factor{k + 1}" for k in range(z.shape[1])]
    factors = pd.DataFrame(z, index=samples, columns=names)
    weights = {name: pd.DataFrame(w[name], index=[c.split(":", 1)[1] for c in data.columns],
                                  columns=names) for name, data in prepared.items()}
    variance = pd.DataFrame(np.asarray(r2, dtype=np.float64), index=list(prepared),
                            columns=names)
    options = {"n_factors": n_factors, "seed": seed, "scale_features": scale_features,
               "convergence": convergence, "max_iterations": max_iterations,
               "views": {name: list(data.shape) for name, data in prepared.items()},
               "samples": int(len(factors))}
    return MofaResult(factors, weights, variance, options)


def factor_associations(factors: pd.DataFrame, covariates: pd.DataFrame, *,
                        categorical: list[str] = (), numeric: list[str] = (),
                        survival: tuple[str, str] | None = None) -> pd.DataFrame:
    """Each factor against clinical variables of the same samples: Kruskal-Wallis for a
    categorical variable (effect: epsilon squared), Spearman for a numeric one (rho), and a
    Cox model per factor SD for survival (hazard ratio); BH FDR over the factors of each
    variable.

    Parameters
    ----------
    factors
        Samples x factors (:attr:`MofaResult.factors`).
    covariates
        Samples x variables (a clinical table indexed by the same sample names).
    categorical, numeric
        Variables to test.
    survival
        ``(time, event)`` columns for a Cox model.

    Returns
    -------
    DataFrame
        ``variable, factor, test, n, statistic, effect, p_value, fdr``.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> factors = pd.DataFrame({"Factor1": np.r_[rng.normal(0, 1, 20), rng.normal(3, 1, 20)],
    ...                         "Factor2": rng.normal(size=40)})
    >>> clinical = pd.DataFrame({"subtype": ["A"] * 20 + ["B"] * 20})
    >>> table = factor_associations(factors, clinical, categorical=["subtype"])
    >>> table.set_index("factor").loc["Factor1", "fdr"] < 1e-5
    np.True_
    """
    shared = factors.index.intersection(covariates.index)
    rows = []
    for variable in [*categorical, *numeric, *([survival[0]] if survival else [])]:
        tested = []
        for factor in factors.columns:
            score = factors.loc[shared, factor]
            if variable in categorical:
                groups = covariates.loc[shared, variable]
                keep = groups.notna() & score.notna()
                samples = [score[keep & (groups == g)].to_numpy()
                           for g in groups[keep].unique()]
                h, p = stats.kruskal(*samples) if len(samples) > 1 else (np.nan, np.nan)
                n = int(keep.sum())
                tested.append({"variable": variable, "factor": factor, "test": "kruskal",
                               "n": n, "statistic": h,
                               "effect": (h - len(samples) + 1) / (n - len(samples)),
                               "p_value": p})
            elif variable in numeric:
                value = covariates.loc[shared, variable].astype(float)
                keep = value.notna() & score.notna()
                rho, p = stats.spearmanr(score[keep], value[keep])
                tested.append({"variable": variable, "factor": factor, "test": "spearman",
                               "n": int(keep.sum()), "statistic": rho, "effect": rho,
                               "p_value": p})
            else:
                time, event = survival
                table = covariates.loc[shared, [time, event]].assign(score=score)
                cox = cox_model(table, time, event, ["score"], standardise=["score"])
                row = cox.summary.loc["score"]
                tested.append({"variable": f"survival ({time}, {event})", "factor": factor,
                               "test": "cox", "n": cox.n, "statistic": float(row["z"]),
                               "effect": float(row["exp(coef)"]), "p_value": float(row["p"])})
        frame = pd.DataFrame(tested)
        frame["fdr"] = bh_fdr(frame["p_value"].to_numpy())
        rows.append(frame)
    if not rows:
        return pd.DataFrame(columns=["variable", "factor", "test", "n", "statistic", "effect",
                                     "p_value", "fdr"])
    return pd.concat(rows, ignore_index=True)
