"""Write the built-in demonstration cohort as realistic input files plus ``study.yaml``.

The cohort mirrors the seed study's design (see :mod:`omics.simulate.effects` for the planted
truth). Files written to ``out_dir``:

``proteomics_tmt.tsv`` + ``proteomics_samples.csv``
    TMT11 reporter intensities (linear scale, empty = missing), one pooled reference per plex.
``rnaseq_cells_counts.tsv`` + ``rnaseq_cells_samples.csv``
    RNA-seq counts of the same cell cultures (paired with the proteome by ``culture``).
``rnaseq_tumours_counts.tsv`` + ``rnaseq_tumours_samples.csv``
    Tumour RNA-seq counts, one sample per patient (``subject_id``).
``clinical.csv``
    Patients on gemcitabine-based chemotherapy: response, serum exosomal ANXA6, IHC, PFS.
``ptm_diglycine_msstats.tsv`` + ``ptm_diglycine_samples.csv``
    diGly (ubiquitin remnant) site intensities of the cell channels, MSstatsPTM long format,
    and their sample sheet (the proteome's columns), for the adjusted site analysis.
``mechanism_assays.csv``
    The mechanism assays (EGFR CHX chase, EGFR westerns with ANXA6 over-expression and
    knock-down, colony formation and annexin V apoptosis with exosomes x lapatinib).
``viability.csv``
    Gemcitabine dose-response per condition (with and without lapatinib).
``viability_checkerboard.csv``
    Gemcitabine x lapatinib dose matrix on resistant cells (planted synergy).
``study.yaml``
    The study description the pipeline reads, including the analysis plan.
``gene_sets.gmt``
    The cohort's pathway groups (gemcitabine metabolism, apoptosis, ...) and 40 random sets
    of background genes, for the pathway analysis.
``truth.json``
    Everything planted, for tests and for users checking the pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from omics.errors import OmicsInputError
from omics.simulate import assays, clinical, effects, proteomics, ptm, transcriptomics
from omics.simulate.genes import PATHWAY_GENES, pathway_symbols

__all__ = ["DEFAULT_SEED", "describe_truth", "null_features", "simulate_cohort"]

DEFAULT_SEED = 20240611


def simulate_cohort(out_dir: str | Path, scale: str = "default", seed: int = DEFAULT_SEED) -> Path:
    """Simulate the built-in cohort into ``out_dir`` and return the path of its ``study.yaml``.

    Parameters
    ----------
    out_dir
        Folder to write into (created if missing).
    scale
        ``"small"`` (seconds, for tests) or ``"default"`` (the demo).
    seed
        Seed of the random generator; the same seed gives byte-identical files.

    Examples
    --------
    >>> import tempfile
    >>> study = simulate_cohort(tempfile.mkdtemp(), scale="small")
    >>> study.name
    'study.yaml'
    """
    if scale not in effects.SCALES:
        raise OmicsInputError("scale", repr(scale), "one of " + ", ".join(effects.SCALES))
    spec = effects.SCALES[scale]
    rng = np.random.default_rng(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    named = pathway_symbols()
    background = [f"SYN{i:05d}" for i in range(1, spec.n_background_proteins + 1)]
    proteins = named + background
    protein_effects = {c: dict(e) for c, e in effects.PROTEIN_EFFECTS.items()}
    for contrast, share in (
        ("resistant_vs_sensitive_cells", 0.05),
        ("resistant_vs_sensitive_exosomes", 0.04),
        ("res_exo_treated_vs_untreated_cells", 0.02),
    ):
        protein_effects[contrast].update(effects.background_effects(rng, background, share))

    table, samples = proteomics.simulate_tmt(
        rng, proteins, protein_effects, list(PATHWAY_GENES["exosome_markers"]), spec.n_plexes
    )
    table.to_csv(out / "proteomics_tmt.tsv", sep="\t", index=False, na_rep="")
    samples.to_csv(out / "proteomics_samples.csv", index=False)

    rna_only = [f"SYNR{i:05d}" for i in range(1, spec.n_rna_only_genes + 1)]
    genes = proteins + rna_only
    mrna_effects = _mrna_effects(rng, protein_effects)
    n_replicates = 2 * spec.n_plexes
    counts, rna_samples = transcriptomics.simulate_cell_counts(
        rng, genes, mrna_effects, n_replicates
    )
    counts.to_csv(out / "rnaseq_cells_counts.tsv", sep="\t", index=False)
    rna_samples.to_csv(out / "rnaseq_cells_samples.csv", index=False)

    patients = clinical.simulate_patients(rng, spec.n_patients)
    patients.to_csv(out / "clinical.csv", index=False)
    tumour_counts, tumour_samples = transcriptomics.simulate_tumour_counts(
        rng, genes, list(patients["subject_id"]),
        (patients["response"] == "resistant").to_numpy(float),
    )
    tumour_counts.to_csv(out / "rnaseq_tumours_counts.tsv", sep="\t", index=False)
    tumour_samples.to_csv(out / "rnaseq_tumours_samples.csv", index=False)

    clinical.simulate_viability(rng).to_csv(out / "viability.csv", index=False)
    clinical.simulate_checkerboard(rng).to_csv(out / "viability_checkerboard.csv", index=False)

    _write_gene_sets(out / "gene_sets.gmt", background, seed)

    # the diGly run has its own generator: adding it changed none of the files above
    diglycine, digly_samples, ptm_effects = ptm.simulate_diglycine(
        np.random.default_rng([seed, 17]), table, samples, n_sites=spec.n_background_proteins // 3)
    diglycine.to_csv(out / "ptm_diglycine_msstats.tsv", sep="\t", index=False, na_rep="")
    digly_samples.to_csv(out / "ptm_diglycine_samples.csv", index=False)
    assays.simulate_assays(np.random.default_rng([seed, 18])).to_csv(
        out / "mechanism_assays.csv", index=False)

    truth = {
        "seed": seed,
        "scale": scale,
        "protein_effects": protein_effects,
        "mrna_effects": mrna_effects,
        "nulls": "every feature not listed under a contrast's effects is a true null there",
        "serum_exo_anxa6_log_mean_by_response": clinical.SERUM_ANXA6_LOG_MEAN,
        "ihc_anxa6_egfr": "share a latent factor; Spearman rho about 0.5",
        "gemcitabine_ic50_um": clinical.IC50_UM,
        "gemcitabine_lapatinib_checkerboard": clinical.CHECKERBOARD,
        "n_proteins": len(proteins),
        "n_genes": len(genes),
        "n_patients": spec.n_patients,
        "n_plexes": spec.n_plexes,
        "enriched_sets": PLANTED_SETS,
        "ptm_effects": ptm_effects,
        "ptm_follows_protein": "ANXA6_K306: up with ANXA6 protein, unchanged per molecule",
        "mechanism": assays.MECHANISM_TRUTH,
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n")
    study_path = out / "study.yaml"
    study_path.write_text(yaml.safe_dump(_study_description(scale), sort_keys=False))
    return study_path


#: Gene sets whose planted changes the pathway analysis must find, per contrast (in the
#: proteome and the cells' mRNA). Their members move both ways (RRM1/RRM2/CDA up, DCK/SLC29A1
#: down; BCL2/MCL1 up, BAX down), so the plan ranks genes by |t| for GSEA.
PLANTED_SETS = {"resistant_vs_sensitive_cells": ["GEMCITABINE_METABOLISM", "APOPTOSIS"]}


def _write_gene_sets(path: Path, background: list[str], seed: int, n_random: int = 40) -> None:
    """The pathway groups of :data:`PATHWAY_GENES` and ``n_random`` random background sets
    (10-40 genes) as GMT; drawn from their own generator, so the data stay as they were."""
    rng = np.random.default_rng(seed + 1)
    lines = [f"{group.upper()}\tbuilt-in cohort pathway group\t" + "\t".join(genes)
             for group, genes in PATHWAY_GENES.items()]
    for k in range(1, n_random + 1):
        members = rng.choice(background, size=int(rng.integers(10, 41)), replace=False)
        lines.append(f"RANDOM_SET_{k:02d}\trandom background genes (null)\t"
                     + "\t".join(sorted(members)))
    path.write_text("\n".join(lines) + "\n")


def _mrna_effects(
    rng: np.random.Generator, protein_effects: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """mRNA effects: the named ones, plus 70% of background protein effects (concordant)."""
    out = {c: dict(e) for c, e in effects.MRNA_EFFECTS.items()}
    for contrast in out:
        for feature, lfc in protein_effects[contrast].items():
            if feature.startswith("SYN") and rng.random() < 0.7:
                out[contrast][feature] = lfc
    return {c: {k: v for k, v in e.items() if v != 0.0} for c, e in out.items()}


def _study_description(scale: str) -> dict:
    rna_plan = {
        "design": "~ 0 + condition",
        "contrasts": {
            name: expr
            for name, expr in effects.CONTRASTS.items()
            if name in effects.MRNA_EFFECTS
        },
    }
    return {
        "name": "builtin-tnbc-gemcitabine",
        "description": (
            "Built-in demonstration cohort (simulated): gemcitabine-sensitive and -resistant "
            "TNBC cells, their exosomes and exosome-treated cells (TMT11 proteomics, RNA-seq), "
            "patient tumours (RNA-seq), clinical response and cell viability."
        ),
        "proteomics": {
            "reader": "wide_table",
            "table": "proteomics_tmt.tsv",
            "samples": "proteomics_samples.csv",
            "feature_column": "protein",
            "annotation_columns": ["gene"],
        },
        "transcriptomics": {
            "cells": {
                "reader": "counts",
                "table": "rnaseq_cells_counts.tsv",
                "samples": "rnaseq_cells_samples.csv",
                "feature_column": "gene",
            },
            "tumours": {
                "reader": "counts",
                "table": "rnaseq_tumours_counts.tsv",
                "samples": "rnaseq_tumours_samples.csv",
                "feature_column": "gene",
            },
        },
        "ptm": {
            "diglycine": {
                "reader": "msstats_ptm",
                "table": "ptm_diglycine_msstats.tsv",
                "samples": "ptm_diglycine_samples.csv",
            },
        },
        "clinical": {
            "reader": "table",
            "table": "clinical.csv",
            "id_column": "subject_id",
            "categories": {
                "response": list(clinical.RESPONSE_LEVELS),
                "stage": list(clinical.STAGE_LEVELS),
            },
            "columns": {
                "age": {"type": "integer", "unit": "years", "minimum": 18, "maximum": 100},
                "serum_exo_anxa6_ng_ml": {"unit": "ng/mL", "minimum": 0},
                "ihc_anxa6_hscore": {"type": "integer", "minimum": 0, "maximum": 300},
                "ihc_egfr_hscore": {"type": "integer", "minimum": 0, "maximum": 300},
                "pfs_months": {"unit": "months"},
            },
            "survival": [["pfs_months", "pfs_event"]],
        },
        "tables": {
            "viability": {"reader": "table", "table": "viability.csv"},
            "viability_checkerboard": {"reader": "table",
                                       "table": "viability_checkerboard.csv"},
            "mechanism_assays": {
                "reader": "table", "table": "mechanism_assays.csv",
                "categories": {"condition": list(assays.ASSAY_CONDITIONS),
                               "exosome": ["none", "res"], "lapatinib": ["no", "yes"]},
            },
        },
        "analysis": {
            "proteomics": {
                "samples": "not reference",
                "design": "~ 0 + condition + plex",
                "contrasts": dict(effects.CONTRASTS),
            },
            "transcriptomics": {"cells": rna_plan},
            "ptm": {
                "diglycine": {
                    "samples": "not reference",
                    "design": "~ 0 + condition + plex",
                    "contrasts": {name: effects.CONTRASTS[name] for name in ptm.PTM_EFFECTS},
                },
            },
            "mechanism": {
                "table": "mechanism_assays",
                "assays": {
                    "egfr_chase": {"assay": "chx_egfr", "kind": "chase",
                                   "reference": "sens_cells", "target": "EGFR"},
                    "egfr_anxa6_overexpression": {"assay": "western_egfr_oe",
                                                  "kind": "western", "target": "EGFR"},
                    "egfr_anxa6_knockdown": {"assay": "western_egfr_kd", "kind": "western",
                                             "target": "EGFR"},
                    "colonies": {"assay": "colony_gem", "kind": "colony",
                                 "design": "~ exosome * lapatinib"},
                    "apoptosis": {"assay": "annexin_gem", "kind": "apoptosis",
                                  "design": "~ exosome * lapatinib"},
                },
            },
            "protein_mrna": {
                "rna_modality": "cells",
                "pair_by": "culture",
                "protein_samples": "compartment == 'cell'",
            },
            "clinical": {
                "biomarker": "serum_exo_anxa6_ng_ml",
                "response": "response",
                "positive": ["resistant"],
                "covariates": ["age", "stage"],
                "score_pairs": [["ihc_anxa6_hscore", "ihc_egfr_hscore"]],
                "survival": {"time": "pfs_months", "event": "pfs_event"},
                "genes": {"modality": "tumours",
                          "genes": ["ANXA6", "EGFR", "CBL", "RRM1", "DCK", "CDA", "SLC29A1"]},
            },
            "gene_pairs": {"modality": "tumours", "pairs": [["ANXA6", "EGFR"]]},
            "network": {"seeds": ["ANXA6", "EGFR"]},  # the seed study's hypothesis
            # 1,000 GSEA permutations for the demo, 250 at the test scale
            "pathways": {"gene_sets": ["gene_sets.gmt"], "rank_by": "abs_t",
                         "permutations": 1000 if scale == "default" else 250},
            # cell proteome and mRNA of the same cultures as two views of one MOFA+ model
            "factors": {"modalities": ["proteomics", "cells"], "pair_by": "culture",
                        "samples": {"proteomics": "compartment == 'cell'"}, "n_factors": 5,
                        "remove_batch": "plex", "categorical": ["condition"]},
            "dose_response": {
                "table": "viability",
                "condition": "condition",
                "dose": "gemcitabine_um",
                "response": "viability_pct",
                "ratios": {
                    "resistance_index": ["res_cells", "sens_cells"],
                    "exosome_shift": ["sens_cells_res_exo", "sens_cells"],
                    "lapatinib_reversal": ["res_cells_lapatinib", "res_cells"],
                },
                "combination": {"table": "viability_checkerboard", "dose_a": "gemcitabine_um",
                                "dose_b": "lapatinib_um", "response": "viability_pct"},
            },
        },
    }


def describe_truth(path: str | Path) -> dict:
    """Read a cohort's ``truth.json``."""
    return json.loads(Path(path).read_text())


def null_features(truth: dict, contrast: str, features: list[str]) -> list[str]:
    """Features that are true nulls for ``contrast`` in the proteome."""
    effects_here = truth["protein_effects"][contrast]
    return [f for f in features if f not in effects_here]


