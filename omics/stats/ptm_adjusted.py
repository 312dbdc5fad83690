"""Modification-site changes adjusted for the change of their protein (MSstatsPTM's model).

A site's abundance moves when its protein's abundance moves, even if the fraction of
molecules modified does not. MSstatsPTM (Kohler et al. 2023, *Mol Cell Proteomics*) fits the
site and the protein separately on the same samples and contrasts, then tests the
difference of the two fold changes: per site ``s`` of protein ``p``,

``log2FC_adj = log2FC_s - log2FC_p``,  ``SE_adj = sqrt(SE_s^2 + SE_p^2)``,

with Satterthwaite's degrees of freedom
``df = SE_adj^4 / (SE_s^4 / df_s + SE_p^4 / df_p)`` and a two-sided t test. Here both fits
are limma's moderated t (:func:`omics.stats.differential.moderated_t`), so ``SE`` is the
moderated standard error and ``df`` limma's ``df.total``. Sites whose protein was not
measured (or not estimable in the contrast) keep their unadjusted test and are flagged
``adjusted = False``; BH runs over every site of the contrast.

Examples
--------
>>> sites = pd.DataFrame({"feature": ["P1_K5"], "log2_fc": [2.0], "ci_low": [1.0],
...                       "ci_high": [3.0], "df_total": [10.0]})
>>> proteins = pd.DataFrame({"feature": ["P1"], "log2_fc": [1.0], "ci_low": [0.5],
...                          "ci_high": [1.5], "df_total": [10.0]})
>>> out = adjust_for_protein(sites, proteins, pd.Series({"P1_K5": "P1"}))
>>> out[["log2_fc", "adjusted"]].values.tolist()
[[1.0, True]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from omics.stats.multiple_testing import adjust_p_values

__all__ = ["ADJUSTED_COLUMNS", "adjust_for_protein", "protein_lookup", "standard_error"]

#: Columns of an adjusted site table, in order.
ADJUSTED_COLUMNS = [
    "feature", "protein", "adjusted", "log2_fc", "se", "df", "t", "p_value", "fdr",
    "site_log2_fc", "site_se", "site_df", "site_fdr", "protein_log2_fc", "protein_se",
    "protein_df",
]


def standard_error(table: pd.DataFrame, confidence: float = 0.95) -> np.ndarray:
    """The moderated standard error of each row of a differential table, from its
    confidence interval (``ci_low``, ``ci_high``) and ``df_total``.

    Examples
    --------
    >>> t = pd.DataFrame({"ci_low": [-1.0], "ci_high": [1.0], "df_total": [np.inf]})
    >>> round(float(standard_error(t)[0]), 4)
    0.5102
    """
    quantile = stats.t.ppf(0.5 + confidence / 2, table["df_total"].to_numpy(dtype=float))
    return (table["ci_high"].to_numpy(float) - table["ci_low"].to_numpy(float)) / (2 * quantile)


def protein_lookup(protein_features: pd.Index | list[str]) -> dict[str, str]:
    """Accession -> protein feature: each feature id, and each accession of a protein group
    (``P1;P2``); the first group listing an accession wins.

    Examples
    --------
    >>> protein_lookup(["P1;P2", "P2", "P3"])
    {'P1;P2': 'P1;P2', 'P1': 'P1;P2', 'P2': 'P1;P2', 'P3': 'P3'}
    """
    lookup: dict[str, str] = {}
    for feature in map(str, protein_features):
        for key in (feature, *feature.split(";")):
            lookup.setdefault(key.strip(), feature)
    return lookup


def adjust_for_protein(sites: pd.DataFrame, proteins: pd.DataFrame,
                       site_proteins: pd.Series, *, confidence: float = 0.95,
                       fdr_method: str = "bh") -> pd.DataFrame:
    """Test each site's change net of its protein's change.

    Parameters
    ----------
    sites, proteins
        Differential tables of one contrast (``feature``, ``log2_fc``, ``ci_low``,
        ``ci_high``, ``df_total``; :func:`omics.stats.differential.moderated_t`) at the
        site and at the protein level.
    site_proteins
        Site -> protein accession (the site modality's ``protein`` column); matched to the
        protein table's features directly or through protein groups
        (:func:`protein_lookup`).
    confidence
        The confidence level of both tables' intervals (to recover the standard errors).
    fdr_method
        ``"bh"`` or ``"storey"`` over all sites.

    Returns
    -------
    DataFrame
        :data:`ADJUSTED_COLUMNS`, one row per site; ``protein`` is the matched protein
        feature (empty when none), ``adjusted`` says whether the protein entered.

    Examples
    --------
    >>> sites = pd.DataFrame({"feature": ["P1_K5", "P9_S2"], "log2_fc": [2.0, 1.0],
    ...                       "ci_low": [1.0, 0.0], "ci_high": [3.0, 2.0],
    ...                       "df_total": [10.0, 10.0]})
    >>> proteins = pd.DataFrame({"feature": ["P1"], "log2_fc": [1.0], "ci_low": [0.5],
    ...                          "ci_high": [1.5], "df_total": [10.0]})
    >>> out = adjust_for_protein(sites, proteins, pd.Series({"P1_K5": "P1", "P9_S2": "P9"}))
    >>> out[["feature", "log2_fc", "adjusted"]].values.tolist()
    [['P1_K5', 1.0, True], ['P9_S2', 1.0, False]]
    """
    site = sites.set_index("feature")
    protein = proteins.set_index("feature")
    lookup = protein_lookup(protein.index)
    matched = pd.Series([lookup.get(str(site_proteins.get(s, "")), "") for s in site.index],
                        index=site.index)
    site_se = pd.Series(standard_error(site.reset_index(), confidence), index=site.index)
    prot_se = pd.Series(standard_error(protein.reset_index(), confidence), index=protein.index)
    prot_fc = protein["log2_fc"].reindex(matched).to_numpy(float)
    prot_se_site = prot_se.reindex(matched).to_numpy(float)
    prot_df = protein["df_total"].reindex(matched).to_numpy(float)
    s_fc, s_se = site["log2_fc"].to_numpy(float), site_se.to_numpy(float)
    s_df = site["df_total"].to_numpy(float)
    adjusted = np.isfinite(prot_fc) & np.isfinite(prot_se_site) & np.isfinite(s_fc)
    with np.errstate(divide="ignore", invalid="ignore"):
        fc = np.where(adjusted, s_fc - prot_fc, s_fc)
        variance = np.where(adjusted, s_se ** 2 + prot_se_site ** 2, s_se ** 2)
        satterthwaite = variance ** 2 / (s_se ** 4 / s_df + prot_se_site ** 4 / prot_df)
        df = np.where(adjusted, satterthwaite, s_df)
        se = np.sqrt(variance)
        t = fc / se
    p = 2 * stats.t.sf(np.abs(t), df)
    tested = np.isfinite(p)
    fdr = np.full(len(p), np.nan)
    fdr[tested] = adjust_p_values(p[tested], fdr_method)
    site_fdr = site["fdr"].to_numpy(float) if "fdr" in site else np.full(len(p), np.nan)
    return pd.DataFrame({
        "feature": site.index, "protein": matched.where(adjusted, "").to_numpy(),
        "adjusted": adjusted, "log2_fc": fc, "se": se, "df": df, "t": t, "p_value": p,
        "fdr": fdr, "site_log2_fc": s_fc, "site_se": s_se, "site_df": s_df,
        "site_fdr": site_fdr, "protein_log2_fc": prot_fc, "protein_se": prot_se_site,
        "protein_df": prot_df,
    }, columns=ADJUSTED_COLUMNS)
