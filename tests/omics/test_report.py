"""The HTML report: sections from the store's data, self-contained, plots on their data."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd

from omics.pl import figures as plots
from omics.report import build_report


def _images(html: str) -> list[bytes]:
    return [base64.b64decode(uri) for uri in
            re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)]


def test_report_of_a_proteomics_only_store_leaves_the_other_sections_out(tmp_path,
                                                                          small_cohort):
    from omics.steps.ingest import ingest_study

    folder = small_cohort.parent
    (tmp_path / "study.yaml").write_text(
        f"name: proteome-only\nproteomics: {{table: '{folder / 'proteomics_tmt.tsv'}', "
        f"samples: '{folder / 'proteomics_samples.csv'}', annotation_columns: [gene]}}\n")
    store = ingest_study(tmp_path / "study.yaml", tmp_path / "s.zarr")
    html = build_report(store, tmp_path / "report.html").read_text()
    sections = re.findall(r"<h2>(.*?)</h2>", html)
    assert sections == ["Summary", "Quality control", "Methods", "Data and provenance"]
    assert "proteomics_tmt.tsv" in html and "No analysis results" in html
    assert "Reference channels across plexes" in html
    images = _images(html)
    assert len(images) == 5 and all(i.startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert not re.search(r'(src|href)="https?://', html)  # nothing fetched from the network


def test_volcano_plots_every_tested_feature_and_labels_the_axis_genes():
    table = pd.DataFrame({"feature": ["ANXA6", "EGFR", "A", "B"], "log2_fc": [2.0, 1.0, 0, -1],
                          "p_value": [1e-8, 1e-4, 0.5, np.nan], "fdr": [1e-6, 1e-3, 0.6, np.nan]})
    figure = plots.volcano(table, "c", label={"ANXA6", "EGFR"})
    axes = figure.axes[0]
    assert len(axes.collections[0].get_offsets()) == 3
    assert {t.get_text() for t in axes.texts} == {"ANXA6", "EGFR"}
    assert axes.get_title() == "c (2 at FDR < 0.05)"


def test_kaplan_meier_and_dose_response_figures_show_their_data(small_store):
    from omics.stats.dose_response import fit_dose_response
    from omics.stats.survival import kaplan_meier_by_group
    from omics.store import open_table

    clinical = open_table(small_store, "clinical")
    km = kaplan_meier_by_group(clinical, "serum_exo_anxa6_ng_ml", "pfs_months", "pfs_event")
    axes = plots.kaplan_meier(km.groups, km.logrank_p).axes[0]
    assert len(axes.lines) == 2 and axes.get_ylabel() == "survival probability"
    viability = open_table(small_store, "tables/viability")
    fits = fit_dose_response(viability, "condition", "gemcitabine_um", "viability_pct")
    axes = plots.dose_response_curves(viability, fits, "condition", "gemcitabine_um",
                                      "viability_pct").axes[0]
    assert len(axes.lines) == len(fits) and axes.get_xscale() == "log"
    assert sum(len(c.get_offsets()) for c in axes.collections) == 5 * 10


def test_reference_channel_figure_has_one_bar_per_sample_and_one_box_per_plex(small_store):
    from omics.preprocess import log2_intensity
    from omics.steps.analysis import normalised_proteomics
    from omics.store import open_proteomics

    _, samples = normalised_proteomics(small_store)
    raw = np.asarray(log2_intensity(open_proteomics(small_store)["intensity"]).values)
    reference = samples["reference"].astype(bool)
    figure = plots.reference_channels(raw, samples["plex"], reference)
    left, right = figure.axes
    assert len(right.patches) == int((~reference).sum())  # one bar per non-reference sample
    assert [t.get_text() for t in left.get_xticklabels()] == sorted(set(samples["plex"]))
    first = np.flatnonzero(~reference.to_numpy())[0]
    own_reference = np.flatnonzero(reference.to_numpy() & (samples["plex"] ==
                                                           samples["plex"].iloc[first]).to_numpy())
    assert right.patches[0].get_height() == np.nanmedian(raw[:, first] - raw[:, own_reference[0]])


def test_correlation_heatmap_and_network_figure_show_their_data():
    from omics.pl.network import network_figure

    correlation = pd.DataFrame([[1, 0.5, np.nan], [0.5, 1, -0.2], [np.nan, -0.2, 1]],
                               index=["ANXA6", "EGFR", "CBL"], columns=["ANXA6", "EGFR", "CBL"])
    axes = plots.correlation_heatmap(correlation, "axis").axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["ANXA6", "EGFR", "CBL"]
    assert np.ma.is_masked(axes.images[0].get_array()[0, 2])
    nodes = pd.DataFrame({"fc": [1.0, np.nan]}, index=pd.Index(["ANXA6", "EGFR"], name="node"))
    edges = pd.DataFrame({"source": ["ANXA6"], "target": ["EGFR"], "evidence": ["experimental"]})
    axes = network_figure(nodes, edges, colour_by="fc", highlight={"ANXA6"}).axes[0]
    assert len(axes.collections[0].get_offsets()) == 2
    assert axes.lines[0].get_linewidth() == 2.6  # experimental edges drawn thick
    assert {t.get_text() for t in axes.texts} == {"ANXA6", "EGFR"}


def test_report_says_how_many_features_were_tested_and_on_which_samples(small_store,
                                                                       small_cohort, tmp_path):
    from omics.io.study import load_study
    from omics.steps.analysis import differential_proteomics
    from omics.store.results import read_result

    plan = load_study(small_cohort).analysis.proteomics
    summary = differential_proteomics(small_store, plan)
    contrast = next(iter(plan.contrasts))
    table = read_result(small_store, "differential_proteomics", contrast)
    tested = int(table["p_value"].notna().sum())
    assert 0 < tested < len(table) == 674 and summary[contrast]["tested"] == tested
    html = build_report(small_store, tmp_path / "report.html").read_text()
    assert (f"Tested: {tested} of 674 features; {674 - tested} not testable (too few observed "
            f"values in the compared groups); samples: {plan.samples} (") in html
    used, total = map(int, re.search(rf"samples: {re.escape(plan.samples)} \((\d+) of (\d+)\)",
                                     html).groups())
    assert 0 < used < total  # the reference channels are left out
