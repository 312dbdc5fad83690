"""End-of-run summary of the main findings, and export of result tables as TSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from omics.analysis import DIFFERENTIAL_PROTEOMICS, read_result, result_names
from omics.store import layout

__all__ = ["AXIS_GENES", "export_results", "findings", "render_markdown"]

AXIS_GENES = ("ANXA6", "EGFR", "CBL")


def export_results(store: str | Path, out_dir: str | Path) -> list[str]:
    """Write every result table of the store as ``<analysis>__<name>.tsv`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = Path(store) / layout.RESULTS
    written = []
    for analysis_dir in sorted(p for p in results.iterdir() if p.is_dir()):
        for name in result_names(store, analysis_dir.name):
            path = out / f"{analysis_dir.name}__{name}.tsv"
            read_result(store, analysis_dir.name, name).to_csv(
                path, sep="\t", index=False, float_format="%.6g")
            written.append(str(path))
    return written


def _fmt(value: float) -> str:
    return "NA" if value is None or not np.isfinite(value) else f"{value:.2g}"


def findings(store: str | Path, analyses: dict) -> list[str]:
    """Plain-language lines on the axis genes, the clinical biomarker and the top hits."""
    lines = []
    proteomics = analyses.get("differential_proteomics", {})
    for contrast, summary in proteomics.items():
        table = read_result(store, DIFFERENTIAL_PROTEOMICS, contrast).set_index("feature")
        axis = [f"{g} {2 ** table.at[g, 'log2_fc']:.2f}x (FDR {_fmt(table.at[g, 'fdr'])})"
                for g in AXIS_GENES if g in table.index]
        top = ", ".join(t["feature"] for t in summary["top"][:5])
        lines.append(f"Proteome {contrast}: {summary['significant_fdr_0.05']} proteins at FDR "
                     f"< 0.05 ({summary['up']} up, {summary['down']} down); "
                     f"{'; '.join(axis)}; top: {top}")
    protein_mrna = analyses.get("protein_mrna")
    if protein_mrna:
        for contrast, genes in protein_mrna["protein_only"].items():
            named = [g for g in genes if g in AXIS_GENES] or genes[:5]
            lines.append(f"Protein changes without mRNA change ({contrast}): "
                         f"{len(genes)} genes, e.g. {', '.join(named)}")
    clinical = analyses.get("clinical")
    if clinical:
        medians = ", ".join(f"{k} {v:.3g}" for k, v in clinical["median_by_level"].items())
        lines.append(f"{clinical['biomarker']} by {clinical['response']}: Spearman rho "
                     f"{clinical['spearman_rho']:.2f} (p {_fmt(clinical['spearman_p'])}); "
                     f"medians {medians}")
        for pair in clinical["score_pairs"]:
            lines.append(f"{pair['a']} vs {pair['b']}: Spearman rho {pair['spearman_rho']:.2f} "
                         f"(p {_fmt(pair['spearman_p'])}, n {pair['n']})")
    for pair in analyses.get("gene_pairs", {}).get("pairs", []):
        lines.append(f"{pair['gene_a']}-{pair['gene_b']} mRNA in "
                     f"{analyses['gene_pairs']['modality']}: Spearman rho "
                     f"{pair['spearman_rho']:.2f} (p {_fmt(pair['spearman_p'])}, n {pair['n']})")
    return lines


def render_markdown(title: str, lines: list[str], paths: dict[str, str]) -> str:
    """A short Markdown summary: findings as bullets, then where the outputs are.

    Examples
    --------
    >>> print(render_markdown("Run", ["EGFR up"], {"store": "s.zarr"}))
    # Run
    <BLANKLINE>
    - EGFR up
    <BLANKLINE>
    ## Outputs
    - store: `s.zarr`
    """
    body = [f"# {title}", ""] + [f"- {line}" for line in lines] + ["", "## Outputs"]
    body += [f"- {name}: `{path}`" for name, path in paths.items()]
    return "\n".join(body)
