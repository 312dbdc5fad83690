"""Benchmark: PAM50 subtype from MOFA+ factors against PCA, on TCGA BRCA (mixOmics).

MOFA+ is fitted unsupervised on all 220 tumours: mRNA (200 genes) and miRNA (184) for every
tumour, RPPA protein (142 antibodies) for the 150 training tumours only (missing for the
70 test tumours). The baseline, measured in the same run, is PCA of the standardised
concatenated mRNA + miRNA blocks of the same 220 tumours. Both feed the same classifier
(multinomial logistic regression on standardised components), trained on the 150
training tumours only; the figure is the balanced accuracy on the 70 test tumours.

The number of components is chosen for each method by 5-fold stratified cross-validation
on the training tumours only (from ``--factors``), so the test tumours choose nothing.
MOFA+ runs to mofapy2's ``slow`` convergence (the project's default); ``--convergence fast``
shows what stopping at mofapy2's own default costs.

    python benchmarks/mofa_subtypes.py [--factors 5 10 15 20] [--seed 1] [--convergence slow]

Needs ``../shared/data/transcriptomics_clinical/tcga_brca_mixomics`` beside the repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from omics.stats.factors import fit_mofa  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "transcriptomics_clinical" / "tcga_brca_mixomics"

__all__ = ["compare", "read_tcga_mixomics", "scores"]


def read_tcga_mixomics(folder: Path = DATA) -> tuple[dict[str, pd.DataFrame], pd.Series,
                                                      pd.Index]:
    """The three views (samples x features), the PAM50 subtype of every tumour and the
    training tumours' names."""
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(folder / f"data.{name}.csv", index_col=0)

    views = {"mrna": pd.concat([read("train_mrna"), read("test_mrna")]),
             "mirna": pd.concat([read("train_mirna"), read("test_mirna")]),
             "protein": read("train_protein")}
    subtype = pd.concat([read("train_subtype"), read("test_subtype")])["subtype"]
    return views, subtype, read("train_subtype").index


def _classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))


def scores(components: pd.DataFrame, subtype: pd.Series, train: pd.Index) -> tuple[float,
                                                                                    float]:
    """Training cross-validated and test balanced accuracy of the classifier."""
    is_train = components.index.isin(train)
    x, y = components.to_numpy(), subtype.reindex(components.index).to_numpy()
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    cv = cross_val_score(_classifier(), x[is_train], y[is_train], cv=folds,
                         scoring="balanced_accuracy").mean()
    model = _classifier().fit(x[is_train], y[is_train])
    return float(cv), float(balanced_accuracy_score(y[~is_train], model.predict(x[~is_train])))


def compare(views: dict[str, pd.DataFrame], subtype: pd.Series, train: pd.Index,
            factors: tuple[int, ...] = (5, 10, 15, 20), seed: int = 1,
            without_protein: bool = True, convergence: str = "slow") -> pd.DataFrame:
    """Per method and number of components: training CV and test balanced accuracy, and
    whether cross-validation chose it; MOFA+ (also without the protein view, unless
    ``without_protein`` is False) and PCA fitted in the same run."""
    rows = []
    samples = views["mrna"].index
    blocks = pd.concat([views["mrna"], views["mirna"]], axis=1).loc[samples]
    standardised = StandardScaler().fit_transform(blocks.to_numpy())
    variants = {"MOFA+ (mRNA, miRNA, protein)": views}
    if without_protein:
        variants["MOFA+ (mRNA, miRNA)"] = {k: v for k, v in views.items() if k != "protein"}
    for k in factors:
        for method, chosen_views in variants.items():
            started = time.perf_counter()
            mofa = fit_mofa(chosen_views, n_factors=k, seed=seed,
                            convergence=convergence).factors.loc[samples]
            rows.append({"method": method, "components": k,
                         "seconds": time.perf_counter() - started,
                         **dict(zip(("cv", "test"), scores(mofa, subtype, train),
                                    strict=True))})
        started = time.perf_counter()
        pca = pd.DataFrame(PCA(n_components=k, random_state=0).fit_transform(standardised),
                           index=samples)
        rows.append({"method": "PCA (mRNA + miRNA)", "components": k,
                     "seconds": time.perf_counter() - started,
                     **dict(zip(("cv", "test"), scores(pca, subtype, train), strict=True))})
    table = pd.DataFrame(rows)
    best = table.groupby("method")["cv"].transform("max")
    table["chosen"] = table["cv"] == best
    table.loc[table.duplicated(["method", "chosen"]) & table["chosen"], "chosen"] = False
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[5, 10, 15, 20])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--convergence", choices=("fast", "medium", "slow"), default="slow")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent (it lives beside the repository)")
    views, subtype, train = read_tcga_mixomics()
    table = compare(views, subtype, train, tuple(args.factors), args.seed,
                    convergence=args.convergence)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    chosen = table[table["chosen"]].set_index("method")
    pca = chosen.loc["PCA (mRNA + miRNA)"]
    print(f"\nTest balanced accuracy, components chosen by training CV (MOFA+ convergence "
          f"{args.convergence!r}):")
    for method, row in chosen.iterrows():
        print(f"  {method}: {row['test']:.3f} ({int(row['components'])} components); "
              f"ratio to the PCA baseline {row['test'] / pca['test']:.3f}")


if __name__ == "__main__":
    main()
