"""Real HGNC symbols of the pathway genes the built-in cohort is about, grouped by role."""

from __future__ import annotations

__all__ = ["PATHWAY_GENES", "pathway_symbols"]

PATHWAY_GENES: dict[str, tuple[str, ...]] = {
    "axis": ("ANXA6", "EGFR", "CBL"),
    "ubiquitin": ("UBC", "UBB", "UBA52", "RPS27A", "CBLB", "NEDD4"),
    "egfr_adaptors_endocytosis": (
        "GRB2", "SHC1", "SOS1", "SH3KBP1", "EPS15", "HGS", "CLTC", "AP2M1", "DNM2",
        "RAB5A", "RAB7A", "LAMP1",
    ),
    "erbb": ("ERBB2", "ERBB3"),
    "pi3k_akt": ("PIK3CA", "PIK3R1", "PDPK1", "AKT1", "AKT2", "PTEN", "MTOR"),
    "mapk": ("KRAS", "HRAS", "RAF1", "BRAF", "MAP2K1", "MAP2K2", "MAPK1", "MAPK3"),
    "exosome_markers": ("CD63", "CD9", "CD81", "TSG101", "PDCD6IP", "SDCBP", "FLOT1"),
    "gemcitabine_metabolism": (
        "DCK", "CDA", "RRM1", "RRM2", "SLC29A1", "SLC28A1", "CMPK1", "NT5C2", "DCTD",
    ),
    "apoptosis": (
        "BCL2", "BCL2L1", "MCL1", "BAX", "BAK1", "BID", "BAD", "BBC3", "PMAIP1",
        "CASP3", "CASP8", "CASP9", "XIAP",
    ),
    "annexins": ("ANXA1", "ANXA2", "ANXA5"),
    "housekeeping": ("GAPDH", "ACTB", "STAT3", "HSPA8"),
}


def pathway_symbols() -> list[str]:
    """All pathway gene symbols, in a fixed order, without repeats.

    Examples
    --------
    >>> symbols = pathway_symbols()
    >>> symbols[:3]
    ['ANXA6', 'EGFR', 'CBL']
    """
    return list(dict.fromkeys(s for group in PATHWAY_GENES.values() for s in group))
