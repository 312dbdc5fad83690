"""The seed study's analysis with the public API alone (``import omics as ox``).

Exosomal ANXA6 from gemcitabine-resistant TNBC cells binds EGFR and blocks its degradation;
serum exosomal ANXA6 predicts response. On the built-in cohort this script asks the study's
questions in order and prints the answers:

1. which proteins change in resistant cells and in their exosomes (limma, with plex as a
   fixed effect; the B statistic and an F test over both contrasts);
2. whether protein and mRNA agree (EGFR: protein up, mRNA flat = changed degradation);
3. whether serum exosomal ANXA6 predicts resistance (ROC) and progression (Kaplan-Meier);
4. how much more gemcitabine resistant cells need (IC50s and the resistance index).

Run: ``python examples/seed_study.py [--scale small|default] [--out DIR]`` (figures are
saved to ``DIR``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import omics as ox


def seed_study(scale: str = "small", out: Path | None = None) -> dict:
    """Run the analysis; return the headline numbers (and save figures to ``out``)."""
    mdata = ox.datasets.builtin_cohort(scale=scale)

    # 1. proteomics: log2, median-normalise, limma with plex as a fixed effect
    prot = mdata["proteomics"]
    ox.pp.log2(prot)
    ox.pp.median_normalise(prot)
    fit = ox.tl.differential(
        prot, "~ 0 + condition + plex",
        {"res_vs_sens_cells": "condition[res_cells] - condition[sens_cells]",
         "res_vs_sens_exosomes": "condition[res_exo] - condition[sens_exo]"},
        samples=~prot.obs["reference"], inplace=True)
    cells = fit.top_table("res_vs_sens_cells")
    exosomes = fit.top_table("res_vs_sens_exosomes")
    either = fit.f_test()

    # 2. protein vs mRNA in the same cultures
    rna = mdata["cells"]
    ox.pp.log_cpm(rna, key_added="log_cpm")
    rna_fit = ox.tl.differential(
        rna, "~ 0 + condition",
        {"res_vs_sens_cells": "condition[res_cells] - condition[sens_cells]"}, layer="log_cpm")
    mrna = rna_fit.top_table("res_vs_sens_cells")

    # 3. serum exosomal ANXA6 against response and progression-free survival
    clinical = mdata.uns["clinical"]
    resistant = (clinical["response"] == "resistant").astype(int).to_numpy()
    roc = ox.tl.roc_analysis(clinical["serum_exo_anxa6_ng_ml"].to_numpy(), resistant)
    km = ox.tl.kaplan_meier_by_group(clinical, "serum_exo_anxa6_ng_ml", "pfs_months",
                                     "pfs_event")

    # 4. dose-response of the cells to gemcitabine
    viability = mdata.uns["tables"]["viability"]
    alone = viability[viability["lapatinib_um"] == 0]
    fits = ox.tl.fit_dose_response(alone, "condition", "gemcitabine_um", "viability_pct")
    fits = fits.set_index("condition")
    ic50 = fits["ic50_um"]

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        ox.pl.volcano(fit, "res_vs_sens_cells", label={"ANXA6", "EGFR"}).savefig(
            out / "volcano_cells.png", dpi=110)
        ox.pl.roc(clinical["serum_exo_anxa6_ng_ml"], resistant).savefig(out / "roc.png",
                                                                       dpi=110)
        ox.pl.kaplan_meier(km.groups, km.logrank_p).savefig(out / "kaplan_meier.png", dpi=110)
    return {
        "proteins_tested": int(cells["P.Value"].notna().sum()),
        "cells_significant": int((cells["adj.P.Val"] < 0.05).sum()),
        "anxa6_cells_log2fc": float(cells.loc["ANXA6", "logFC"]),
        "anxa6_exosomes_log2fc": float(exosomes.loc["ANXA6", "logFC"]),
        "anxa6_cells_B": float(cells.loc["ANXA6", "B"]),
        "egfr_protein_log2fc": float(cells.loc["EGFR", "logFC"]),
        "egfr_protein_fdr": float(cells.loc["EGFR", "adj.P.Val"]),
        "egfr_mrna_log2fc": float(mrna.loc["EGFR", "logFC"]),
        "egfr_mrna_fdr": float(mrna.loc["EGFR", "adj.P.Val"]),
        "f_test_significant": int((either["adj.P.Val"] < 0.05).sum()),
        "roc_auc": roc.auc,
        "roc_ci": (roc.ci_low, roc.ci_high),
        "logrank_p": km.logrank_p,
        "ic50_sens_um": float(ic50["sens_cells"]),
        "ic50_res_um": float(ic50["res_cells"]),
        "ic50_sens_ci": (float(fits.at["sens_cells", "ci_low"]),
                         float(fits.at["sens_cells", "ci_high"])),
        "ic50_res_ci": (float(fits.at["res_cells", "ci_low"]),
                        float(fits.at["res_cells", "ci_high"])),
        "resistance_index": float(ic50["res_cells"] / ic50["sens_cells"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["small", "default"])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    args = parser.parse_args()
    for name, value in seed_study(args.scale, args.out).items():
        shown = (f"{value:.3g}" if isinstance(value, float)
                 else "-".join(f"{v:.3g}" for v in value) if isinstance(value, tuple)
                 else value)
        print(f"{name:24s} {shown}")


if __name__ == "__main__":
    main()
