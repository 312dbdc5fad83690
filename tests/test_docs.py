"""The API reference builds with Sphinx + numpydoc, warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_api_reference_builds_without_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(DOCS), str(tmp_path)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "api.html").read_text(encoding="utf-8")
    for name in ("omics.tl.differential", "omics.stats.limma_fit.LimmaFit.top_table",
                 "omics.stats.limma_fit.LimmaFit.f_test", "omics.pp.median_normalise",
                 "omics.store.study.read_store", "omics.datasets.builtin_cohort"):
        assert f'id="{name}"' in page, name
    schema = (tmp_path / "study_schema.html").read_text(encoding="utf-8")
    for key in ("filter_by_expr", "tmm_normalise", "seed_hits", "protein_modality",
                "feature_map", "expected_counts", "DifferentialPlan"):
        assert key in schema, key
